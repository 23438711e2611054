/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-policy"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "tl-message.h"
#include "tl-srp.h"
#include "tl-test-server.h"
#include "tl-test-time.h"

/* Policies: lockout under concurrency, expiry with the test clock,
 * persistence across kill -9, no user enumeration by timing, limits on
 * bodies and on login starts. */

static TlTestServer *server;

static const char *
device_id (TlMode      mode,
           const char *kind)
{
  return json_object_get_string_member (tl_test_server_get_device (server, mode, kind), "id");
}

static void
add_user (const char *username,
          const char *password)
{
  g_autofree char *input = g_strconcat (password, "\n", NULL);

  g_free (tl_test_server_admin (server, input, "user", "add", username, "--password-stdin", NULL));
}

static char *
to_base64 (GBytes *bytes)
{
  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A start and the verify request a client with @password would send. */
static char *
prepare_verify (TlMode      mode,
                const char *username,
                const char *password)
{
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a64 = NULL;
  g_autofree char *m64 = NULL;
  JsonObject *srp;
  guint status = 0;

  start = tl_test_server_post (server, mode, "v1/login/start", &status, "{\"username\": \"%s\"}", username);
  g_assert_cmpuint (status, ==, 200);
  srp = json_object_get_object_member (start, "srp");
  salt = tl_message_get_base64 (srp, "salt", 64, &error);
  B = tl_message_get_base64 (srp, "B", 384, &error);
  g_assert_no_error (error);

  client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, username, password, salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  a64 = to_base64 (A);
  m64 = to_base64 (M1);

  return g_strdup_printf ("{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}",
                          json_object_get_string_member (start, "login_id"), a64, m64);
}

typedef struct
{
  SoupMessage *msg;
  GBytes      *body;
  gboolean     done;
} Flight;

static void
on_landed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr(GError) error = NULL;

  flight->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  flight->done = TRUE;
}

/* 20 wrong passwords at once: exactly 10 are counted, the rest find the
 * name locked. Then even the right password is refused. */
static void
lockout_concurrent (const char *username,
                    gboolean    exists)
{
  enum { N = 20 };
  g_autoptr(SoupSession) session = tl_test_server_new_soup_session (server);
  Flight flights[N] = { { 0 } };
  gboolean seen_left[10] = { FALSE };
  guint n_invalid = 0, n_locked = 0;
  gboolean all_done = FALSE;
  g_autofree char *right = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  for (guint i = 0; i < N; i++)
    {
      g_autofree char *request = prepare_verify (TL_MODE_LIVE, username, "wrong password");

      flights[i].msg = tl_test_server_new_message (server, TL_MODE_LIVE, "v1/login/verify", request, NULL);
    }

  for (guint i = 0; i < N; i++)
    soup_session_send_and_read_async (session, flights[i].msg, G_PRIORITY_DEFAULT, NULL, on_landed, &flights[i]);

  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = TRUE;
      for (guint i = 0; i < N; i++)
        all_done = all_done && flights[i].done;
    }

  for (guint i = 0; i < N; i++)
    {
      g_autoptr(JsonObject) answer = tl_message_parse_bytes (flights[i].body, NULL);
      guint code = soup_message_get_status (flights[i].msg);

      g_assert_nonnull (answer);
      if (code == 401)
        {
          gint64 left = json_object_get_int_member (answer, "attempts_left");

          g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "invalid_credentials");
          g_assert_cmpint (left, >=, 0);
          g_assert_cmpint (left, <, 10);
          g_assert_false (seen_left[left]);
          seen_left[left] = TRUE;
          n_invalid++;
        }
      else
        {
          tl_test_assert_error (answer, code, 423, "locked");
          g_assert_cmpint (json_object_get_int_member (answer, "retry_after"), >, 86400 - 120);
          g_assert_cmpint (json_object_get_int_member (answer, "retry_after"), <=, 86400);
          n_locked++;
        }

      g_bytes_unref (flights[i].body);
      g_object_unref (flights[i].msg);
    }

  g_assert_cmpuint (n_invalid, ==, 10);
  g_assert_cmpuint (n_locked, ==, 10);

  right = prepare_verify (TL_MODE_LIVE, username, "right password");
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/verify", right, NULL, &status);
  tl_test_assert_error (body, status, 423, "locked");

  if (exists)
    {
      g_autofree char *list = tl_test_server_admin (server, NULL, "user", "list", NULL);
      g_autofree char *line = g_strdup_printf ("failures 10");

      g_assert_nonnull (strstr (list, line));
      g_assert_nonnull (strstr (list, "locked until"));
    }
}

static void
test_lockout (void)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *right = NULL;
  g_autofree char *audit = NULL;
  guint status = 0;

  add_user ("lockme", "right password");
  lockout_concurrent ("lockme", TRUE);

  /* The same for a name nobody has: nothing tells them apart. */
  lockout_concurrent ("nosuchtrader", FALSE);

  /* 24 hours after the last failure the lock is gone. */
  tl_test_server_set_clock_offset (server, 24 * 60 * 60 + 5);
  right = prepare_verify (TL_MODE_LIVE, "lockme", "right password");
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/verify", right, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "next"), ==, "session");
  g_clear_pointer (&body, json_object_unref);
  tl_test_server_set_clock_offset (server, 0);

  /* The audit log tells what happened, and holds no secret. */
  audit = tl_test_server_admin (server, NULL, "audit", "--user", "lockme", NULL);
  g_assert_nonnull (strstr (audit, "password"));
  g_assert_nonnull (strstr (audit, "locked"));
  g_assert_nonnull (strstr (audit, "session"));
  g_assert_null (strstr (audit, "right password"));
}

static void
test_unlock (void)
{
  g_autofree char *request = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  add_user ("lockme2", "pass2");
  for (int i = 0; i < 10; i++)
    {
      g_free (request);
      request = prepare_verify (TL_MODE_LIVE, "lockme2", "bad");
      body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/verify", request, NULL, &status);
      tl_test_assert_error (body, status, 401, "invalid_credentials");
      g_assert_cmpint (json_object_get_int_member (body, "attempts_left"), ==, 9 - i);
      g_clear_pointer (&body, json_object_unref);
    }

  g_free (request);
  request = prepare_verify (TL_MODE_LIVE, "lockme2", "pass2");
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/verify", request, NULL, &status);
  tl_test_assert_error (body, status, 423, "locked");
  g_clear_pointer (&body, json_object_unref);

  g_free (tl_test_server_admin (server, NULL, "user", "unlock", "lockme2", NULL));

  g_free (request);
  request = prepare_verify (TL_MODE_LIVE, "lockme2", "pass2");
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/verify", request, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);

  /* A success resets the count. */
  g_free (request);
  request = prepare_verify (TL_MODE_LIVE, "lockme2", "bad");
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/verify", request, NULL, &status);
  tl_test_assert_error (body, status, 401, "invalid_credentials");
  g_assert_cmpint (json_object_get_int_member (body, "attempts_left"), ==, 9);
}

static char *
password_step (TlMode mode)
{
  JsonObject *user = tl_test_server_get_user (server, mode);
  g_autoptr(JsonObject) verify = NULL;
  char *login_id = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, mode, json_object_get_string_member (user, "username"),
                                          json_object_get_string_member (user, "password"), &login_id, &status);
  g_assert_cmpuint (status, ==, 200);

  return login_id;
}

static void
activate_ibkey (void)
{
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/device/activate", &status,
               "{\"username\": \"demo\", \"activation_code\": \"%s\"}",
               json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_LIVE, "ibkey"),
                                              "activation_code"));
  g_assert_cmpuint (status, ==, 200);
}

static void
test_expiry (void)
{
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *wait = NULL;
  g_autofree char *out = NULL;
  const char *push_id;
  guint status = 0;

  /* A login in progress lives 5 minutes. */
  start = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/start", &status, "{\"username\": \"demopaper\"}");
  tl_test_server_set_clock_offset (server, 301);
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/verify", &status, "{\"login_id\": \"%s\", \"A\": \"AAAA\", \"M1\": \"AAAA\"}",
               json_object_get_string_member (start, "login_id"));
  tl_test_assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);
  tl_test_server_set_clock_offset (server, 0);

  /* A push lives 180 s. */
  activate_ibkey ();
  login_id = password_step (TL_MODE_LIVE);
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, device_id (TL_MODE_LIVE, "ibkey"));
  g_assert_cmpuint (status, ==, 200);
  push_id = json_object_get_string_member (body, "push_id");
  wait = g_strdup_printf ("{\"login_id\": \"%s\", \"push_id\": \"%s\"}", login_id, push_id);
  g_clear_pointer (&body, json_object_unref);

  tl_test_server_set_clock_offset (server, 181);
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/push/wait", wait, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "status"), ==, "expired");
  g_clear_pointer (&body, json_object_unref);
  tl_test_server_set_clock_offset (server, 0);

  /* A session lives 12 hours. */
  session = tl_test_server_login_totp (server, TL_MODE_PAPER, 0);
  tl_test_server_set_clock_offset (server, 11 * 60 * 60);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session", NULL,
                                   json_object_get_string_member (session, "token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  tl_test_server_set_clock_offset (server, 12 * 60 * 60 + 1);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session", NULL,
                                   json_object_get_string_member (session, "token"), &status);
  tl_test_assert_error (body, status, 401, "no_session");
  g_clear_pointer (&body, json_object_unref);

  /* A temporary passcode lives 2 days: no longer offered, and refused. */
  g_clear_pointer (&login_id, g_free);
  tl_test_server_set_clock_offset (server, 2 * 24 * 60 * 60 + 1);
  {
    JsonObject *user = tl_test_server_get_user (server, TL_MODE_PAPER);
    g_autoptr(JsonObject) verify = tl_test_server_login_password (server, TL_MODE_PAPER, "demopaper",
                                                                  json_object_get_string_member (user, "password"),
                                                                  &login_id, &status);
    JsonArray *devices = json_object_get_array_member (json_object_get_object_member (verify, "second_factor"),
                                                       "devices");

    for (guint i = 0; i < json_array_get_length (devices); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (devices, i), "kind"), !=, "temp");
  }
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/second-factor", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, device_id (TL_MODE_PAPER, "temp"));
  tl_test_assert_error (body, status, 410, "second_factor_expired");
  g_clear_pointer (&body, json_object_unref);

  /* The online code card lives 21 days. */
  tl_test_server_set_clock_offset (server, 21 * 24 * 60 * 60 + 1);
  g_clear_pointer (&login_id, g_free);
  login_id = password_step (TL_MODE_PAPER);
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/second-factor", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, device_id (TL_MODE_PAPER, "card"));
  tl_test_assert_error (body, status, 410, "second_factor_expired");
  g_clear_pointer (&body, json_object_unref);
  tl_test_server_set_clock_offset (server, 0);

  /* An activation code lives 7 days. */
  out = tl_test_server_admin (server, NULL, "device", "add", "demopaper", "--mode", "paper", "--kind", "ibkey", NULL);
  {
    const char *code = strstr (out, "activation code: ");
    g_autofree char *copy = NULL;

    g_assert_nonnull (code);
    copy = g_strndup (code + strlen ("activation code: "), 12);
    tl_test_server_set_clock_offset (server, 7 * 24 * 60 * 60 + 1);
    body = tl_test_server_post (server, TL_MODE_PAPER, "v1/device/activate", &status,
                 "{\"username\": \"demopaper\", \"activation_code\": \"%s\"}", copy);
    tl_test_assert_error (body, status, 401, "invalid_credentials");
    g_clear_pointer (&body, json_object_unref);
    tl_test_server_set_clock_offset (server, 0);
  }
}

typedef struct
{
  GBytes   *body;
  gboolean  done;
} Waiting;

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiting *waiting = user_data;

  waiting->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  waiting->done = TRUE;
}

/* Sessions survive kill -9; SIGTERM answers a waiting long poll and
 * exits cleanly. */
static void
test_restart (void)
{
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SoupSession) soup = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *wait = NULL;
  Waiting waiting = { 0 };
  const char *token;
  guint status = 0;

  session = tl_test_server_login_totp (server, TL_MODE_LIVE, 1);
  token = json_object_get_string_member (session, "token");

  tl_test_server_kill (server, SIGKILL);
  tl_test_server_restart (server);

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL, token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "username"), ==, "demo");
  g_clear_pointer (&body, json_object_unref);

  /* A login half-way survives too. */
  login_id = password_step (TL_MODE_LIVE);
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, device_id (TL_MODE_LIVE, "ibkey"));
  g_assert_cmpuint (status, ==, 200);
  wait = g_strdup_printf ("{\"login_id\": \"%s\", \"push_id\": \"%s\"}", login_id,
                          json_object_get_string_member (body, "push_id"));

  soup = tl_test_server_new_soup_session (server);
  msg = tl_test_server_new_message (server, TL_MODE_LIVE, "v1/login/push/wait", wait, NULL);
  soup_session_send_and_read_async (soup, msg, G_PRIORITY_DEFAULT, NULL, on_waited, &waiting);
  for (int i = 0; i < 30; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }
  g_assert_false (waiting.done);

  tl_test_server_kill (server, SIGTERM);
  while (!waiting.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  {
    g_autoptr(JsonObject) answer = tl_message_parse_bytes (waiting.body, NULL);

    g_assert_nonnull (answer);
    g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "pending");
  }
  g_bytes_unref (waiting.body);

  tl_test_server_restart (server);
  g_clear_pointer (&body, json_object_unref);
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/push/wait", wait, NULL, &status);
  g_assert_cmpuint (status, !=, 500);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint64
median (gint64 *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_gint64);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* One start and one verify with a wrong password, timed. */
static gint64
timed_attempt (SoupSession *session,
               const char  *username,
               guint       *out_start_status,
               guint       *out_verify_status,
               char       **out_verify_error)
{
  g_autoptr(SoupMessage) start_msg = NULL;
  g_autoptr(SoupMessage) verify_msg = NULL;
  g_autoptr(GBytes) start_body = NULL;
  g_autoptr(GBytes) verify_body = NULL;
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *a64 = NULL;
  g_autofree char *m64 = NULL;
  JsonObject *srp;
  gint64 t0, t1, t2, t3;

  request = g_strdup_printf ("{\"username\": \"%s\"}", username);
  start_msg = tl_test_server_new_message (server, TL_MODE_LIVE, "v1/login/start", request, NULL);
  t0 = g_get_monotonic_time ();
  start_body = soup_session_send_and_read (session, start_msg, NULL, &error);
  t1 = g_get_monotonic_time ();
  g_assert_no_error (error);
  *out_start_status = soup_message_get_status (start_msg);
  g_assert_cmpuint (*out_start_status, ==, 200);

  start = tl_message_parse_bytes (start_body, &error);
  g_assert_no_error (error);
  srp = json_object_get_object_member (start, "srp");
  salt = tl_message_get_base64 (srp, "salt", 64, &error);
  B = tl_message_get_base64 (srp, "B", 384, &error);
  g_assert_no_error (error);
  client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, username, "not the password", salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  a64 = to_base64 (A);
  m64 = to_base64 (M1);

  g_free (request);
  request = g_strdup_printf ("{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}",
                             json_object_get_string_member (start, "login_id"), a64, m64);
  verify_msg = tl_test_server_new_message (server, TL_MODE_LIVE, "v1/login/verify", request, NULL);
  t2 = g_get_monotonic_time ();
  verify_body = soup_session_send_and_read (session, verify_msg, NULL, &error);
  t3 = g_get_monotonic_time ();
  g_assert_no_error (error);
  *out_verify_status = soup_message_get_status (verify_msg);

  verify = tl_message_parse_bytes (verify_body, &error);
  g_assert_no_error (error);
  *out_verify_error = g_strdup (json_object_get_string_member (verify, "error"));
  g_assert_true (json_object_has_member (verify, "attempts_left"));
  g_assert_cmpuint (json_object_get_size (verify), ==, 3);

  return (t1 - t0) + (t3 - t2);
}

/* One round: 50 known-user and 50 unknown-user attempts, interleaved so
 * that drift in the machine's load hits both; returns the two medians. */
static void
timing_round (SoupSession *session,
              int          round,
              gint64      *out_known,
              gint64      *out_unknown)
{
  enum { N = 50 };
  gint64 known[N], unknown[N];
  guint start_status, verify_status;

  for (int i = 0; i < N; i++)
    {
      g_autofree char *known_error = NULL;
      g_autofree char *unknown_error = NULL;
      g_autofree char *name = g_strdup_printf ("ghost%dx%d", round, i);

      /* Each goes first half of the time, so that whatever the order
       * costs falls on both. */
      if (i % 2 == 0)
        known[i] = timed_attempt (session, "timedtrader", &start_status, &verify_status, &known_error);
      unknown[i] = timed_attempt (session, name, &start_status, &verify_status, &unknown_error);
      g_assert_cmpuint (start_status, ==, 200);
      g_assert_cmpuint (verify_status, ==, 401);
      if (i % 2 == 1)
        known[i] = timed_attempt (session, "timedtrader", &start_status, &verify_status, &known_error);
      g_assert_cmpuint (start_status, ==, 200);
      g_assert_cmpuint (verify_status, ==, 401);
      g_assert_cmpstr (known_error, ==, unknown_error);

      /* Stay below the lock: 9 failures, then unlock. Untimed, and so is
       * the next attempt, on which the server rereads the database the
       * other process changed. */
      if (i % 9 == 8)
        {
          g_autofree char *err = NULL;
          g_autofree char *settle = g_strdup_printf ("settle%dx%d", round, i);

          g_free (tl_test_server_admin (server, NULL, "user", "unlock", "timedtrader", NULL));
          timed_attempt (session, settle, &start_status, &verify_status, &err);
        }
    }
  g_free (tl_test_server_admin (server, NULL, "user", "unlock", "timedtrader", NULL));
  {
    g_autofree char *err = NULL;

    timed_attempt (session, "settlelast", &start_status, &verify_status, &err);
  }

  *out_known = median (known, N);
  *out_unknown = median (unknown, N);
}

/* An unknown user and a known user with a wrong password: same status,
 * same body shape, and medians of 50 timings each within 10 %. The test
 * machine may be busy with other work, so a round spoiled by noise is
 * measured again (three rounds at most); a real difference fails all.
 * The sanitizer build makes one round and compares nothing. */
static void
test_enumeration_timing (void)
{
  g_autoptr(SoupSession) session = tl_test_server_new_soup_session (server);
  guint start_status, verify_status;
  gboolean within = FALSE;
  gint64 known_median = 0, unknown_median = 0;

  add_user ("timedtrader", "some password");

  /* Warm up the connection and the caches. */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *err = NULL;
      g_autofree char *name = g_strdup_printf ("warmup%d", i);

      timed_attempt (session, name, &start_status, &verify_status, &err);
    }

  for (int round = 0; round < 3 && !within; round++)
    {
      timing_round (session, round, &known_median, &unknown_median);
      g_test_message ("round %d: median start+verify: known %" G_GINT64_FORMAT " us, unknown %"
                      G_GINT64_FORMAT " us", round, known_median, unknown_median);
      within = ABS (known_median - unknown_median) <= MAX (known_median, unknown_median) / 10;

      /* The sanitizer build runs the attempts and checks their answers
       * (above), but its durations say nothing about a normal build's. */
      if (!tl_test_durations_are_representative ())
        {
          g_test_message ("durations under the sanitizers are not compared");
          return;
        }
    }

  g_assert_cmpfloat ((double) ABS (known_median - unknown_median), <=,
                     0.10 * (double) MAX (known_median, unknown_median));
}

static void
test_bodies (void)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GString) big = g_string_new ("{\"username\": \"demo\"");
  g_autoptr(GBytes) bytes = NULL;
  guint status = 0;
  static const char * const malformed[] = {
    "{",
    "{\"username\": }",
    "{\"username\": \"demo\",}",
    "not json at all",
    "\"demo\"",
    "null",
    "{\"username\": \"demo\" \"x\": 1}",
    "{\"username\": [[[[[[[[[[[[\"deep\"]]]]]]]]]]]]}",
  };

  /* Just under the limit: fine (unknown members are ignored). */
  for (int i = 0; big->len < 60 * 1024; i++)
    {
      g_string_append_printf (big, ", \"pad%d\": \"", i);
      for (int j = 0; j < 1000; j++)
        g_string_append_c (big, 'x');
      g_string_append_c (big, '"');
    }
  g_string_append_c (big, '}');
  bytes = g_bytes_new (big->str, big->len);
  body = tl_test_server_send_raw (server, TL_MODE_LIVE, "v1/login/start", bytes, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Over 64 KiB: 413. */
  g_string_truncate (big, big->len - 1);
  while (big->len <= 64 * 1024)
    g_string_append (big, ", \"more\": \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"");
  g_string_append_c (big, '}');
  bytes = g_bytes_new (big->str, big->len);
  body = tl_test_server_send_raw (server, TL_MODE_LIVE, "v1/login/start", bytes, &status);
  tl_test_assert_error (body, status, 413, "too_large");
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* A megabyte: refused from its Content-Length, unread. */
  {
    g_autofree char *huge = g_malloc (1024 * 1024);

    memset (huge, ' ', 1024 * 1024);
    bytes = g_bytes_new_take (g_steal_pointer (&huge), 1024 * 1024);
  }
  body = tl_test_server_send_raw (server, TL_MODE_LIVE, "v1/login/verify", bytes, &status);
  tl_test_assert_error (body, status, 413, "too_large");
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      bytes = g_bytes_new (malformed[i], strlen (malformed[i]));
      body = tl_test_server_send_raw (server, TL_MODE_LIVE, "v1/login/start", bytes, &status);
      tl_test_assert_error (body, status, 400, "bad_request");
      g_clear_pointer (&body, json_object_unref);
      g_clear_pointer (&bytes, g_bytes_unref);
    }

  /* Not UTF-8; empty. */
  bytes = g_bytes_new ("{\"username\": \"\xff\xfe\"}", 17);
  body = tl_test_server_send_raw (server, TL_MODE_LIVE, "v1/login/start", bytes, &status);
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = g_bytes_new ("", 0);
  body = tl_test_server_send_raw (server, TL_MODE_LIVE, "v1/login/start", bytes, &status);
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Wrong types in every endpoint: 400, never 500. */
  {
    static const char * const paths[] = {
      "v1/login/verify", "v1/login/second-factor", "v1/login/push/wait", "v1/login/challenge",
      "v1/login/answer", "v1/login/resend", "v1/login/read-only", "v1/device/activate",
      "v1/device/pending", "v1/device/respond",
    };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        body = tl_test_server_post (server, TL_MODE_PAPER, paths[i], &status,
                     "{\"login_id\": 1, \"device_id\": [], \"push_id\": {}, \"response\": true, "
                     "\"channel\": 3, \"username\": null, \"time\": \"x\", \"proof\": 5, \"A\": 1, \"M1\": 2}");
        tl_test_assert_error (body, status, 400, "bad_request");
        g_clear_pointer (&body, json_object_unref);

        body = tl_test_server_post (server, TL_MODE_PAPER, paths[i], &status, "{}");
        tl_test_assert_error (body, status, 400, "bad_request");
        g_clear_pointer (&body, json_object_unref);
      }
  }

  /* The wrong content type. */
  {
    g_autoptr(SoupMessage) msg = tl_test_server_new_message (server, TL_MODE_LIVE, "v1/login/start", NULL, NULL);
    g_autoptr(SoupSession) session = tl_test_server_new_soup_session (server);
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(GError) error = NULL;

    bytes = g_bytes_new ("{\"username\": \"demo\"}", 20);
    soup_message_set_method (msg, "POST");
    soup_message_set_request_body_from_bytes (msg, "text/plain", bytes);
    answer = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    body = tl_message_parse_bytes (answer, &error);
    g_assert_no_error (error);
    tl_test_assert_error (body, soup_message_get_status (msg), 400, "bad_request");
    g_clear_pointer (&body, json_object_unref);
    g_clear_pointer (&bytes, g_bytes_unref);
  }

  /* Still serving. */
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"demo\"}");
  g_assert_cmpuint (status, ==, 200);
}

static void
test_throttle (void)
{
  TlTestServer *saved = server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  server = tl_test_server_new_with_args ("--start-burst", "3", "--start-rate", "0.01", NULL);

  for (int i = 0; i < 3; i++)
    {
      body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"demo\"}");
      g_assert_cmpuint (status, ==, 200);
      g_clear_pointer (&body, json_object_unref);
    }

  msg = tl_test_server_new_message (server, TL_MODE_PAPER, "v1/login/start", "{\"username\": \"whoever\"}", NULL);
  session = tl_test_server_new_soup_session (server);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  body = tl_message_parse_bytes (answer, &error);
  g_assert_no_error (error);
  tl_test_assert_error (body, soup_message_get_status (msg), 429, "throttled");
  g_assert_cmpint (json_object_get_int_member (body, "retry_after"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (body, "retry_after"), <=, 101);
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));

  tl_test_server_free (server);
  server = saved;
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  /* The timing test makes up to ~350 login starts in a few seconds. */
  server = tl_test_server_new_with_args ("--start-burst", "1000", NULL);

  g_test_add_func ("/tl/server/policy/lockout", test_lockout);
  g_test_add_func ("/tl/server/policy/unlock", test_unlock);
  g_test_add_func ("/tl/server/policy/expiry", test_expiry);
  g_test_add_func ("/tl/server/policy/enumeration-timing", test_enumeration_timing);
  g_test_add_func ("/tl/server/policy/bodies", test_bodies);
  g_test_add_func ("/tl/server/policy/throttle", test_throttle);
  g_test_add_func ("/tl/server/policy/restart", test_restart);

  result = g_test_run ();
  tl_test_server_free (server);

  return result;
}
