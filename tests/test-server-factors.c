/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-factors"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tl-message.h"
#include "tl-otp.h"
#include "tl-test-server.h"

/* Every second factor, end to end against the real server: the push is
 * approved and denied through the device API with proofs computed here,
 * challenges are answered with tl_ocra_compute(). */

static TlTestServer *server;
static char *ibkey_id;
static GBytes *ibkey_secret;

static const char *
device_id (TlMode      mode,
           const char *kind)
{
  return json_object_get_string_member (tl_test_server_get_device (server, mode, kind), "id");
}

/* The password step of demo.json's user; returns the login id. */
static char *
password_step (TlMode mode)
{
  JsonObject *user = tl_test_server_get_user (server, mode);
  g_autoptr(JsonObject) verify = NULL;
  char *login_id = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, mode, json_object_get_string_member (user, "username"),
                                          json_object_get_string_member (user, "password"),
                                          &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verify, "next"), ==, "second_factor");

  return login_id;
}

static JsonObject *
choose (TlMode      mode,
        const char *login_id,
        const char *device)
{
  guint status = 0;
  JsonObject *answer = tl_test_server_post (server, mode, "v1/login/second-factor", &status,
                             "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id, device);

  if (status != 200)
    g_error ("second-factor answered %u %s", status, json_object_get_string_member (answer, "error"));

  return answer;
}

static JsonObject *
answer (TlMode      mode,
        const char *login_id,
        const char *response,
        guint      *out_status)
{
  return tl_test_server_post (server, mode, "v1/login/answer", out_status,
               "{\"login_id\": \"%s\", \"response\": \"%s\"}", login_id, response);
}

static void
assert_session (JsonObject *body,
                TlMode      mode,
                gboolean    read_only)
{
  JsonObject *session = json_object_get_object_member (body, "session");
  g_autoptr(JsonObject) info = NULL;
  guint status = 0;

  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "mode"), ==, tl_mode_to_string (mode));
  g_assert_cmpint (json_object_get_boolean_member (session, "read_only"), ==, read_only);

  info = tl_test_server_send_json (server, mode, "v1/session", NULL,
                                   json_object_get_string_member (session, "token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_boolean_member (info, "read_only"), ==, read_only);
}

static char *
proof (const char *action,
       const char *push_id,
       gint64      time)
{
  g_autofree char *message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT, action, ibkey_id,
                                              push_id != NULL ? push_id : "", time);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (ibkey_secret, NULL),
                                      g_bytes_get_size (ibkey_secret));
  guint8 digest[32];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, -1);
  g_hmac_get_digest (hmac, digest, &length);

  return g_base64_encode (digest, length);
}

static char *
pending_body (gint64 time)
{
  g_autofree char *p = proof ("pending", NULL, time);

  return g_strdup_printf ("{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                          ibkey_id, time, p);
}

static JsonObject *
respond (const char *push_id,
         const char *decision,
         guint      *out_status)
{
  gint64 now = tl_test_server_now (server);
  g_autofree char *p = proof ("respond", push_id, now);

  return tl_test_server_post (server, TL_MODE_LIVE, "v1/device/respond", out_status,
               "{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"%s\", \"time\": %"
               G_GINT64_FORMAT ", \"proof\": \"%s\"}", ibkey_id, push_id, decision, now, p);
}

/* An asynchronous request, to hold a long poll open while the test acts. */
typedef struct
{
  SoupSession *session;
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
  gint64       done_at;
} Async;

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Async *async = user_data;

  async->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &async->error);
  async->done = TRUE;
  async->done_at = g_get_monotonic_time ();
}

static Async *
send_async (TlMode      mode,
            const char *path,
            const char *json_body)
{
  Async *async = g_new0 (Async, 1);

  async->session = tl_test_server_new_soup_session (server);
  async->msg = tl_test_server_new_message (server, mode, path, json_body, NULL);
  soup_session_send_and_read_async (async->session, async->msg, G_PRIORITY_DEFAULT, NULL, on_sent, async);

  /* Let the request reach the server before the test goes on. */
  for (int i = 0; i < 50 && !async->done; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }

  return async;
}

static JsonObject *
finish_async (Async  *async,
              guint  *out_status,
              gint64 *out_elapsed_after)
{
  gint64 since = g_get_monotonic_time ();
  JsonObject *object;

  while (!async->done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (async->error);
  *out_status = soup_message_get_status (async->msg);
  if (out_elapsed_after != NULL)
    *out_elapsed_after = async->done_at - since;

  object = tl_message_parse_bytes (async->body, NULL);
  g_assert_nonnull (object);

  g_bytes_unref (async->body);
  g_object_unref (async->msg);
  g_object_unref (async->session);
  g_free (async);

  return object;
}

static void
test_activate (void)
{
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_LIVE, "ibkey");
  const char *code = json_object_get_string_member (device, "activation_code");
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *totp;
  guint status = 0;

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/activate", &status,
               "{\"username\": \"demo\", \"activation_code\": \"WRONGWRONG22\", \"name\": \"Phone\"}");
  tl_test_assert_error (body, status, 401, "invalid_credentials");
  g_clear_pointer (&body, json_object_unref);

  /* The code belongs to the live user only. */
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/device/activate", &status,
               "{\"username\": \"demopaper\", \"activation_code\": \"%s\", \"name\": \"Phone\"}", code);
  tl_test_assert_error (body, status, 401, "invalid_credentials");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/activate", &status,
               "{\"username\": \"Demo\", \"activation_code\": \"%s\"}", code);
  tl_test_assert_error (body, status, 400, "bad_character");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/activate", &status,
               "{\"username\": \"demo\", \"activation_code\": \"%s\", \"name\": \"Test phone\"}", code);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "device_id"), ==, json_object_get_string_member (device, "id"));
  g_assert_cmpstr (json_object_get_string_member (body, "ocra_suite"), ==, "OCRA-1:HOTP-SHA256-8:QN08");
  totp = json_object_get_object_member (body, "totp");
  g_assert_cmpstr (json_object_get_string_member (totp, "algorithm"), ==, "SHA1");
  g_assert_cmpint (json_object_get_int_member (totp, "digits"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (totp, "period"), ==, 30);

  ibkey_id = g_strdup (json_object_get_string_member (body, "device_id"));
  ibkey_secret = tl_message_get_base64 (body, "secret", 64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (ibkey_secret), ==, 32);
  g_clear_pointer (&body, json_object_unref);

  /* Single use. */
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/activate", &status,
               "{\"username\": \"demo\", \"activation_code\": \"%s\", \"name\": \"Other\"}", code);
  tl_test_assert_error (body, status, 401, "invalid_credentials");
}

static void
test_device_proofs (void)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *request = NULL;
  gint64 now = tl_test_server_now (server);
  guint status = 0;

  /* More than a minute off. */
  request = pending_body (now - 120);
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/device/pending", request, NULL, &status);
  tl_test_assert_error (body, status, 401, "bad_proof");
  g_clear_pointer (&body, json_object_unref);

  /* A proof for another time. */
  {
    g_autofree char *p = proof ("pending", NULL, now - 1);

    body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/pending", &status,
                 "{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}", ibkey_id, now, p);
    tl_test_assert_error (body, status, 401, "bad_proof");
    g_clear_pointer (&body, json_object_unref);
  }

  /* A proof of the other action. */
  {
    g_autofree char *p = proof ("respond", NULL, now);

    body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/pending", &status,
                 "{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}", ibkey_id, now, p);
    tl_test_assert_error (body, status, 401, "bad_proof");
    g_clear_pointer (&body, json_object_unref);
  }

  /* The device belongs to live. */
  g_free (request);
  request = pending_body (now);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/pending", request, NULL, &status);
  tl_test_assert_error (body, status, 401, "bad_proof");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/pending", &status,
               "{\"device_id\": \"%s\", \"time\": \"now\", \"proof\": \"AAAA\"}", ibkey_id);
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = respond ("nosuchpush", "approve", &status);
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = respond ("nosuchpush", "maybe", &status);
  tl_test_assert_error (body, status, 400, "bad_request");
}

/* The phone waits first; choosing the device wakes it at once. Then the
 * client waits, and approving wakes it at once with the session. */
static void
test_push_approve (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *pending_request = pending_body (tl_test_server_now (server));
  g_autofree char *wait_request = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonObject) responded = NULL;
  g_autoptr(JsonObject) waited = NULL;
  g_autoptr(JsonObject) again = NULL;
  JsonObject *request;
  const char *push_id;
  Async *phone, *client;
  gint64 elapsed = 0;
  guint status = 0;

  phone = send_async (TL_MODE_LIVE, "v1/device/pending", pending_request);
  g_assert_false (phone->done);

  chosen = choose (TL_MODE_LIVE, login_id, ibkey_id);
  g_assert_cmpstr (json_object_get_string_member (chosen, "method"), ==, "push");
  g_assert_cmpint (json_object_get_int_member (chosen, "expires_in"), ==, 180);
  push_id = json_object_get_string_member (chosen, "push_id");

  pending = finish_async (phone, &status, &elapsed);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pending, "requests")), ==, 1);
  request = json_array_get_object_element (json_object_get_array_member (pending, "requests"), 0);
  g_assert_cmpstr (json_object_get_string_member (request, "push_id"), ==, push_id);
  g_assert_cmpstr (json_object_get_string_member (request, "username"), ==, "demo");
  g_assert_cmpstr (json_object_get_string_member (request, "mode"), ==, "live");
  g_assert_cmpstr (json_object_get_string_member (request, "client"), ==, "test 1");
  g_assert_cmpstr (json_object_get_string_member (request, "ip"), ==, "127.0.0.1");
  g_assert_nonnull (json_object_get_string_member (request, "created_at"));

  wait_request = g_strdup_printf ("{\"login_id\": \"%s\", \"push_id\": \"%s\"}", login_id, push_id);
  client = send_async (TL_MODE_LIVE, "v1/login/push/wait", wait_request);
  g_assert_false (client->done);

  responded = respond (push_id, "approve", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (responded, "status"), ==, "ok");

  waited = finish_async (client, &status, &elapsed);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpstr (json_object_get_string_member (waited, "status"), ==, "approved");
  assert_session (waited, TL_MODE_LIVE, FALSE);

  /* Decided once; the login is over. */
  g_clear_pointer (&responded, json_object_unref);
  responded = respond (push_id, "deny", &status);
  tl_test_assert_error (responded, status, 410, "second_factor_expired");
  again = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/push/wait", wait_request, NULL, &status);
  tl_test_assert_error (again, status, 410, "login_expired");
}

static void
test_push_deny (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *wait_request = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) responded = NULL;
  g_autoptr(JsonObject) waited = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) pending = NULL;
  g_autofree char *pending_request = NULL;
  const char *push_id;
  guint status = 0;

  chosen = choose (TL_MODE_LIVE, login_id, ibkey_id);
  push_id = json_object_get_string_member (chosen, "push_id");

  /* Not yet decided: the push is in the phone's list at once. */
  pending_request = pending_body (tl_test_server_now (server));
  pending = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/device/pending", pending_request, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pending, "requests")), ==, 1);

  responded = respond (push_id, "deny", &status);
  g_assert_cmpuint (status, ==, 200);

  wait_request = g_strdup_printf ("{\"login_id\": \"%s\", \"push_id\": \"%s\"}", login_id, push_id);
  waited = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/push/wait", wait_request, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (waited, "status"), ==, "denied");
  g_assert_false (json_object_has_member (waited, "session"));

  after = answer (TL_MODE_LIVE, login_id, "123456", &status);
  tl_test_assert_error (after, status, 410, "login_expired");
}

/* "I did not receive the notification": the challenge cancels the push. */
static void
test_push_challenge (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *wait_request = NULL;
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) challenge = NULL;
  g_autoptr(JsonObject) waited = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(JsonObject) late = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  TlOcraInput input = { 0 };
  const char *push_id;
  Async *client;
  gint64 elapsed = 0;
  guint status = 0;

  chosen = choose (TL_MODE_LIVE, login_id, ibkey_id);
  push_id = json_object_get_string_member (chosen, "push_id");
  wait_request = g_strdup_printf ("{\"login_id\": \"%s\", \"push_id\": \"%s\"}", login_id, push_id);
  client = send_async (TL_MODE_LIVE, "v1/login/push/wait", wait_request);

  challenge = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/challenge", &status,
                    "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id, ibkey_id);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (challenge, "suite"), ==, "OCRA-1:HOTP-SHA256-8:QN08");
  g_assert_cmpint (json_object_get_int_member (challenge, "response_digits"), ==, 8);
  g_assert_cmpuint (strlen (json_object_get_string_member (challenge, "challenge")), ==, 8);

  waited = finish_async (client, &status, &elapsed);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpstr (json_object_get_string_member (waited, "status"), ==, "expired");

  /* The cancelled push cannot be approved any more. */
  late = respond (push_id, "approve", &status);
  tl_test_assert_error (late, status, 410, "second_factor_expired");

  suite = tl_ocra_suite_parse (json_object_get_string_member (challenge, "suite"), &error);
  g_assert_no_error (error);
  input.question = json_object_get_string_member (challenge, "challenge");
  response = tl_ocra_compute (suite, g_bytes_get_data (ibkey_secret, NULL), g_bytes_get_size (ibkey_secret),
                              &input, &error);
  g_assert_no_error (error);

  done = answer (TL_MODE_LIVE, login_id, response, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (done, TL_MODE_LIVE, FALSE);
}

static void
test_challenge_errors (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  /* Only an ibkey device takes v1/login/challenge. */
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/challenge", &status,
               "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id, device_id (TL_MODE_LIVE, "totp"));
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/challenge", &status,
               "{\"login_id\": \"nosuchlogin\", \"device_id\": \"%s\"}", ibkey_id);
  tl_test_assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/push/wait", &status,
               "{\"login_id\": \"%s\", \"push_id\": \"nosuchpush\"}", login_id);
  tl_test_assert_error (body, status, 400, "bad_request");
}

static void
test_totp_reuse (void)
{
  g_autofree char *first = password_step (TL_MODE_PAPER);
  g_autofree char *second = NULL;
  g_autofree char *code = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(JsonObject) refused = NULL;
  guint status = 0;

  chosen = choose (TL_MODE_PAPER, first, device_id (TL_MODE_PAPER, "totp"));
  code = tl_test_server_totp_code (server, TL_MODE_PAPER, tl_test_server_now (server));
  done = answer (TL_MODE_PAPER, first, code, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (done, TL_MODE_PAPER, FALSE);

  /* The same code (the same step) never works twice. */
  second = password_step (TL_MODE_PAPER);
  g_clear_pointer (&chosen, json_object_unref);
  chosen = choose (TL_MODE_PAPER, second, device_id (TL_MODE_PAPER, "totp"));
  refused = answer (TL_MODE_PAPER, second, code, &status);
  tl_test_assert_error (refused, status, 401, "second_factor_failed");
  g_assert_cmpint (json_object_get_int_member (refused, "attempts_left"), ==, 2);
  g_assert_nonnull (strstr (json_object_get_string_member (refused, "message"), "used already"));
  g_clear_pointer (&refused, json_object_unref);

  /* Nor does a code two steps away. */
  g_free (code);
  code = tl_test_server_totp_code (server, TL_MODE_PAPER, tl_test_server_now (server) + 90);
  refused = answer (TL_MODE_PAPER, second, code, &status);
  tl_test_assert_error (refused, status, 401, "second_factor_failed");
  g_assert_cmpint (json_object_get_int_member (refused, "attempts_left"), ==, 1);
  g_clear_pointer (&refused, json_object_unref);

  /* The next step does. */
  g_free (code);
  code = tl_test_server_totp_code (server, TL_MODE_PAPER, tl_test_server_now (server) + 30);
  g_clear_pointer (&done, json_object_unref);
  done = answer (TL_MODE_PAPER, second, code, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (done, TL_MODE_PAPER, FALSE);
}

static void
test_sms (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *first_code = NULL;
  g_autofree char *second_code = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) resent = NULL;
  g_autoptr(JsonObject) body = NULL;
  gint64 offset = tl_test_server_get_clock_offset (server);
  guint status = 0;

  chosen = choose (TL_MODE_LIVE, login_id, device_id (TL_MODE_LIVE, "sms"));
  g_assert_cmpstr (json_object_get_string_member (chosen, "method"), ==, "code");
  g_assert_cmpint (json_object_get_int_member (chosen, "digits"), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (chosen, "charset"), ==, "digits");
  g_assert_cmpstr (json_object_get_string_member (chosen, "sent_to"), ==, "+1 *** *** 1234");
  g_assert_cmpint (json_object_get_int_member (chosen, "resend_after"), ==, 30);

  first_code = tl_test_server_read_sms (server);
  g_assert_nonnull (first_code);
  g_assert_cmpuint (strlen (first_code), ==, 6);

  /* Too early to resend. */
  resent = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/resend", &status,
                 "{\"login_id\": \"%s\", \"channel\": \"sms\"}", login_id);
  tl_test_assert_error (resent, status, 429, "throttled");
  g_assert_cmpint (json_object_get_int_member (resent, "retry_after"), >, 0);
  g_assert_cmpint (json_object_get_int_member (resent, "retry_after"), <=, 30);
  g_clear_pointer (&resent, json_object_unref);

  resent = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/resend", &status,
                 "{\"login_id\": \"%s\", \"channel\": \"pigeon\"}", login_id);
  tl_test_assert_error (resent, status, 400, "bad_request");
  g_clear_pointer (&resent, json_object_unref);

  tl_test_server_set_clock_offset (server, offset + 31);
  resent = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/resend", &status,
                 "{\"login_id\": \"%s\", \"channel\": \"voice\"}", login_id);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (resent, "sent_to"), ==, "+1 *** *** 1234");
  g_assert_cmpint (json_object_get_int_member (resent, "resend_after"), ==, 30);
  second_code = tl_test_server_read_sms (server);
  g_assert_nonnull (second_code);

  {
    g_autofree char *path = g_build_filename (tl_test_server_get_data_dir (server), "sms.log", NULL);
    g_autofree char *log = NULL;

    g_file_get_contents (path, &log, NULL, NULL);
    g_assert_nonnull (strstr (log, "voice to +1 555 010 1234"));
  }

  /* The new code replaces the old one. */
  if (!g_str_equal (first_code, second_code))
    {
      body = answer (TL_MODE_LIVE, login_id, first_code, &status);
      tl_test_assert_error (body, status, 401, "second_factor_failed");
      g_clear_pointer (&body, json_object_unref);
    }

  body = answer (TL_MODE_LIVE, login_id, second_code, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (body, TL_MODE_LIVE, FALSE);
  tl_test_server_set_clock_offset (server, offset);
}

static void
test_resend_not_sms (void)
{
  g_autofree char *login_id = password_step (TL_MODE_PAPER);
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  chosen = choose (TL_MODE_PAPER, login_id, device_id (TL_MODE_PAPER, "card"));
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/resend", &status,
               "{\"login_id\": \"%s\", \"channel\": \"sms\"}", login_id);
  tl_test_assert_error (body, status, 403, "not_allowed");
}

static void
test_temp (void)
{
  g_autofree char *login_id = password_step (TL_MODE_PAPER);
  g_autofree char *typed = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_PAPER, "temp");
  const char *code = json_object_get_string_member (device, "temp_code");
  guint status = 0;

  g_assert_cmpuint (strlen (code), ==, 8);
  for (const char *p = code; *p != '\0'; p++)
    g_assert_true (g_ascii_isupper (*p) || g_ascii_isdigit (*p));

  chosen = choose (TL_MODE_PAPER, login_id, json_object_get_string_member (device, "id"));
  g_assert_cmpstr (json_object_get_string_member (chosen, "method"), ==, "code");
  g_assert_cmpint (json_object_get_int_member (chosen, "digits"), ==, 8);
  g_assert_cmpstr (json_object_get_string_member (chosen, "charset"), ==, "upper-alnum");

  /* One character off. */
  typed = g_strdup (code);
  typed[7] = typed[7] == 'A' ? 'B' : 'A';
  body = answer (TL_MODE_PAPER, login_id, typed, &status);
  tl_test_assert_error (body, status, 401, "second_factor_failed");
  g_clear_pointer (&body, json_object_unref);

  /* Typed in lower case with a space: still the code. */
  g_free (typed);
  {
    g_autofree char *lower = g_ascii_strdown (code, -1);

    typed = g_strdup_printf ("%.4s %s", lower, lower + 4);
  }
  body = answer (TL_MODE_PAPER, login_id, typed, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (body, TL_MODE_PAPER, FALSE);
}

static void
test_dsc (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_LIVE, "dsc");
  TlOcraInput input = { 0 };
  guint status = 0;

  chosen = choose (TL_MODE_LIVE, login_id, json_object_get_string_member (device, "id"));
  g_assert_cmpstr (json_object_get_string_member (chosen, "method"), ==, "challenge");
  g_assert_cmpstr (json_object_get_string_member (chosen, "suite"), ==, "OCRA-1:HOTP-SHA1-8:QN06-PSHA1");
  g_assert_cmpint (json_object_get_int_member (chosen, "response_digits"), ==, 8);
  g_assert_cmpuint (strlen (json_object_get_string_member (chosen, "challenge")), ==, 6);

  suite = tl_ocra_suite_parse (json_object_get_string_member (chosen, "suite"), &error);
  g_assert_no_error (error);
  secret = tl_message_get_base64 (device, "secret", 64, &error);
  g_assert_no_error (error);
  input.question = json_object_get_string_member (chosen, "challenge");

  /* The wrong PIN gives a wrong response. */
  input.password = "9999";
  response = tl_ocra_compute (suite, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), &input, &error);
  g_assert_no_error (error);
  body = answer (TL_MODE_LIVE, login_id, response, &status);
  tl_test_assert_error (body, status, 401, "second_factor_failed");
  g_clear_pointer (&body, json_object_unref);
  g_free (response);

  input.password = json_object_get_string_member (device, "pin");
  response = tl_ocra_compute (suite, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), &input, &error);
  g_assert_no_error (error);
  body = answer (TL_MODE_LIVE, login_id, response, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (body, TL_MODE_LIVE, FALSE);
}

static void
test_card (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_LIVE, "card");
  JsonObject *card = json_object_get_object_member (device, "card");
  JsonArray *indices;
  char first[16], second[16];
  guint status = 0;

  g_assert_cmpuint (json_object_get_size (card), ==, 100);

  chosen = choose (TL_MODE_LIVE, login_id, json_object_get_string_member (device, "id"));
  g_assert_cmpstr (json_object_get_string_member (chosen, "method"), ==, "card");
  g_assert_cmpint (json_object_get_int_member (chosen, "response_length"), ==, 6);
  indices = json_object_get_array_member (chosen, "indices");
  g_assert_cmpuint (json_array_get_length (indices), ==, 2);
  g_assert_cmpint (json_array_get_int_element (indices, 0), !=, json_array_get_int_element (indices, 1));

  g_snprintf (first, sizeof first, "%" G_GINT64_FORMAT, json_array_get_int_element (indices, 0));
  g_snprintf (second, sizeof second, "%" G_GINT64_FORMAT, json_array_get_int_element (indices, 1));

  /* In the wrong order it is wrong (unless both cells hold one code). */
  response = g_strconcat (json_object_get_string_member (card, second),
                          json_object_get_string_member (card, first), NULL);
  if (!g_str_equal (json_object_get_string_member (card, first), json_object_get_string_member (card, second)))
    {
      body = answer (TL_MODE_LIVE, login_id, response, &status);
      tl_test_assert_error (body, status, 401, "second_factor_failed");
      g_clear_pointer (&body, json_object_unref);
    }

  g_free (response);
  response = g_strconcat (json_object_get_string_member (card, first),
                          json_object_get_string_member (card, second), NULL);
  body = answer (TL_MODE_LIVE, login_id, response, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (body, TL_MODE_LIVE, FALSE);
}

static void
test_read_only (void)
{
  g_autofree char *login_id = password_step (TL_MODE_PAPER);
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/read-only", &status, "{\"login_id\": \"%s\"}", login_id);
  g_assert_cmpuint (status, ==, 200);
  assert_session (body, TL_MODE_PAPER, TRUE);
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/read-only", &status, "{\"login_id\": \"%s\"}", login_id);
  tl_test_assert_error (body, status, 410, "login_expired");
}

static void
test_read_only_not_allowed (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *login_id = NULL;
  guint status = 0;

  out = tl_test_server_admin (server, "secret-pass\n", "user", "add", "noreadonly", "--password-stdin", NULL);
  g_free (out);
  out = tl_test_server_admin (server, NULL, "device", "add", "noreadonly", "--kind", "card", NULL);

  verify = tl_test_server_login_password (server, TL_MODE_LIVE, "noreadonly", "secret-pass", &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (verify, "second_factor"),
                                                  "read_only_allowed"));

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/read-only", &status, "{\"login_id\": \"%s\"}", login_id);
  tl_test_assert_error (body, status, 403, "not_allowed");
}

/* Three wrong answers end the login and count as one failed login. */
static void
test_three_wrong_answers (void)
{
  g_autofree char *login_id = password_step (TL_MODE_PAPER);
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) verify = NULL;
  guint status = 0;

  chosen = choose (TL_MODE_PAPER, login_id, device_id (TL_MODE_PAPER, "temp"));
  for (int left = 2; left >= 0; left--)
    {
      body = answer (TL_MODE_PAPER, login_id, "WRONG123", &status);
      tl_test_assert_error (body, status, 401, "second_factor_failed");
      g_assert_cmpint (json_object_get_int_member (body, "attempts_left"), ==, left);
      g_clear_pointer (&body, json_object_unref);
    }

  body = answer (TL_MODE_PAPER, login_id,
                 json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_PAPER, "temp"), "temp_code"),
                 &status);
  tl_test_assert_error (body, status, 410, "login_expired");

  /* One failure counted: a wrong password now leaves 8 of 10. */
  verify = tl_test_server_login_password (server, TL_MODE_PAPER, "demopaper", "wrong", NULL, &status);
  tl_test_assert_error (verify, status, 401, "invalid_credentials");
  g_assert_cmpint (json_object_get_int_member (verify, "attempts_left"), ==, 8);

  g_free (tl_test_server_admin (server, NULL, "user", "unlock", "demopaper", "--mode", "paper", NULL));
}

/* An unused second factor of an activated phone: its TOTP codes answer a
 * push it did not receive. */
static void
test_ibkey_totp (void)
{
  g_autofree char *login_id = password_step (TL_MODE_LIVE);
  g_autofree char *code = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  chosen = choose (TL_MODE_LIVE, login_id, ibkey_id);
  code = tl_totp (TL_OTP_HASH_SHA1, g_bytes_get_data (ibkey_secret, NULL), g_bytes_get_size (ibkey_secret),
                  tl_test_server_now (server), 30, 6, NULL);
  body = answer (TL_MODE_LIVE, login_id, code, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_session (body, TL_MODE_LIVE, FALSE);
}

/* An external SMS command: the code travels in its environment. */
static void
test_sms_command (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tl-sms-XXXXXX", &error);
  g_autofree char *out_path = g_build_filename (dir, "sent", NULL);
  g_autofree char *command = g_strdup_printf ("sh -c 'echo \"$TL_SMS_CHANNEL $TL_SMS_TO $TL_SMS_CODE\" >> %s'",
                                              out_path);
  TlTestServer *saved = server;
  g_autofree char *login_id = NULL;
  g_autofree char *sent = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  g_assert_no_error (error);
  server = tl_test_server_new_with_args ("--sms-command", command, NULL);

  login_id = password_step (TL_MODE_PAPER);
  chosen = choose (TL_MODE_PAPER, login_id, device_id (TL_MODE_PAPER, "sms"));
  g_assert_null (tl_test_server_read_sms (server));

  g_file_get_contents (out_path, &sent, NULL, &error);
  g_assert_no_error (error);
  fields = g_strsplit (g_strstrip (sent), " ", -1);
  g_assert_cmpstr (fields[0], ==, "sms");
  g_assert_cmpstr (fields[1], ==, "+1");
  body = answer (TL_MODE_PAPER, login_id, fields[g_strv_length (fields) - 1], &status);
  g_assert_cmpuint (status, ==, 200);

  tl_test_server_free (server);
  g_unlink (out_path);
  g_rmdir (dir);
  server = saved;
}

static void
test_sms_command_fails (void)
{
  TlTestServer *saved = server;
  g_autofree char *login_id = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  server = tl_test_server_new_with_args ("--sms-command", "false", NULL);
  login_id = password_step (TL_MODE_LIVE);
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status,
               "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id, device_id (TL_MODE_LIVE, "sms"));
  tl_test_assert_error (body, status, 500, "server_error");

  tl_test_server_free (server);
  server = saved;
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = tl_test_server_new ();

  g_test_add_func ("/tl/server/factors/activate", test_activate);
  g_test_add_func ("/tl/server/factors/device-proofs", test_device_proofs);
  g_test_add_func ("/tl/server/factors/push-approve", test_push_approve);
  g_test_add_func ("/tl/server/factors/push-deny", test_push_deny);
  g_test_add_func ("/tl/server/factors/push-challenge", test_push_challenge);
  g_test_add_func ("/tl/server/factors/challenge-errors", test_challenge_errors);
  g_test_add_func ("/tl/server/factors/ibkey-totp", test_ibkey_totp);
  g_test_add_func ("/tl/server/factors/totp-reuse", test_totp_reuse);
  g_test_add_func ("/tl/server/factors/sms", test_sms);
  g_test_add_func ("/tl/server/factors/resend-not-sms", test_resend_not_sms);
  g_test_add_func ("/tl/server/factors/temp", test_temp);
  g_test_add_func ("/tl/server/factors/dsc", test_dsc);
  g_test_add_func ("/tl/server/factors/card", test_card);
  g_test_add_func ("/tl/server/factors/read-only", test_read_only);
  g_test_add_func ("/tl/server/factors/read-only-not-allowed", test_read_only_not_allowed);
  g_test_add_func ("/tl/server/factors/three-wrong-answers", test_three_wrong_answers);
  g_test_add_func ("/tl/server/factors/sms-command", test_sms_command);
  g_test_add_func ("/tl/server/factors/sms-command-fails", test_sms_command_fails);

  result = g_test_run ();

  tl_test_server_free (server);
  g_clear_pointer (&ibkey_secret, g_bytes_unref);
  g_free (ibkey_id);

  return result;
}
