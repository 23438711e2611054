/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-login"

#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "tl-message.h"
#include "tl-session.h"
#include "tl-test-server.h"

static TlTestServer *server;

static const char *
user_name (TlMode mode)
{
  return json_object_get_string_member (tl_test_server_get_user (server, mode), "username");
}

static const char *
user_password (TlMode mode)
{
  return json_object_get_string_member (tl_test_server_get_user (server, mode), "password");
}

/* Every member of a start answer, with the contract's types and sizes. */
static void
assert_start_shape (JsonObject *start)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  JsonObject *srp = json_object_get_object_member (start, "srp");

  g_assert_cmpuint (json_object_get_size (start), ==, 3);
  g_assert_cmpuint (strlen (json_object_get_string_member (start, "login_id")), >=, 16);
  g_assert_cmpint (json_object_get_int_member (start, "expires_in"), ==, 300);
  g_assert_nonnull (srp);
  g_assert_cmpuint (json_object_get_size (srp), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (srp, "group"), ==, "rfc5054-3072");
  g_assert_cmpstr (json_object_get_string_member (srp, "hash"), ==, "sha256");
  salt = tl_message_get_base64 (srp, "salt", 64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (salt), ==, 16);
  B = tl_message_get_base64 (srp, "B", 384, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (B), ==, 384);
}

static void
test_start_shape (void)
{
  g_autoptr(JsonObject) known = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) unknown_again = NULL;
  guint status = 0;
  JsonObject *a, *b;

  known = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"%s\"}", user_name (TL_MODE_LIVE));
  g_assert_cmpuint (status, ==, 200);
  assert_start_shape (known);

  unknown = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status,
                  "{\"username\": \"nobodyhere\", \"client\": {\"name\": \"x\", \"version\": \"1\"}}");
  g_assert_cmpuint (status, ==, 200);
  assert_start_shape (unknown);

  /* An unknown name keeps its salt (a real user's would not change
   * either); B is fresh each time. */
  unknown_again = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"nobodyhere\"}");
  g_assert_cmpuint (status, ==, 200);
  a = json_object_get_object_member (unknown, "srp");
  b = json_object_get_object_member (unknown_again, "srp");
  g_assert_cmpstr (json_object_get_string_member (a, "salt"), ==, json_object_get_string_member (b, "salt"));
  g_assert_cmpstr (json_object_get_string_member (a, "B"), !=, json_object_get_string_member (b, "B"));
  g_assert_cmpstr (json_object_get_string_member (unknown, "login_id"), !=,
                   json_object_get_string_member (unknown_again, "login_id"));
}

static void
test_start_errors (void)
{
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"Alice\"}");
  tl_test_assert_error (body, status, 400, "bad_character");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"al ice\"}");
  tl_test_assert_error (body, status, 400, "bad_character");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"%s\"}",
               "a1234567890123456789012345678901234567890123456789012345678901234");
  tl_test_assert_error (body, status, 400, "bad_character");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": 42}");
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{}");
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "[\"demo\"]");
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/nothing", &status, "{}");
  tl_test_assert_error (body, status, 404, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/login/start", NULL, NULL, &status);
  tl_test_assert_error (body, status, 405, "bad_request");
}

static void
test_verify_wrong_password (void)
{
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *login_id = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, TL_MODE_PAPER, user_name (TL_MODE_PAPER), "wrong",
                                          &login_id, &status);
  tl_test_assert_error (verify, status, 401, "invalid_credentials");
  g_assert_cmpint (json_object_get_int_member (verify, "attempts_left"), ==, 9);

  /* The login is spent: one password proof per B. */
  again = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/verify", &status,
                "{\"login_id\": \"%s\", \"A\": \"AAAA\", \"M1\": \"AAAA\"}", login_id);
  tl_test_assert_error (again, status, 410, "login_expired");

  g_free (tl_test_server_admin (server, NULL, "user", "unlock", user_name (TL_MODE_PAPER), "--mode", "paper", NULL));
}

static void
test_verify_errors (void)
{
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(JsonObject) body = NULL;
  const char *login_id;
  guint status = 0;
  g_autofree char *zeros = NULL;

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/verify", &status,
               "{\"login_id\": \"doesnotexist\", \"A\": \"AAAA\", \"M1\": \"AAAA\"}");
  tl_test_assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);

  start = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"%s\"}", user_name (TL_MODE_LIVE));
  login_id = json_object_get_string_member (start, "login_id");

  /* A login id belongs to its mode. */
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/verify", &status,
               "{\"login_id\": \"%s\", \"A\": \"AAAA\", \"M1\": \"AAAA\"}", login_id);
  tl_test_assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/verify", &status,
               "{\"login_id\": \"%s\", \"A\": \"not base64!\", \"M1\": \"AAAA\"}", login_id);
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/verify", &status, "{\"login_id\": \"%s\", \"A\": \"AAAA\"}", login_id);
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  /* A = 0 (mod N) is refused, and does not count as a password failure. */
  {
    guint8 zero[384] = { 0 };

    zeros = g_base64_encode (zero, sizeof zero);
  }
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/verify", &status,
               "{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}", login_id, zeros,
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  tl_test_assert_error (body, status, 400, "bad_request");
}

static void
choose_device (const char *login_id,
               const char *device_id,
               JsonObject **out_answer)
{
  guint status = 0;
  JsonObject *answer = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status,
                             "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id, device_id);

  g_assert_cmpuint (status, ==, 200);
  *out_answer = answer;
}

static void
test_verify_second_factor_list (void)
{
  g_autoptr(JsonObject) verify = NULL;
  g_autofree char *login_id = NULL;
  JsonObject *second_factor;
  JsonArray *devices;
  guint status = 0;
  gboolean seen[6] = { FALSE };
  static const char * const kinds[] = { "ibkey", "totp", "sms", "dsc", "card", "temp" };

  verify = tl_test_server_login_password (server, TL_MODE_LIVE, user_name (TL_MODE_LIVE),
                                          user_password (TL_MODE_LIVE), &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verify, "next"), ==, "second_factor");
  g_assert_true (json_object_has_member (verify, "existing_session"));

  second_factor = json_object_get_object_member (verify, "second_factor");
  devices = json_object_get_array_member (second_factor, "devices");
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      g_assert_cmpuint (json_object_get_size (device), ==, 3);
      g_assert_nonnull (json_object_get_string_member (device, "label"));
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (g_str_equal (json_object_get_string_member (device, "kind"), kinds[k]))
          seen[k] = TRUE;
    }
  /* The authenticator app is offered once activated (test-server-factors
   * does that); every other kind at once. */
  g_assert_false (seen[0]);
  for (guint k = 1; k < G_N_ELEMENTS (kinds); k++)
    g_assert_true (seen[k]);

  /* Then the digital security card is the default; the demo user may
   * read only. */
  g_assert_cmpstr (json_object_get_string_member (second_factor, "default_device"), ==,
                   json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_LIVE, "dsc"), "id"));
  g_assert_true (json_object_get_boolean_member (second_factor, "read_only_allowed"));
  g_assert_cmpint (json_object_get_int_member (second_factor, "timeout"), ==, 180);

  /* Asking for the second factor of another user's device fails. */
  {
    g_autoptr(JsonObject) body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status,
                                       "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id,
                                       json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_PAPER, "totp"), "id"));

    tl_test_assert_error (body, status, 400, "bad_request");
  }

  {
    g_autoptr(JsonObject) answer = NULL;

    choose_device (login_id, json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_LIVE, "totp"), "id"),
                   &answer);
    g_assert_cmpstr (json_object_get_string_member (answer, "method"), ==, "code");
    g_assert_cmpint (json_object_get_int_member (answer, "digits"), ==, 6);
    g_assert_cmpstr (json_object_get_string_member (answer, "charset"), ==, "digits");
  }
}

static void
test_second_factor_before_verify (void)
{
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  start = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/start", &status, "{\"username\": \"%s\"}", user_name (TL_MODE_LIVE));
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status,
               "{\"login_id\": \"%s\", \"device_id\": \"x\"}",
               json_object_get_string_member (start, "login_id"));
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/answer", &status,
               "{\"login_id\": \"%s\", \"response\": \"123456\"}",
               json_object_get_string_member (start, "login_id"));
  tl_test_assert_error (body, status, 400, "bad_request");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/answer", &status, "{\"login_id\": \"nope\", \"response\": \"123456\"}");
  tl_test_assert_error (body, status, 410, "login_expired");
}

/* A whole TOTP login, then every session call. */
static void
test_totp_login_and_session (void)
{
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(TlSession) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(JsonObject) tickled = NULL;
  g_autoptr(JsonObject) logout = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) wrong_mode = NULL;
  JsonObject *user = tl_test_server_get_user (server, TL_MODE_PAPER);
  const char *token;
  guint status = 0;
  gint64 left;

  session = tl_test_server_login_totp (server, TL_MODE_PAPER, 0);
  parsed = tl_session_from_json (session, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->username, ==, json_object_get_string_member (user, "username"));
  g_assert_cmpstr (parsed->account, ==, json_object_get_string_member (user, "account"));
  g_assert_cmpint (parsed->mode, ==, TL_MODE_PAPER);
  g_assert_false (parsed->read_only);
  left = tl_session_seconds_left (parsed);
  g_assert_cmpint (left, >, 12 * 3600 - 60);
  g_assert_cmpint (left, <=, 12 * 3600);
  token = parsed->token;
  g_assert_cmpuint (strlen (token), ==, 43);

  info = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session", NULL, token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_has_member (info, "token"));
  g_assert_cmpstr (json_object_get_string_member (info, "username"), ==, parsed->username);
  g_assert_cmpstr (json_object_get_string_member (info, "mode"), ==, "paper");
  g_assert_cmpstr (json_object_get_string_member (info, "account"), ==, parsed->account);
  g_assert_false (json_object_get_boolean_member (info, "read_only"));
  g_assert_nonnull (json_object_get_string_member (info, "expires_at"));

  /* A paper token is no live session. */
  wrong_mode = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL, token, &status);
  tl_test_assert_error (wrong_mode, status, 401, "no_session");

  tickled = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session/tickle", "{}", token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (tickled, "username"), ==, parsed->username);

  logout = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session/logout", "{}", token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (logout, "status"), ==, "logged_out");

  after = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session", NULL, token, &status);
  tl_test_assert_error (after, status, 401, "no_session");
  g_clear_pointer (&after, json_object_unref);

  after = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session/logout", "{}", token, &status);
  tl_test_assert_error (after, status, 401, "no_session");
}

static void
test_session_errors (void)
{
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL, NULL, &status);
  tl_test_assert_error (body, status, 401, "no_session");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL, "short", &status);
  tl_test_assert_error (body, status, 401, "no_session");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session/tickle", "{}",
                                   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &status);
  tl_test_assert_error (body, status, 401, "no_session");
}

/* The second login reports the first session, and ends it. */
static void
test_existing_session (void)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *login_id = NULL;
  JsonObject *existing;
  guint status = 0;

  first = tl_test_server_login_totp (server, TL_MODE_LIVE, -1);

  verify = tl_test_server_login_password (server, TL_MODE_LIVE, user_name (TL_MODE_LIVE),
                                          user_password (TL_MODE_LIVE), &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  existing = json_object_get_object_member (verify, "existing_session");
  g_assert_nonnull (existing);
  g_assert_cmpstr (json_object_get_string_member (existing, "client"), ==, "test 1");
  g_assert_nonnull (json_object_get_string_member (existing, "since"));

  /* Until the new session is made, the old one lives. */
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL,
                                   json_object_get_string_member (first, "token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);

  second = tl_test_server_login_totp (server, TL_MODE_LIVE, 0);
  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL,
                                   json_object_get_string_member (first, "token"), &status);
  tl_test_assert_error (body, status, 401, "no_session");
  g_clear_pointer (&body, json_object_unref);

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL,
                                   json_object_get_string_member (second, "token"), &status);
  g_assert_cmpuint (status, ==, 200);
}

/* Live and paper are separate accounts. */
static void
test_modes_separate (void)
{
  g_autoptr(JsonObject) verify = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, TL_MODE_PAPER, user_name (TL_MODE_LIVE),
                                          user_password (TL_MODE_LIVE), NULL, &status);
  tl_test_assert_error (verify, status, 401, "invalid_credentials");
}

static gint64
user_version (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return version;
}

/* A login started by a server from before schema version 2, which kept
 * only b, is verified by the upgraded server: it computes B again. */
static void
test_login_across_upgrade (void)
{
  g_autofree char *db_path = g_build_filename (tl_test_server_get_data_dir (server), "authd.sqlite3", NULL);
  g_autofree char *login_id = NULL;
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  sqlite3 *db = NULL;
  char *message = NULL;
  guint status = 0;

  client = tl_test_server_start_login (server, TL_MODE_LIVE, user_name (TL_MODE_LIVE),
                                       user_password (TL_MODE_LIVE), &login_id, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (client);

  /* Back to schema version 1, the pending login included. */
  tl_test_server_kill (server, SIGTERM);
  g_assert_cmpint (user_version (db_path), ==, 2);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, "ALTER TABLE logins DROP COLUMN srp_B_pad; PRAGMA user_version = 1;",
                    NULL, NULL, &message) != SQLITE_OK)
    g_error ("downgrading the database: %s", message);
  sqlite3_close (db);

  tl_test_server_restart (server);
  g_assert_cmpint (user_version (db_path), ==, 2);

  /* The M2 the upgraded server sends is checked too. */
  verify = tl_test_server_verify_login (server, TL_MODE_LIVE, login_id, client, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (verify, "M2"));
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = tl_test_server_new ();

  g_test_add_func ("/tl/server/login/start-shape", test_start_shape);
  g_test_add_func ("/tl/server/login/start-errors", test_start_errors);
  g_test_add_func ("/tl/server/login/verify-wrong-password", test_verify_wrong_password);
  g_test_add_func ("/tl/server/login/verify-errors", test_verify_errors);
  g_test_add_func ("/tl/server/login/second-factor-list", test_verify_second_factor_list);
  g_test_add_func ("/tl/server/login/out-of-order", test_second_factor_before_verify);
  g_test_add_func ("/tl/server/login/totp-and-session", test_totp_login_and_session);
  g_test_add_func ("/tl/server/login/session-errors", test_session_errors);
  g_test_add_func ("/tl/server/login/existing-session", test_existing_session);
  g_test_add_func ("/tl/server/login/modes-separate", test_modes_separate);
  g_test_add_func ("/tl/server/login/across-upgrade", test_login_across_upgrade);

  result = g_test_run ();
  tl_test_server_free (server);

  return result;
}
