/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-auth-client"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <libsoup/soup.h>

#include "tl-auth-client.h"
#include "tl-auth-error.h"
#include "tl-message.h"
#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-srp.h"
#include "tl-test-cert.h"
#include "tl-test-client.h"
#include "tl-test-server.h"

/* Part one: a small HTTPS server written here, which speaks the contract
 * (with real SRP from tl-srp) or breaks it on purpose. The scenario is
 * the first path segment: https://127.0.0.1:PORT/<scenario>/v1/... */

#define PASSWORD "correct horse battery"
#define SESSION_JSON \
  "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"username\": \"alice\", " \
  "\"mode\": \"paper\", \"account\": \"DU1234567\", \"read_only\": false, " \
  "\"expires_at\": \"2099-01-01T00:00:00Z\"}"

typedef struct
{
  SoupServer      *server;
  GTlsCertificate *certificate;
  char            *sha256;
  guint            port;
  guint            plain_port;
  GBytes          *salt;
  GBytes          *verifier;
  GHashTable      *logins;       /* login id -> TlSrpServer */
  guint            next_login;
  guint            push_waits;
  guint            answers;
  guint            requests;
} Hostile;

static Hostile *hostile;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  reply (msg, status, "application/json", json);
}

static JsonObject *
request_json (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  JsonObject *object = tl_message_parse (body->data, (gsize) body->length, &error);

  g_assert_no_error (error);
  return object;
}

static char *
b64 (GBytes *bytes)
{
  gsize length;
  const guchar *data = g_bytes_get_data (bytes, &length);

  return g_base64_encode (data, length);
}

static void
handle_start (SoupServerMessage *msg,
              const char        *scenario)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *B = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *json = NULL;
  TlSrpServer *srp;

  if (g_str_equal (scenario, "garbage"))
    {
      reply (msg, 200, "text/html", "<html><body>Welcome to nginx!</body></html>");
      return;
    }
  if (g_str_equal (scenario, "missing"))
    {
      reply_json (msg, 200, "{\"login_id\": \"L1\", \"expires_in\": 300}");
      return;
    }
  if (g_str_equal (scenario, "wrongtype"))
    {
      reply_json (msg, 200, "{\"login_id\": 42, \"srp\": {\"group\": \"rfc5054-3072\", "
                            "\"hash\": \"sha256\", \"salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"B\": 7}}");
      return;
    }
  if (g_str_equal (scenario, "huge") || g_str_equal (scenario, "huge-chunked"))
    {
      gsize size = 10 * 1024 * 1024;
      char *body = g_malloc (size);

      memset (body, ' ', size);
      body[0] = '{';
      body[size - 1] = '}';
      soup_server_message_set_status (msg, 200, NULL);
      if (g_str_equal (scenario, "huge-chunked"))
        soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                           SOUP_ENCODING_CHUNKED);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, size);
      return;
    }
  if (g_str_equal (scenario, "redirect"))
    {
      soup_server_message_set_redirect (msg, 302, "https://127.0.0.1:1/elsewhere/");
      return;
    }
  if (g_str_equal (scenario, "html502"))
    {
      reply (msg, 502, "text/html", "<html><body>Bad gateway</body></html>");
      return;
    }
  if (g_str_equal (scenario, "unknown-error"))
    {
      reply_json (msg, 400, "{\"error\": \"made_up\", \"message\": \"?\"}");
      return;
    }

  srp = tl_srp_server_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, "alice",
                           hostile->salt, hostile->verifier, &error);
  g_assert_no_error (error);

  login_id = g_strdup_printf ("L%u", ++hostile->next_login);
  salt = b64 (hostile->salt);
  {
    g_autoptr(GBytes) B_bytes = tl_srp_server_get_B (srp);

    B = b64 (B_bytes);
  }
  g_hash_table_insert (hostile->logins, g_strdup (login_id), srp);

  json = g_strdup_printf ("{\"login_id\": \"%s\", \"srp\": {\"group\": \"%s\", \"hash\": \"%s\", "
                          "\"salt\": \"%s\", \"B\": \"%s\"}, \"expires_in\": 300}",
                          login_id,
                          g_str_equal (scenario, "weak") ? "rfc5054-1024" : "rfc5054-3072",
                          g_str_equal (scenario, "weak") ? "sha1" : "sha256",
                          salt, B);
  reply_json (msg, 200, json);
}

static const char *
second_factor_for (const char *scenario)
{
  if (g_str_has_prefix (scenario, "push"))
    return "{\"devices\": [{\"id\": \"K1\", \"kind\": \"ibkey\", \"label\": \"Pixel 8\"}], "
           "\"default_device\": \"K1\", \"read_only_allowed\": false, \"timeout\": 180}";
  if (g_str_equal (scenario, "several"))
    return "{\"devices\": [{\"id\": \"K1\", \"kind\": \"ibkey\", \"label\": \"Pixel 8\"}, "
           "{\"id\": \"T1\", \"kind\": \"totp\", \"label\": \"Authenticator\"}, "
           "{\"id\": \"X1\", \"kind\": \"hologram\", \"label\": \"From the future\"}], "
           "\"default_device\": \"T1\", \"read_only_allowed\": true, \"timeout\": 180}";
  if (g_str_equal (scenario, "badchallenge"))
    return "{\"devices\": [{\"id\": \"D1\", \"kind\": \"dsc\", \"label\": \"DSC+\"}], "
           "\"read_only_allowed\": false, \"timeout\": 180}";
  return "{\"devices\": [{\"id\": \"T1\", \"kind\": \"totp\", \"label\": \"Authenticator\"}], "
         "\"read_only_allowed\": false, \"timeout\": 180}";
}

static void
handle_verify (SoupServerMessage *msg,
               const char        *scenario)
{
  g_autoptr(JsonObject) request = request_json (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autofree char *M2 = NULL;
  g_autofree char *json = NULL;
  const char *login_id;
  const char *existing = "null";
  TlSrpServer *srp;

  if (g_str_equal (scenario, "invalid") || g_str_equal (scenario, "srp-thread"))
    {
      reply_json (msg, 401, "{\"error\": \"invalid_credentials\", \"message\": \"No.\", \"attempts_left\": 7}");
      return;
    }
  if (g_str_equal (scenario, "invalid-one"))
    {
      reply_json (msg, 401, "{\"error\": \"invalid_credentials\", \"message\": \"No.\", \"attempts_left\": 1}");
      return;
    }
  if (g_str_equal (scenario, "locked"))
    {
      reply_json (msg, 423, "{\"error\": \"locked\", \"message\": \"No.\", \"retry_after\": 11520}");
      return;
    }
  if (g_str_equal (scenario, "throttled"))
    {
      reply_json (msg, 429, "{\"error\": \"throttled\", \"message\": \"No.\", \"retry_after\": 45}");
      return;
    }

  login_id = json_object_get_string_member (request, "login_id");
  srp = g_hash_table_lookup (hostile->logins, login_id);
  g_assert_nonnull (srp);

  A = tl_message_get_base64 (request, "A", 512, &error);
  g_assert_no_error (error);
  M1 = tl_message_get_base64 (request, "M1", 64, &error);
  g_assert_no_error (error);

  if (g_str_equal (scenario, "bad-m2"))
    {
      /* A server without the verifier can only guess M2. */
      guint8 guess[32];

      for (guint i = 0; i < sizeof guess; i++)
        guess[i] = (guint8) g_random_int ();
      M2 = g_base64_encode (guess, sizeof guess);
      json = g_strdup_printf ("{\"M2\": \"%s\", \"next\": \"session\", \"session\": %s}", M2, SESSION_JSON);
      reply_json (msg, 200, json);
      return;
    }

  if (!tl_srp_server_verify (srp, A, M1, NULL))
    {
      reply_json (msg, 401, "{\"error\": \"invalid_credentials\", \"message\": \"No.\", \"attempts_left\": 5}");
      return;
    }

  {
    g_autoptr(GBytes) M2_bytes = tl_srp_server_get_M2 (srp);

    M2 = b64 (M2_bytes);
  }

  if (g_str_equal (scenario, "existing"))
    existing = "{\"client\": \"trading-login-cli 0.1.0\", \"since\": \"2024-05-01T09:30:00Z\"}";

  if (g_str_equal (scenario, "nofactor"))
    json = g_strdup_printf ("{\"M2\": \"%s\", \"next\": \"session\", \"session\": %s, "
                            "\"existing_session\": null}", M2, SESSION_JSON);
  else
    json = g_strdup_printf ("{\"M2\": \"%s\", \"next\": \"second_factor\", \"second_factor\": %s, "
                            "\"existing_session\": %s}", M2, second_factor_for (scenario), existing);
  reply_json (msg, 200, json);
}

static void
handle_second_factor (SoupServerMessage *msg,
                      const char        *scenario)
{
  g_autoptr(JsonObject) request = request_json (msg);
  const char *device_id = json_object_get_string_member (request, "device_id");

  if (g_str_equal (device_id, "K1"))
    reply_json (msg, 200, g_str_equal (scenario, "push-unreachable")
                ? "{\"method\": \"push\", \"push_id\": \"P1\", \"expires_in\": 2}"
                : "{\"method\": \"push\", \"push_id\": \"P1\", \"expires_in\": 60}");
  else if (g_str_equal (device_id, "D1"))
    reply_json (msg, 200, "{\"method\": \"challenge\", \"challenge\": \"12ab\", "
                          "\"suite\": \"OCRA-1:HOTP-SHA256-8:QN08\", \"response_digits\": 8}");
  else
    reply_json (msg, 200, "{\"method\": \"code\", \"digits\": 6, \"charset\": \"digits\"}");
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  g_io_stream_close (stream, NULL, NULL);
}

static void
handle_push_wait (SoupServerMessage *msg,
                  const char        *scenario)
{
  hostile->push_waits++;

  if (g_str_equal (scenario, "push-flaky"))
    {
      /* A dropped connection, a server error, then the approval. */
      if (hostile->push_waits == 1)
        drop_connection (msg);
      else if (hostile->push_waits == 2)
        reply_json (msg, 503, "{\"error\": \"server_error\", \"message\": \"Restarting.\"}");
      else
        reply_json (msg, 200, "{\"status\": \"approved\", \"session\": " SESSION_JSON "}");
    }
  else if (g_str_equal (scenario, "push-denied"))
    reply_json (msg, 200, "{\"status\": \"denied\"}");
  else if (g_str_equal (scenario, "push-expired"))
    reply_json (msg, 200, "{\"status\": \"expired\"}");
  else if (g_str_equal (scenario, "push-unreachable"))
    drop_connection (msg);
  else
    reply_json (msg, 200, "{\"status\": \"pending\"}");
}

static void
handle_answer (SoupServerMessage *msg,
               const char        *scenario)
{
  g_autoptr(JsonObject) request = request_json (msg);
  const char *response = json_object_get_string_member (request, "response");
  g_autofree char *json = NULL;

  hostile->answers++;
  if (g_str_equal (response, "123456"))
    {
      reply_json (msg, 200, "{\"session\": " SESSION_JSON "}");
      return;
    }

  json = g_strdup_printf ("{\"error\": \"second_factor_failed\", \"message\": \"No.\", \"attempts_left\": %u}",
                          3 - MIN (hostile->answers, 3));
  reply_json (msg, 401, json);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", 2);
  const char *scenario, *endpoint;

  hostile->requests++;
  g_assert_nonnull (parts[0]);
  g_assert_nonnull (parts[1]);
  scenario = parts[0];
  endpoint = parts[1];

  if (g_str_equal (endpoint, "v1/login/start"))
    handle_start (msg, scenario);
  else if (g_str_equal (endpoint, "v1/login/verify"))
    handle_verify (msg, scenario);
  else if (g_str_equal (endpoint, "v1/login/second-factor"))
    handle_second_factor (msg, scenario);
  else if (g_str_equal (endpoint, "v1/login/push/wait"))
    handle_push_wait (msg, scenario);
  else if (g_str_equal (endpoint, "v1/login/answer"))
    handle_answer (msg, scenario);
  else
    reply_json (msg, 404, "{\"error\": \"bad_request\", \"message\": \"No such path.\"}");
}

/* A socket listening on 127.0.0.1 at a port of the system's choice, and
 * that port. The server is given sockets rather than
 * soup_server_listen_local (…, 0, …): to learn the port, that (and
 * soup_server_get_uris()) asks libsoup's listener for its address, which
 * libsoup 3.2 never frees (fixed in 3.4.3, commit c07ff61f), and the
 * sanitizer build would report the leak. */
static GSocket *
loopback_listener (guint *out_port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return socket;
}

static Hostile *
hostile_new (void)
{
  Hostile *h = g_new0 (Hostile, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) https = NULL;
  g_autoptr(GSocket) plain = NULL;
  static const guint8 salt[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

  h->certificate = tl_test_cert_new (&h->sha256);
  h->server = soup_server_new ("tls-certificate", h->certificate, NULL);
  soup_server_add_handler (h->server, NULL, on_request, NULL, NULL);
  https = loopback_listener (&h->port);
  soup_server_listen_socket (h->server, https, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);

  /* And plain http, for the loopback exception. */
  plain = loopback_listener (&h->plain_port);
  soup_server_listen_socket (h->server, plain, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (h->port, >, 0);
  g_assert_cmpuint (h->plain_port, >, 0);

  h->salt = g_bytes_new_static (salt, sizeof salt);
  h->verifier = tl_srp_compute_verifier (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256,
                                         "alice", PASSWORD, h->salt, &error);
  g_assert_no_error (error);
  h->logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) tl_srp_server_free);
  return h;
}

static void
hostile_free (Hostile *h)
{
  soup_server_disconnect (h->server);
  g_clear_object (&h->server);
  g_clear_object (&h->certificate);
  g_free (h->sha256);
  g_bytes_unref (h->salt);
  g_bytes_unref (h->verifier);
  g_hash_table_unref (h->logins);
  g_free (h);
}

static TlAuthClient *
hostile_client (const char *scenario)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/%s/", hostile->port, scenario);
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER, url, hostile->sha256);

  hostile->push_waits = 0;
  hostile->answers = 0;
  return tl_auth_client_new (profile);
}

/* Running async calls to completion. */

static void
assert_protocol_failure (TlAuthClient *client,
                         GError       *error)
{
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The server sent an answer this app does not understand. "
                                   "Check the server address, or update the app."));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_nonnull (tl_auth_client_get_error (client));
  g_assert_cmpstr (tl_auth_client_get_error (client)->message, ==, error->message);
  g_assert_null (tl_auth_client_get_session (client));
}

/* The tests against the scripted server. */

static void
test_state_enum (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TL_TYPE_AUTH_STATE);
  static const char * const nicks[] = {
    "idle", "connecting", "authenticating", "existing-session", "choose-device",
    "waiting-push", "need-response", "need-code", "need-card", "logged-in",
    "locked", "failed",
  };

  g_assert_true (G_TYPE_IS_ENUM (TL_TYPE_AUTH_STATE));
  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (nicks));
  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    g_assert_cmpstr (g_enum_get_value (klass, (int) i)->value_nick, ==, nicks[i]);
}

static void
test_initial_state (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("nofactor");
  TlAuthState state;
  int attempts_left;

  g_object_get (client, "state", &state, "attempts-left", &attempts_left, NULL);
  g_assert_cmpint (state, ==, TL_AUTH_STATE_IDLE);
  g_assert_cmpint (attempts_left, ==, -1);
  g_assert_nonnull (tl_auth_client_get_devices (client));
  g_assert_cmpuint (g_list_model_get_n_items (tl_auth_client_get_devices (client)), ==, 0);
  g_assert_true (g_list_model_get_item_type (tl_auth_client_get_devices (client)) == TL_TYPE_DEVICE);
  g_assert_null (tl_auth_client_get_error (client));
  g_assert_cmpstr (tl_auth_client_get_client_name (client), ==, "trading-login");
}

typedef struct
{
  GArray *states;
} StateLog;

static void
on_state (TlAuthClient *client,
          GParamSpec   *pspec,
          GArray       *states)
{
  TlAuthState state = tl_auth_client_get_state (client);

  g_array_append_val (states, state);
}

static void
test_login_no_second_factor (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("nofactor");
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TlAuthState));
  g_autoptr(GError) error = NULL;
  TlSession *session;

  g_signal_connect (client, "notify::state", G_CALLBACK (on_state), states);

  /* What people type: capitals and stray spaces. */
  g_assert_true (tl_test_client_login (client, "  Alice ", PASSWORD, &error));
  g_assert_no_error (error);

  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  g_assert_cmpstr (tl_auth_client_get_username (client), ==, "alice");
  session = tl_auth_client_get_session (client);
  g_assert_nonnull (session);
  g_assert_cmpstr (session->account, ==, "DU1234567");
  g_assert_cmpint (session->mode, ==, TL_MODE_PAPER);
  g_assert_cmpuint (strlen (session->token), ==, 43);

  g_assert_cmpuint (states->len, ==, 3);
  g_assert_cmpint (g_array_index (states, TlAuthState, 0), ==, TL_AUTH_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (states, TlAuthState, 1), ==, TL_AUTH_STATE_AUTHENTICATING);
  g_assert_cmpint (g_array_index (states, TlAuthState, 2), ==, TL_AUTH_STATE_LOGGED_IN);
}

static void
test_bad_username (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("nofactor");
  g_autoptr(GError) error = NULL;
  guint requests = hostile->requests;

  g_assert_false (tl_test_client_login (client, "alice smith", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER);
  g_assert_cmpstr (error->message, ==, "Use only lower-case letters and digits.");
  g_clear_error (&error);

  g_assert_false (tl_test_client_login (client, "alice", "", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Enter your password.");

  /* Nothing was sent, and the form stays as it was. */
  g_assert_cmpuint (hostile->requests, ==, requests);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
}

static void
test_invalid_credentials (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("invalid");
  g_autoptr(TlAuthClient) last = hostile_client ("invalid-one");
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", "wrong", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, ==,
                   "Invalid username or password. 7 attempts left before your account is locked for 24 hours.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 7);
  g_assert_null (tl_auth_client_get_error (client));
  g_clear_error (&error);

  g_assert_false (tl_test_client_login (last, "alice", "wrong", &error));
  g_assert_cmpstr (error->message, ==,
                   "Invalid username or password. 1 attempt left before your account is locked for 24 hours.");
  g_assert_cmpint (tl_auth_client_get_attempts_left (last), ==, 1);
}

static void
test_locked (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("locked");
  g_autoptr(TlAuthClient) throttled = hostile_client ("throttled");
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "Your account is locked after too many failed logins. Try again in 3 hours 12 minutes.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOCKED);
  g_assert_cmpint (tl_auth_client_get_retry_after (client), >=, now + 11520);
  g_assert_cmpint (tl_auth_client_get_retry_after (client), <=, now + 11520 + 5);
  g_assert_cmpstr (tl_auth_client_get_error (client)->message, ==, error->message);
  g_clear_error (&error);

  g_assert_false (tl_test_client_login (throttled, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_THROTTLED);
  g_assert_cmpstr (error->message, ==, "Too many attempts. Try again in 45 seconds.");
  g_assert_cmpint (tl_auth_client_get_state (throttled), ==, TL_AUTH_STATE_LOCKED);
}

static void
test_bad_m2 (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("bad-m2");
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
  g_assert_cmpstr (error->message, ==,
                   "The server could not prove its identity. Do not continue; check the server address.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  /* The session it offered is not taken. */
  g_assert_null (tl_auth_client_get_session (client));
}

static void
test_garbage (gconstpointer data)
{
  const char *scenario = data;
  g_autoptr(TlAuthClient) client = hostile_client (scenario);
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  assert_protocol_failure (client, error);
}

static void
test_huge (gconstpointer data)
{
  const char *scenario = data;
  g_autoptr(TlAuthClient) client = hostile_client (scenario);
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  assert_protocol_failure (client, error);
  g_assert_nonnull (strstr (error->message, "larger than 64 KiB"));
}

static void
test_server_error_page (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("html502");
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR);
  g_assert_cmpstr (error->message, ==, "The server had a problem. Try again later.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
}

static void
test_untrusted_certificate (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/nofactor/", hostile->port);
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER, url, NULL);
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pretty = g_string_new (NULL);
  g_autofree char *expected = NULL;
  guint requests = hostile->requests;

  for (guint i = 0; i < 64; i += 2)
    g_string_append_printf (pretty, "%s%.2s", i > 0 ? ":" : "", hostile->sha256 + i);
  expected = g_strdup_printf ("The server's certificate is not trusted (SHA-256 fingerprint %s). "
                              "If you expected this server, pin this fingerprint in Servers.",
                              pretty->str);

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  /* Not even the username reached the server. */
  g_assert_cmpuint (hostile->requests, ==, requests);
}

static void
test_wrong_pin (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/nofactor/", hostile->port);
  g_autofree char *other_sha256 = NULL;
  g_autoptr(GTlsCertificate) other = tl_test_cert_new (&other_sha256);
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER, url, other_sha256);
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;
  guint requests = hostile->requests;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_true (g_str_has_prefix (error->message, "The server's certificate is not the pinned one (SHA-256 fingerprint "));
  g_assert_nonnull (strstr (error->message, "If the server changed its certificate and you trust it, pin this fingerprint in Servers."));
  {
    g_autofree char *first_bytes = g_strdup_printf ("%.2s:%.2s:", hostile->sha256, hostile->sha256 + 2);
    g_assert_nonnull (strstr (error->message, first_bytes));
  }
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_cmpuint (hostile->requests, ==, requests);
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static void
test_unreachable (void)
{
  guint port = closed_port ();
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/live/", port);
  g_autofree char *expected = g_strdup_printf ("The server at 127.0.0.1:%u refused the connection. "
                                               "Check the server address, or try again later.", port);
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_LIVE, url, NULL);
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
}

static void
test_plain_http (void)
{
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_LIVE, "http://login.example.com/live/", NULL);
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==,
                   "The server address “http://login.example.com/live/” is not encrypted. Use an https:// address.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
}

static void
test_plain_http_loopback (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/nofactor/", hostile->plain_port);
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER, url, NULL);
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;
  guint requests = hostile->requests;

  /* Not without asking. */
  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_cmpuint (hostile->requests, ==, requests);
  g_clear_error (&error);

  /* A test setup that asks for it, on this machine only. */
  tl_server_profile_set_allow_insecure_loopback (profile, TRUE);
  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
}

static void
test_push_reconnects (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("push-flaky");
  g_autoptr(GError) error = NULL;
  gint64 started;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_no_error (error);

  /* One device: chosen by itself. */
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);
  g_assert_cmpstr (tl_device_get_label (tl_auth_client_get_device (client)), ==, "Pixel 8");
  g_assert_cmpint (tl_auth_client_get_deadline (client), >, g_get_real_time () / G_USEC_PER_SEC + 50);

  started = g_get_monotonic_time ();
  g_assert_true (tl_test_client_wait_push (client, &error));
  g_assert_no_error (error);

  /* A dropped connection and a 503 were waited out: 0.5 s, then 1 s. */
  g_assert_cmpuint (hostile->push_waits, ==, 3);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 1400 * 1000);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  g_assert_nonnull (tl_auth_client_get_session (client));
}

static void
test_push_denied (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("push-denied");
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, NULL));
  g_assert_false (tl_test_client_wait_push (client, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The login was denied on “Pixel 8”. If you did not start it, change your password.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_cmpstr (tl_auth_client_get_error (client)->message, ==, error->message);
}

static void
test_push_expired (gconstpointer data)
{
  const char *scenario = data;
  g_autoptr(TlAuthClient) client = hostile_client (scenario);
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, NULL));
  g_assert_false (tl_test_client_wait_push (client, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "The notification on “Pixel 8” was not approved in time. Log in again.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);

  /* "push-unreachable": the connection drops every time; the client
   * kept trying until the 2 s deadline. */
  if (g_str_equal (scenario, "push-unreachable"))
    g_assert_cmpuint (hostile->push_waits, >=, 2);
}

static void
test_push_cancel (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("push-pending");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, NULL));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);

  /* Cancelling a wait stops waiting, not the login. */
  tl_auth_client_wait_push_async (client, cancellable, tl_test_store_result, &first);
  tl_auth_client_wait_push_async (client, NULL, tl_test_store_result, &second);
  g_cancellable_cancel (cancellable);
  tl_test_await (&first);
  g_assert_false (tl_auth_client_wait_push_finish (client, first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);
  g_assert_null (second);

  /* Abandoning the login stops the rest. */
  tl_auth_client_cancel (client);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
  tl_test_await (&second);
  g_assert_false (tl_auth_client_wait_push_finish (client, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_dispose_while_waiting (void)
{
  TlAuthClient *client = hostile_client ("push-pending");
  GWeakRef ref;
  g_autoptr(GObject) alive = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, NULL));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);

  /* The long poll the client runs by itself keeps nothing alive. */
  g_weak_ref_init (&ref, client);
  g_object_unref (client);
  alive = g_weak_ref_get (&ref);
  g_assert_null (alive);
  g_weak_ref_clear (&ref);

  /* Let the cancelled request unwind. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_existing_session (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("existing");
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_EXISTING_SESSION);
  g_assert_cmpstr (tl_auth_client_get_existing_session_client (client), ==, "trading-login-cli 0.1.0");
  since = g_date_time_format_iso8601 (tl_auth_client_get_existing_session_since (client));
  g_assert_cmpstr (since, ==, "2024-05-01T09:30:00Z");

  g_assert_true (tl_test_client_continue (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
  g_assert_cmpuint (tl_auth_client_get_code_digits (client), ==, 6);
  g_assert_cmpstr (tl_auth_client_get_code_charset (client), ==, "digits");
}

static void
test_choose_device (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("several");
  g_autoptr(GError) error = NULL;
  GListModel *devices;
  g_autoptr(TlDevice) first = NULL;
  g_autoptr(TlDevice) second = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_CHOOSE_DEVICE);
  g_assert_true (tl_auth_client_get_read_only_allowed (client));

  /* A kind this client does not know is left out. */
  devices = tl_auth_client_get_devices (client);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 2);
  first = g_list_model_get_item (devices, 0);
  second = g_list_model_get_item (devices, 1);
  g_assert_cmpint (tl_device_get_kind (first), ==, TL_DEVICE_KIND_IBKEY);
  g_assert_false (tl_device_get_is_default (first));
  g_assert_true (tl_device_get_is_default (second));

  g_assert_false (tl_test_client_select_device (client, "nope", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_CHOOSE_DEVICE);

  g_assert_true (tl_test_client_select_device (client, "K1", &error));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);

  /* Switching from the push to the code. */
  g_assert_true (tl_test_client_select_device (client, "T1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
  g_assert_true (tl_auth_client_get_device (client) == second);
}

static void
test_answer_checks (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("code");
  g_autoptr(GError) error = NULL;
  static const char * const bad[] = { "12345", "1234567", "12345a", "", "１２３４５６" };

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);

  /* Checked here, so no attempt is used. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (tl_test_client_answer (client, bad[i], &error));
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, "Enter the 6-digit code, digits only.");
      g_clear_error (&error);
    }
  g_assert_cmpuint (hostile->answers, ==, 0);
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, -1);

  /* Wrong, then wrong again: the state stays, attempts-left drops. */
  g_assert_false (tl_test_client_answer (client, "000000", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED);
  g_assert_cmpstr (error->message, ==, "The code was not accepted. 2 attempts left.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 2);
  g_clear_error (&error);

  g_assert_false (tl_test_client_answer (client, "111 111", &error));
  g_assert_cmpstr (error->message, ==, "The code was not accepted. 1 attempt left.");
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 1);
  g_clear_error (&error);

  /* Spaces people type to read the code back are fine. */
  g_assert_true (tl_test_client_answer (client, "123 456", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
}

static void
test_answer_third_wrong (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("code");
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, &error));
  for (guint i = 0; i < 2; i++)
    {
      g_assert_false (tl_test_client_answer (client, "000000", &error));
      g_clear_error (&error);
    }

  g_assert_false (tl_test_client_answer (client, "000000", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED);
  g_assert_cmpstr (error->message, ==, "The code was not accepted, and no attempts are left. Log in again.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 0);
}

static void
test_bad_challenge (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("badchallenge");
  g_autoptr(GError) error = NULL;

  /* "12ab" is not the numeric challenge QN08 promises. */
  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  assert_protocol_failure (client, error);
}

static void
test_busy (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("several");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, NULL));

  /* A double click: the second step waits its turn. */
  tl_auth_client_select_device_async (client, "T1", NULL, tl_test_store_result, &first);
  tl_auth_client_select_device_async (client, "K1", NULL, tl_test_store_result, &second);
  tl_test_await (&second);
  g_assert_false (tl_auth_client_select_device_finish (client, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  tl_test_await (&first);
  g_assert_true (tl_auth_client_select_device_finish (client, first, NULL));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
}

static void
test_wrong_state (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("nofactor");
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_answer (client, "123456", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
}

/* The SRP math runs in a thread: a 1 ms timeout keeps firing while the
 * client computes. The password is made huge so that hashing it takes
 * a good fraction of a second; on the main thread that would be one
 * long gap between ticks. */

typedef struct
{
  TlAuthClient *client;
  gint64        last;
  gint64        max_gap;
  gint64        auth_started;
  gint64        auth_ended;
  guint         ticks;
} Ticker;

static gboolean
on_tick (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();

  if (ticker->auth_started != 0 && ticker->auth_ended == 0)
    {
      ticker->max_gap = MAX (ticker->max_gap, now - MAX (ticker->last, ticker->auth_started));
      ticker->ticks++;
    }

  ticker->last = now;
  return G_SOURCE_CONTINUE;
}

static void
on_ticker_state (TlAuthClient *client,
                 GParamSpec   *pspec,
                 Ticker       *ticker)
{
  gint64 now = g_get_monotonic_time ();

  if (tl_auth_client_get_state (client) == TL_AUTH_STATE_AUTHENTICATING)
    {
      ticker->auth_started = now;
    }
  else if (ticker->auth_started != 0 && ticker->auth_ended == 0)
    {
      ticker->auth_ended = now;
      ticker->max_gap = MAX (ticker->max_gap, now - MAX (ticker->last, ticker->auth_started));
    }
}

static void
test_srp_off_main_thread (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("srp-thread");
  g_autoptr(GError) error = NULL;
  gsize size = 384 * 1024 * 1024;
  char *password = g_malloc (size + 1);
  Ticker ticker = { client, 0, 0, 0, 0, 0 };
  gint64 duration;
  guint id;

  memset (password, 'p', size);
  password[size] = '\0';

  g_signal_connect (client, "notify::state", G_CALLBACK (on_ticker_state), &ticker);
  id = g_timeout_add (1, on_tick, &ticker);
  g_assert_false (tl_test_client_login (client, "alice", password, &error));
  g_source_remove (id);
  g_free (password);

  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  duration = ticker.auth_ended - ticker.auth_started;
  g_test_message ("AUTHENTICATING lasted %" G_GINT64_FORMAT " ms; %u ticks; longest gap %" G_GINT64_FORMAT " ms",
                  duration / 1000, ticker.ticks, ticker.max_gap / 1000);

  /* Hashing the password took a while, and the main loop went on
   * dispatching all along: on the main thread, the longest gap would be
   * the whole computation. */
  g_assert_cmpint (duration, >=, 100 * 1000);
  g_assert_cmpint (ticker.max_gap * 2, <, duration);
  g_assert_cmpuint (ticker.ticks, >=, 20);
}


/* A server that accepts the connection and then says nothing, not even
 * its half of the TLS handshake: the login gives up after the connect
 * timeout instead of hanging. */
static void
test_connect_timeout (void)
{
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(TlServerProfile) profile = NULL;
  g_autoptr(TlAuthClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  gint64 started, elapsed;
  guint port;

  g_assert_true (g_socket_bind (listener, any, FALSE, NULL));
  g_assert_true (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  url = g_strdup_printf ("https://127.0.0.1:%u/live/", port);
  profile = tl_server_profile_new (TL_MODE_LIVE, url, NULL);
  client = tl_auth_client_new (profile);

  started = g_get_monotonic_time ();
  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  elapsed = g_get_monotonic_time () - started;

  expected = g_strdup_printf ("The server at 127.0.0.1:%u did not answer in time. "
                              "Check your network connection, or try again later.", port);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_cmpint (elapsed, >=, 9 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 16 * G_USEC_PER_SEC);
}

static void
cancel_when (TlAuthClient *client,
             GParamSpec   *pspec,
             gpointer      user_data)
{
  if (tl_auth_client_get_state (client) == (TlAuthState) GPOINTER_TO_INT (user_data))
    tl_auth_client_cancel (client);
}

static void
test_cancel (gconstpointer data)
{
  TlAuthState when = (TlAuthState) GPOINTER_TO_INT (data);
  g_autoptr(TlAuthClient) client = hostile_client ("nofactor");
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TlAuthState));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_signal_connect (client, "notify::state", G_CALLBACK (cancel_when), GINT_TO_POINTER (when));
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state), states);

  tl_auth_client_login_async (client, "alice", PASSWORD, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  g_assert_false (tl_auth_client_login_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Let anything still in flight come back: it must change nothing. */
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
  g_assert_cmpint (g_array_index (states, TlAuthState, states->len - 1), ==, TL_AUTH_STATE_IDLE);
  g_assert_null (tl_auth_client_get_session (client));
  g_assert_null (tl_auth_client_get_error (client));

  /* And the client is good for the next try. */
  g_signal_handlers_disconnect_by_func (client, cancel_when, GINT_TO_POINTER (when));
  g_assert_true (tl_test_client_login (client, "alice", PASSWORD, NULL));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
}

static void
test_cancellable (void)
{
  g_autoptr(TlAuthClient) client = hostile_client ("nofactor");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tl_auth_client_login_async (client, "alice", PASSWORD, cancellable, tl_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  tl_test_await (&result);
  g_assert_false (tl_auth_client_login_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
}


/* Part two: the real trading-authd over TLS, with its demo users. One
 * server for these tests; each test logs out at the end so that the
 * next one does not meet an existing session unasked. */

static TlTestServer *authd;
static char *ibkey_device_id;
static GBytes *ibkey_secret;

static TlTestServer *
get_authd (void)
{
  if (authd == NULL)
    authd = tl_test_server_new ();
  return authd;
}

static TlAuthClient *
authd_client (TlMode mode)
{
  TlTestServer *s = get_authd ();
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (mode,
                                                              tl_test_server_get_base_url (s, mode),
                                                              tl_test_server_get_cert_sha256 (s));

  return tl_auth_client_new (profile);
}

static const char *
demo_string (TlMode      mode,
             const char *member)
{
  return json_object_get_string_member (tl_test_server_get_user (get_authd (), mode), member);
}

static const char *
demo_device (TlMode      mode,
             const char *kind,
             const char *member)
{
  return json_object_get_string_member (tl_test_server_get_device (get_authd (), mode, kind), member);
}

static gboolean
read_only (TlAuthClient  *client,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_read_only_async (client, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_read_only_finish (client, result, error);
}

static gboolean
request_challenge (TlAuthClient  *client,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_request_challenge_async (client, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_request_challenge_finish (client, result, error);
}

static gboolean
resend (TlAuthClient  *client,
        const char    *channel,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_resend_async (client, channel, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_resend_finish (client, result, error);
}

static gboolean
tickle (TlAuthClient  *client,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_tickle_async (client, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_tickle_finish (client, result, error);
}

static gboolean
resume (TlAuthClient  *client,
        TlSession     *stored,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_resume_async (client, stored, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_resume_finish (client, result, error);
}

static void
logout (TlAuthClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tl_auth_client_logout_async (client, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  g_assert_true (tl_auth_client_logout_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
  g_assert_null (tl_auth_client_get_session (client));
}

/* Logs the demo user of @mode in up to the choice of device. */
static void
login_to_devices (TlAuthClient *client,
                  TlMode        mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, demo_string (mode, "username"), demo_string (mode, "password"), &error));
  g_assert_no_error (error);
  if (tl_auth_client_get_state (client) == TL_AUTH_STATE_EXISTING_SESSION)
    {
      g_assert_true (tl_test_client_continue (client, &error));
      g_assert_no_error (error);
    }

  /* The demo users have one device of each kind; the ibkey counts once
   * it is activated. */
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_CHOOSE_DEVICE);
  g_assert_cmpuint (g_list_model_get_n_items (tl_auth_client_get_devices (client)), >=, 5);
  g_assert_cmpint (tl_auth_client_get_deadline (client), >, g_get_real_time () / G_USEC_PER_SEC);
}

static void
choose (TlAuthClient *client,
        TlMode        mode,
        const char   *kind,
        TlAuthState   expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_select_device (client, demo_device (mode, kind, "id"), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, expected);
  g_assert_cmpstr (tl_device_get_id (tl_auth_client_get_device (client)), ==, demo_device (mode, kind, "id"));
}

static void
assert_logged_in (TlAuthClient *client,
                  TlMode        mode,
                  gboolean      read_only_session)
{
  TlSession *session = tl_auth_client_get_session (client);

  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  g_assert_nonnull (session);
  g_assert_cmpstr (session->username, ==, demo_string (mode, "username"));
  g_assert_cmpint (session->mode, ==, mode);
  g_assert_cmpuint (strlen (session->token), ==, 43);
  g_assert_cmpint (session->read_only, ==, read_only_session);
  g_assert_cmpint (tl_session_seconds_left (session), >, 3600);
  g_assert_null (tl_auth_client_get_error (client));
}

static char *
proof (const char *action,
       const char *push_id,
       gint64      time)
{
  g_autofree char *message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT,
                                              action, ibkey_device_id, push_id != NULL ? push_id : "", time);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (ibkey_secret, NULL),
                                      g_bytes_get_size (ibkey_secret));
  guint8 digest[32];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, -1);
  g_hmac_get_digest (hmac, digest, &length);
  return g_base64_encode (digest, length);
}

/* What the soft authenticator does once: activate the demo ibkey. */
static void
ensure_ibkey_activated (void)
{
  TlTestServer *s = get_authd ();
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  if (ibkey_device_id != NULL)
    return;

  body = g_strdup_printf ("{\"username\": \"%s\", \"activation_code\": \"%s\", \"name\": \"Test phone\"}",
                          demo_string (TL_MODE_PAPER, "username"),
                          demo_device (TL_MODE_PAPER, "ibkey", "activation_code"));
  answer = tl_test_server_send_json (s, TL_MODE_PAPER, "v1/device/activate", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  ibkey_device_id = g_strdup (json_object_get_string_member (answer, "device_id"));
  ibkey_secret = tl_message_get_base64 (answer, "secret", 128, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (answer, "ocra_suite"), ==, "OCRA-1:HOTP-SHA256-8:QN08");
}

/* The phone's side of a push: fetch the pending request and decide. */
static void
decide_push (const char *decision)
{
  TlTestServer *s = get_authd ();
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *body = NULL;
  g_autofree char *pending_proof = NULL;
  g_autofree char *respond_proof = NULL;
  JsonArray *requests;
  const char *push_id;
  gint64 now = tl_test_server_now (s);
  guint status = 0;

  pending_proof = proof ("pending", NULL, now);
  body = g_strdup_printf ("{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                          ibkey_device_id, now, pending_proof);
  pending = tl_test_server_send_json (s, TL_MODE_PAPER, "v1/device/pending", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  requests = json_object_get_array_member (pending, "requests");
  g_assert_cmpuint (json_array_get_length (requests), ==, 1);
  push_id = json_object_get_string_member (json_array_get_object_element (requests, 0), "push_id");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 0), "client"),
                   !=, NULL);

  respond_proof = proof ("respond", push_id, now);
  g_free (body);
  body = g_strdup_printf ("{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"%s\", "
                          "\"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                          ibkey_device_id, push_id, decision, now, respond_proof);
  answer = tl_test_server_send_json (s, TL_MODE_PAPER, "v1/device/respond", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_authd_push_approved (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  ensure_ibkey_activated ();
  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "ibkey", TL_AUTH_STATE_WAITING_PUSH);
  g_assert_cmpint (tl_auth_client_get_deadline (client), >, g_get_real_time () / G_USEC_PER_SEC);

  decide_push ("approve");
  g_assert_true (tl_test_client_wait_push (client, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
  logout (client);
}

static void
test_authd_push_denied (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  ensure_ibkey_activated ();
  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "ibkey", TL_AUTH_STATE_WAITING_PUSH);

  decide_push ("deny");
  g_assert_false (tl_test_client_wait_push (client, &error));
  expected = g_strdup_printf ("The login was denied on “%s”. If you did not start it, change your password.",
                              tl_device_get_label (tl_auth_client_get_device (client)));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_null (tl_auth_client_get_session (client));
}

static void
test_authd_challenge (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autofree char *response = NULL;
  TlOcraInput input = { 0 };

  ensure_ibkey_activated ();
  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "ibkey", TL_AUTH_STATE_WAITING_PUSH);

  /* "I did not receive the notification". */
  g_assert_true (request_challenge (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_RESPONSE);
  g_assert_cmpstr (tl_auth_client_get_challenge_suite (client), ==, "OCRA-1:HOTP-SHA256-8:QN08");
  g_assert_cmpuint (strlen (tl_auth_client_get_challenge (client)), ==, 8);
  g_assert_cmpuint (tl_auth_client_get_response_digits (client), ==, 8);

  suite = tl_ocra_suite_parse (tl_auth_client_get_challenge_suite (client), &error);
  g_assert_no_error (error);
  input.question = tl_auth_client_get_challenge (client);
  response = tl_ocra_compute (suite, g_bytes_get_data (ibkey_secret, NULL),
                              g_bytes_get_size (ibkey_secret), &input, &error);
  g_assert_no_error (error);

  g_assert_true (tl_test_client_answer (client, response, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
  logout (client);
}

static void
test_authd_dsc (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autofree char *response = NULL;
  TlOcraInput input = { 0 };

  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "dsc", TL_AUTH_STATE_NEED_RESPONSE);
  g_assert_cmpstr (tl_auth_client_get_challenge_suite (client), ==, "OCRA-1:HOTP-SHA1-8:QN06-PSHA1");
  g_assert_cmpuint (strlen (tl_auth_client_get_challenge (client)), ==, 6);

  /* The card: PIN + challenge in, 8 digits out. */
  suite = tl_ocra_suite_parse (tl_auth_client_get_challenge_suite (client), &error);
  g_assert_no_error (error);
  key = tl_base64_decode_strict (demo_device (TL_MODE_PAPER, "dsc", "secret"), 128, &error);
  g_assert_no_error (error);
  input.question = tl_auth_client_get_challenge (client);
  input.password = demo_device (TL_MODE_PAPER, "dsc", "pin");
  response = tl_ocra_compute (suite, g_bytes_get_data (key, NULL), g_bytes_get_size (key), &input, &error);
  g_assert_no_error (error);

  g_assert_true (tl_test_client_answer (client, response, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
  logout (client);
}

static void
test_authd_totp (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_LIVE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOtpauth) otpauth = NULL;
  g_autofree char *code = NULL;

  login_to_devices (client, TL_MODE_LIVE);
  choose (client, TL_MODE_LIVE, "totp", TL_AUTH_STATE_NEED_CODE);
  g_assert_cmpuint (tl_auth_client_get_code_digits (client), ==, 6);
  g_assert_cmpstr (tl_auth_client_get_code_charset (client), ==, "digits");

  otpauth = tl_otpauth_parse (demo_device (TL_MODE_LIVE, "totp", "otpauth_uri"), &error);
  g_assert_no_error (error);
  code = tl_totp (otpauth->algorithm, g_bytes_get_data (otpauth->secret, NULL),
                  g_bytes_get_size (otpauth->secret), tl_test_server_now (get_authd ()),
                  otpauth->period, otpauth->digits, &error);
  g_assert_no_error (error);

  g_assert_true (tl_test_client_answer (client, code, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_LIVE, FALSE);
  logout (client);
}

static char *
wait_for_sms (const char *previous)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *code = tl_test_server_read_sms (get_authd ());

      if (code != NULL && g_strcmp0 (code, previous) != 0)
        return g_steal_pointer (&code);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (50 * 1000);
    }

  g_assert_not_reached ();
}

static void
test_authd_sms (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = tl_test_server_read_sms (get_authd ());
  g_autofree char *code = NULL;
  gint64 now;

  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "sms", TL_AUTH_STATE_NEED_CODE);
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpuint (tl_auth_client_get_code_digits (client), ==, 6);
  g_assert_nonnull (tl_auth_client_get_sent_to (client));
  /* Masked: the whole number is not shown. */
  g_assert_null (strstr (tl_auth_client_get_sent_to (client), demo_device (TL_MODE_PAPER, "sms", "phone")));
  g_assert_cmpint (tl_auth_client_get_resend_at (client), >, now);

  /* Too early for another code: said so, and nothing else changes. */
  g_assert_false (resend (client, "sms", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_THROTTLED);
  g_assert_true (g_str_has_prefix (error->message, "Wait "));
  g_assert_true (g_str_has_suffix (error->message, " seconds before asking for another code."));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
  g_clear_error (&error);

  code = wait_for_sms (previous);
  g_assert_true (tl_test_client_answer (client, code, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
  logout (client);
}

static void
test_authd_card (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) response = g_string_new (NULL);
  JsonObject *card;
  const char * const *indices;

  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "card", TL_AUTH_STATE_NEED_CARD);

  indices = tl_auth_client_get_card_indices (client);
  g_assert_nonnull (indices);
  g_assert_cmpuint (g_strv_length ((char **) indices), ==, 2);
  g_assert_cmpuint (tl_auth_client_get_response_digits (client), ==, 6);

  /* The person reads the codes at the two index numbers off the card. */
  card = json_object_get_object_member (tl_test_server_get_device (get_authd (), TL_MODE_PAPER, "card"), "card");
  for (guint i = 0; indices[i] != NULL; i++)
    g_string_append (response, json_object_get_string_member (card, indices[i]));

  g_assert_true (tl_test_client_answer (client, response->str, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
  logout (client);
}

static void
test_authd_temp (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = g_ascii_strdown (demo_device (TL_MODE_PAPER, "temp", "temp_code"), -1);

  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "temp", TL_AUTH_STATE_NEED_CODE);
  g_assert_cmpuint (tl_auth_client_get_code_digits (client), ==, 8);
  g_assert_cmpstr (tl_auth_client_get_code_charset (client), ==, "upper-alnum");

  /* Typed in lower case: fine. */
  g_assert_true (tl_test_client_answer (client, lower, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
  logout (client);
}

static void
test_authd_wrong_answers (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  login_to_devices (client, TL_MODE_PAPER);
  choose (client, TL_MODE_PAPER, "temp", TL_AUTH_STATE_NEED_CODE);

  /* Seven characters cannot be right: no attempt is spent on them. */
  g_assert_false (tl_test_client_answer (client, "ABCDEFG", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Enter the 8-character passcode, letters and digits only.");
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, -1);
  g_clear_error (&error);

  g_assert_false (tl_test_client_answer (client, "ZZZZZZZZ", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED);
  g_assert_cmpstr (error->message, ==, "The code was not accepted. 2 attempts left.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 2);
  g_clear_error (&error);

  g_assert_false (tl_test_client_answer (client, "ZZZZZZZ9", &error));
  g_assert_cmpstr (error->message, ==, "The code was not accepted. 1 attempt left.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_NEED_CODE);
  g_clear_error (&error);

  g_assert_false (tl_test_client_answer (client, "ZZZZZZ99", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED);
  g_assert_cmpstr (error->message, ==, "The code was not accepted, and no attempts are left. Log in again.");
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 0);
}

static void
test_authd_read_only (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  login_to_devices (client, TL_MODE_PAPER);
  g_assert_true (tl_auth_client_get_read_only_allowed (client));

  g_assert_true (read_only (client, &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, TRUE);
  logout (client);
}

static void
login_with_temp (TlAuthClient *client)
{
  g_autoptr(GError) error = NULL;

  choose (client, TL_MODE_PAPER, "temp", TL_AUTH_STATE_NEED_CODE);
  g_assert_true (tl_test_client_answer (client, demo_device (TL_MODE_PAPER, "temp", "temp_code"), &error));
  g_assert_no_error (error);
  assert_logged_in (client, TL_MODE_PAPER, FALSE);
}

static void
test_authd_existing_session (void)
{
  g_autoptr(TlAuthClient) first = authd_client (TL_MODE_PAPER);
  g_autoptr(TlAuthClient) second = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  tl_auth_client_set_client_name (first, "trading-login-cli");
  login_to_devices (first, TL_MODE_PAPER);
  login_with_temp (first);

  /* The same person on another computer is asked first. */
  g_assert_true (tl_test_client_login (second, demo_string (TL_MODE_PAPER, "username"),
                                       demo_string (TL_MODE_PAPER, "password"), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (second), ==, TL_AUTH_STATE_EXISTING_SESSION);
  g_assert_nonnull (strstr (tl_auth_client_get_existing_session_client (second), "trading-login-cli"));
  g_assert_nonnull (tl_auth_client_get_existing_session_since (second));

  g_assert_true (tl_test_client_continue (second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (second), ==, TL_AUTH_STATE_CHOOSE_DEVICE);
  login_with_temp (second);

  /* The new session ended the old one. */
  g_assert_false (tickle (first, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION);
  g_assert_cmpstr (error->message, ==, "The session has ended. Log in again.");
  g_assert_cmpint (tl_auth_client_get_state (first), ==, TL_AUTH_STATE_IDLE);
  g_assert_null (tl_auth_client_get_session (first));

  logout (second);
}

static void
test_authd_session (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(TlAuthClient) later = authd_client (TL_MODE_PAPER);
  g_autoptr(TlSession) stored = NULL;
  g_autoptr(GError) error = NULL;

  login_to_devices (client, TL_MODE_PAPER);
  login_with_temp (client);
  stored = tl_session_copy (tl_auth_client_get_session (client));

  g_assert_true (tickle (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  g_assert_cmpstr (tl_auth_client_get_session (client)->token, ==, stored->token);
  g_assert_cmpint (g_date_time_compare (tl_auth_client_get_session (client)->expires_at, stored->expires_at), >=, 0);

  /* The app starts again with the stored session: no login needed. */
  g_assert_true (resume (later, stored, &error));
  g_assert_no_error (error);
  assert_logged_in (later, TL_MODE_PAPER, FALSE);
  g_assert_cmpstr (tl_auth_client_get_session (later)->account, ==, stored->account);
  g_assert_cmpstr (tl_auth_client_get_username (later), ==, demo_string (TL_MODE_PAPER, "username"));

  logout (client);

  /* Logged out: the stored session is no good any more. */
  g_clear_object (&later);
  later = authd_client (TL_MODE_PAPER);
  g_assert_false (resume (later, stored, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION);
  g_assert_cmpstr (error->message, ==, "The session has ended. Log in again.");
  g_assert_cmpint (tl_auth_client_get_state (later), ==, TL_AUTH_STATE_IDLE);
  g_assert_null (tl_auth_client_get_session (later));
}

static void
test_authd_lockout (void)
{
  TlTestServer *s = get_authd ();
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 now;

  out = tl_test_server_admin (s, "lock-me-secret\n", "user", "add", "lockme", "--mode", "paper",
                              "--password-stdin", NULL);

  for (int left = 9; left >= 1; left--)
    {
      g_autofree char *expected = NULL;

      g_assert_false (tl_test_client_login (client, "lockme", "not-the-password", &error));
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
      expected = g_strdup_printf (left == 1
                                  ? "Invalid username or password. %d attempt left before your account is locked for 24 hours."
                                  : "Invalid username or password. %d attempts left before your account is locked for 24 hours.",
                                  left);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
      g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, left);
      g_clear_error (&error);
    }

  /* The tenth locks the account... */
  g_assert_false (tl_test_client_login (client, "lockme", "not-the-password", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, "Invalid username or password. Your account is now locked for 24 hours.");
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), ==, 0);
  g_clear_error (&error);

  /* ...and then even the right password waits. */
  for (guint i = 0; i < 2; i++)
    {
      now = g_get_real_time () / G_USEC_PER_SEC;
      g_assert_false (tl_test_client_login (client, "lockme", i == 0 ? "lock-me-secret" : "not-the-password", &error));
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOCKED);
      g_assert_true (g_str_has_prefix (error->message,
                                       "Your account is locked after too many failed logins. Try again in "));
      g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOCKED);
      g_assert_cmpint (tl_auth_client_get_retry_after (client), >, now + 23 * 3600);
      g_assert_cmpint (tl_auth_client_get_retry_after (client), <=, now + 24 * 3600 + 5);
      g_assert_cmpstr (tl_auth_client_get_error (client)->message, ==, error->message);
      g_clear_error (&error);
    }

  /* A day later the right password works again. */
  tl_test_server_set_clock_offset (s, 24 * 3600 + 60);
  g_assert_true (tl_test_client_login (client, "lockme", "lock-me-secret", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  tl_test_server_set_clock_offset (s, 0);
  logout (client);
}

static void
test_authd_unknown_user (void)
{
  g_autoptr(TlAuthClient) client = authd_client (TL_MODE_LIVE);
  g_autoptr(GError) error = NULL;

  /* Same words as a wrong password: nothing tells whether the user exists. */
  g_assert_false (tl_test_client_login (client, "nosuchuser", "whatever", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_true (g_str_has_prefix (error->message, "Invalid username or password."));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
}

static void
test_authd_wrong_pin (void)
{
  TlTestServer *s = get_authd ();
  g_autofree char *other_sha256 = NULL;
  g_autoptr(GTlsCertificate) other = tl_test_cert_new (&other_sha256);
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER,
                                                              tl_test_server_get_base_url (s, TL_MODE_PAPER),
                                                              other_sha256);
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  {
    g_autoptr(GString) pretty = g_string_new (NULL);
    const char *hex = tl_test_server_get_cert_sha256 (s);

    for (guint i = 0; i < 64; i += 2)
      g_string_append_printf (pretty, "%s%.2s", i > 0 ? ":" : "", hex + i);
    fingerprint = g_string_free (g_steal_pointer (&pretty), FALSE);
  }

  g_assert_false (tl_test_client_login (client, demo_string (TL_MODE_PAPER, "username"),
                                        demo_string (TL_MODE_PAPER, "password"), &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  hostile = hostile_new ();

  g_test_add_func ("/tl/auth-client/state-enum", test_state_enum);
  g_test_add_func ("/tl/auth-client/initial-state", test_initial_state);
  g_test_add_func ("/tl/auth-client/wrong-state", test_wrong_state);
  g_test_add_func ("/tl/auth-client/scripted/no-second-factor", test_login_no_second_factor);
  g_test_add_func ("/tl/auth-client/scripted/bad-username", test_bad_username);
  g_test_add_func ("/tl/auth-client/scripted/invalid-credentials", test_invalid_credentials);
  g_test_add_func ("/tl/auth-client/scripted/locked", test_locked);
  g_test_add_func ("/tl/auth-client/scripted/m2-mismatch", test_bad_m2);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/not-json", "garbage", test_garbage);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/missing-fields", "missing", test_garbage);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/wrong-types", "wrongtype", test_garbage);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/redirect", "redirect", test_garbage);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/weak-group", "weak", test_garbage);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/unknown-error", "unknown-error", test_garbage);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/huge", "huge", test_huge);
  g_test_add_data_func ("/tl/auth-client/scripted/garbage/huge-chunked", "huge-chunked", test_huge);
  g_test_add_func ("/tl/auth-client/scripted/server-error-page", test_server_error_page);
  g_test_add_func ("/tl/auth-client/scripted/bad-challenge", test_bad_challenge);
  g_test_add_func ("/tl/auth-client/certificate/untrusted", test_untrusted_certificate);
  g_test_add_func ("/tl/auth-client/certificate/wrong-pin", test_wrong_pin);
  g_test_add_func ("/tl/auth-client/unreachable", test_unreachable);
  g_test_add_func ("/tl/auth-client/plain-http", test_plain_http);
  g_test_add_func ("/tl/auth-client/scripted/plain-http-loopback", test_plain_http_loopback);
  g_test_add_func ("/tl/auth-client/connect-timeout", test_connect_timeout);
  g_test_add_func ("/tl/auth-client/scripted/cancellable", test_cancellable);
  g_test_add_data_func ("/tl/auth-client/scripted/cancel/connecting",
                        GINT_TO_POINTER (TL_AUTH_STATE_CONNECTING), test_cancel);
  g_test_add_data_func ("/tl/auth-client/scripted/cancel/authenticating",
                        GINT_TO_POINTER (TL_AUTH_STATE_AUTHENTICATING), test_cancel);
  g_test_add_func ("/tl/auth-client/scripted/push/reconnects", test_push_reconnects);
  g_test_add_func ("/tl/auth-client/scripted/push/denied", test_push_denied);
  g_test_add_data_func ("/tl/auth-client/scripted/push/expired", "push-expired", test_push_expired);
  g_test_add_data_func ("/tl/auth-client/scripted/push/unreachable-until-deadline", "push-unreachable", test_push_expired);
  g_test_add_func ("/tl/auth-client/scripted/push/cancel", test_push_cancel);
  g_test_add_func ("/tl/auth-client/scripted/push/dispose", test_dispose_while_waiting);
  g_test_add_func ("/tl/auth-client/scripted/existing-session", test_existing_session);
  g_test_add_func ("/tl/auth-client/scripted/choose-device", test_choose_device);
  g_test_add_func ("/tl/auth-client/scripted/answer-checks", test_answer_checks);
  g_test_add_func ("/tl/auth-client/scripted/answer-third-wrong", test_answer_third_wrong);
  g_test_add_func ("/tl/auth-client/scripted/busy", test_busy);
  g_test_add_func ("/tl/auth-client/srp-off-main-thread", test_srp_off_main_thread);

  g_test_add_func ("/tl/auth-client/authd/push-approved", test_authd_push_approved);
  g_test_add_func ("/tl/auth-client/authd/push-denied", test_authd_push_denied);
  g_test_add_func ("/tl/auth-client/authd/challenge-response", test_authd_challenge);
  g_test_add_func ("/tl/auth-client/authd/dsc", test_authd_dsc);
  g_test_add_func ("/tl/auth-client/authd/totp", test_authd_totp);
  g_test_add_func ("/tl/auth-client/authd/sms", test_authd_sms);
  g_test_add_func ("/tl/auth-client/authd/card", test_authd_card);
  g_test_add_func ("/tl/auth-client/authd/temp", test_authd_temp);
  g_test_add_func ("/tl/auth-client/authd/wrong-answers", test_authd_wrong_answers);
  g_test_add_func ("/tl/auth-client/authd/read-only", test_authd_read_only);
  g_test_add_func ("/tl/auth-client/authd/existing-session", test_authd_existing_session);
  g_test_add_func ("/tl/auth-client/authd/session", test_authd_session);
  g_test_add_func ("/tl/auth-client/authd/lockout", test_authd_lockout);
  g_test_add_func ("/tl/auth-client/authd/unknown-user", test_authd_unknown_user);
  g_test_add_func ("/tl/auth-client/authd/wrong-pin", test_authd_wrong_pin);

  status = g_test_run ();

  hostile_free (hostile);
  tl_test_server_free (authd);
  g_clear_pointer (&ibkey_secret, g_bytes_unref);
  g_free (ibkey_device_id);
  return status;
}
