/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-admin"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "tl-message.h"
#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-test-server.h"

/* The administration subcommands, run as a person would, against the
 * database of a running demo server. */

static TlTestServer *server;

/* The text after @label on its line in @out. */
static char *
field (const char *out,
       const char *label)
{
  const char *start = strstr (out, label);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (label);
  end = strchr (start, '\n');

  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

static int
run (const char  *stdin_text,
     char       **out,
     char       **err,
     const char  *first,
     ...) G_GNUC_NULL_TERMINATED;

/* $TL_AUTHD with exactly these arguments (no --data-dir added). */
static int
run (const char  *stdin_text,
     char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("TL_AUTHD"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_exit_status (process);
}

static void
test_help (void)
{
  static const char * const commands[][2] = {
    { "init", NULL }, { "serve", NULL }, { "demo", NULL }, { "user", "add" }, { "user", "passwd" },
    { "user", "del" }, { "user", "list" }, { "user", "unlock" }, { "device", "add" },
    { "device", "list" }, { "device", "del" }, { "temp-code", NULL }, { "sessions", NULL },
    { "audit", NULL },
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (NULL, &out, &err, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "temp-code"));
  g_assert_nonnull (strstr (out, "--data-dir"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      if (commands[i][1] != NULL)
        g_assert_cmpint (run (NULL, &out, &err, commands[i][0], commands[i][1], "--help", NULL), ==, 0);
      else
        g_assert_cmpint (run (NULL, &out, &err, commands[i][0], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "--data-dir"));
      g_assert_nonnull (strstr (out, "Usage:"));
    }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &out, &err, "frobnicate", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Unknown command"));
}

static void
test_init_and_serve (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tl-init-XXXXXX", &error);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *again = NULL;
  g_autofree char *key_path = g_build_filename (data, "tls-key.pem", NULL);
  g_autofree char *db_path = g_build_filename (data, "authd.sqlite3", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *port = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_cmpint (run (NULL, &out, &err, "init", "--data-dir", data, NULL), ==, 0);
  fingerprint = field (out, "Certificate SHA-256: ");
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  for (const char *p = fingerprint; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));

  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (db_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (data, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Again: the same certificate. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &out, &err, "init", "--data-dir", data, NULL), ==, 0);
  again = field (out, "Certificate SHA-256: ");
  g_assert_cmpstr (again, ==, fingerprint);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("pw\n", &out, &err, "user", "add", "solo", "--password-stdin", "--data-dir", data, NULL), ==, 0);

  /* A bad --listen is refused with a hint. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &out, &err, "serve", "--listen", "example.com:80", "--data-dir", data, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "127.0.0.1:4443"));

  /* serve on a free port; it says where it listens. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              g_getenv ("TL_AUTHD"), "serve", "--listen", "127.0.0.1:0", "--data-dir", data, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while (port == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_null (strstr (line, "pw"));
      if ((at = strstr (line, "Listening on https://127.0.0.1:")) != NULL)
        port = g_strndup (at + strlen ("Listening on https://127.0.0.1:"),
                          strcspn (at + strlen ("Listening on https://127.0.0.1:"), "/"));
    }

  {
    g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%s/paper/v1/login/start", port);
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) body = g_bytes_new_static ("{\"username\": \"solo\"}", 20);
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(GError) send_error = NULL;

    /* Unpinned: the self-signed certificate is refused by the client. */
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    answer = soup_session_send_and_read (session, msg, NULL, &send_error);
    g_assert_error (send_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  }

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  /* serve without init says what to do. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *empty = g_build_filename (dir, "empty", NULL);

    g_assert_cmpint (run (NULL, &out, &err, "serve", "--data-dir", empty, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "init"));
  }

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
}

static void
test_users (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) verify = NULL;
  JsonObject *session;
  guint status = 0;

  out = tl_test_server_admin (server, "first pass\n", "user", "add", "carol", "--password-stdin",
                              "--account", "U7654321", "--read-only-allowed", NULL);
  g_assert_nonnull (strstr (out, "carol"));
  g_assert_null (strstr (out, "first pass"));

  /* No second factor: the password makes the session. */
  verify = tl_test_server_login_password (server, TL_MODE_LIVE, "carol", "first pass", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verify, "next"), ==, "session");
  session = json_object_get_object_member (verify, "session");
  g_assert_cmpstr (json_object_get_string_member (session, "account"), ==, "U7654321");
  g_clear_pointer (&verify, json_object_unref);

  /* Separate per mode: carol is not a paper user. */
  verify = tl_test_server_login_password (server, TL_MODE_PAPER, "carol", "first pass", NULL, &status);
  tl_test_assert_error (verify, status, 401, "invalid_credentials");
  g_clear_pointer (&verify, json_object_unref);

  /* Twice: refused. A bad name: refused. No terminal, no --password-stdin: refused. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tl_test_server_admin_full (server, "x\n", &out, &err, "user", "add", "carol",
                                              "--password-stdin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "exists"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tl_test_server_admin_full (server, "x\n", &out, &err, "user", "add", "Bad Name",
                                              "--password-stdin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "lower-case"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tl_test_server_admin_full (server, "x\n", &out, &err, "user", "add", "dave", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--password-stdin"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Never from argv. */
  g_assert_cmpint (tl_test_server_admin_full (server, NULL, &out, &err, "user", "add", "dave",
                                              "--password", "secret", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* passwd */
  g_free (tl_test_server_admin (server, "second pass\n", "user", "passwd", "carol", "--password-stdin", NULL));
  verify = tl_test_server_login_password (server, TL_MODE_LIVE, "carol", "first pass", NULL, &status);
  tl_test_assert_error (verify, status, 401, "invalid_credentials");
  g_clear_pointer (&verify, json_object_unref);
  verify = tl_test_server_login_password (server, TL_MODE_LIVE, "carol", "second pass", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&verify, json_object_unref);

  /* list */
  g_clear_pointer (&out, g_free);
  out = tl_test_server_admin (server, NULL, "user", "list", NULL);
  g_assert_nonnull (strstr (out, "carol"));
  g_assert_nonnull (strstr (out, "U7654321"));
  g_assert_nonnull (strstr (out, "demopaper"));
  g_clear_pointer (&out, g_free);
  out = tl_test_server_admin (server, NULL, "user", "list", "--mode", "paper", NULL);
  g_assert_null (strstr (out, "carol"));
  g_assert_nonnull (strstr (out, "demopaper"));
  g_clear_pointer (&out, g_free);

  /* del */
  g_free (tl_test_server_admin (server, NULL, "user", "del", "carol", NULL));
  verify = tl_test_server_login_password (server, TL_MODE_LIVE, "carol", "second pass", NULL, &status);
  tl_test_assert_error (verify, status, 401, "invalid_credentials");
  g_assert_cmpint (tl_test_server_admin_full (server, NULL, &out, &err, "user", "del", "carol", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "carol"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (tl_test_server_admin_full (server, NULL, &out, &err, "user", "list", "--mode", "demo", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "live or paper"));
}

static char *
login_to_second_factor (const char *username,
                        const char *password)
{
  g_autoptr(JsonObject) verify = NULL;
  char *login_id = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, TL_MODE_LIVE, username, password, &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verify, "next"), ==, "second_factor");

  return login_id;
}

static void
test_devices (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *totp_id = NULL;
  g_autofree char *card_id = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *code = NULL;
  g_autoptr(TlOtpauth) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  g_free (tl_test_server_admin (server, "erin pass\n", "user", "add", "erin", "--password-stdin",
                                "--phone", "+44 20 7946 0000", NULL));

  out = tl_test_server_admin (server, NULL, "device", "add", "erin", "--kind", "totp", "--label", "Phone app", NULL);
  uri = field (out, "add to an authenticator app: ");
  g_assert_true (g_str_has_prefix (uri, "otpauth://totp/"));
  totp_id = field (out, "(id ");
  totp_id[strlen (totp_id) - 1] = '\0';
  params = tl_otpauth_parse (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (params->account, ==, "erin (live)");
  g_clear_pointer (&out, g_free);

  out = tl_test_server_admin (server, NULL, "device", "add", "erin", "--kind", "card", "--online", NULL);
  g_assert_nonnull (strstr (out, "card (index: code)"));
  g_assert_nonnull (strstr (out, "100: "));
  g_assert_nonnull (strstr (out, "expires: "));
  card_id = field (out, "(id ");
  card_id[strlen (card_id) - 1] = '\0';
  g_clear_pointer (&out, g_free);

  out = tl_test_server_admin (server, NULL, "device", "add", "erin", "--kind", "ibkey", NULL);
  code = field (out, "activation code: ");
  g_assert_cmpuint (strlen (code), ==, 12);
  g_clear_pointer (&out, g_free);

  out = tl_test_server_admin (server, "4321\n", "device", "add", "erin", "--kind", "dsc", "--pin-stdin", NULL);
  g_assert_nonnull (strstr (out, "OCRA-1:HOTP-SHA1-8:QN06-PSHA1"));
  g_clear_pointer (&out, g_free);

  out = tl_test_server_admin (server, NULL, "device", "add", "erin", "--kind", "sms", NULL);
  g_assert_nonnull (strstr (out, "+44 20 7946 0000"));
  g_clear_pointer (&out, g_free);

  /* Mistakes are explained. */
  g_assert_cmpint (tl_test_server_admin_full (server, "12\n", &out, &err, "device", "add", "erin", "--kind", "dsc",
                                              "--pin-stdin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "PIN"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tl_test_server_admin_full (server, NULL, &out, &err, "device", "add", "erin", "--kind", "fax",
                                              NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--kind"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tl_test_server_admin_full (server, NULL, &out, &err, "device", "add", "nobody", "--kind", "totp",
                                              NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nobody"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* list */
  out = tl_test_server_admin (server, NULL, "device", "list", "erin", NULL);
  g_assert_nonnull (strstr (out, totp_id));
  g_assert_nonnull (strstr (out, "Phone app"));
  g_assert_nonnull (strstr (out, "not activated"));
  g_assert_nonnull (strstr (out, " dsc "));
  g_clear_pointer (&out, g_free);

  /* The TOTP device from its URI works. */
  login_id = login_to_second_factor ("erin", "erin pass");
  body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/second-factor", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, totp_id);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  {
    g_autofree char *totp = tl_totp (params->algorithm, g_bytes_get_data (params->secret, NULL),
                                     g_bytes_get_size (params->secret), tl_test_server_now (server),
                                     params->period, params->digits, NULL);

    body = tl_test_server_post (server, TL_MODE_LIVE, "v1/login/answer", &status, "{\"login_id\": \"%s\", \"response\": \"%s\"}",
                 login_id, totp);
    g_assert_cmpuint (status, ==, 200);
    g_clear_pointer (&body, json_object_unref);
  }

  /* del: the card is no longer offered. */
  g_free (tl_test_server_admin (server, NULL, "device", "del", card_id, NULL));
  g_clear_pointer (&login_id, g_free);
  {
    g_autoptr(JsonObject) verify = tl_test_server_login_password (server, TL_MODE_LIVE, "erin", "erin pass",
                                                                  &login_id, &status);
    JsonArray *devices = json_object_get_array_member (json_object_get_object_member (verify, "second_factor"),
                                                       "devices");

    g_assert_cmpuint (json_array_get_length (devices), ==, 3);
    for (guint i = 0; i < json_array_get_length (devices); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (devices, i), "id"), !=, card_id);
  }
  g_assert_cmpint (tl_test_server_admin_full (server, NULL, &out, &err, "device", "del", card_id, NULL), ==, 1);
}

static void
test_temp_code (void)
{
  g_autofree char *out = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *device = NULL;
  g_autofree char *login_id = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  g_free (tl_test_server_admin (server, "frank pass\n", "user", "add", "frank", "--password-stdin",
                                "--mode", "paper", NULL));

  out = tl_test_server_admin (server, NULL, "temp-code", "frank", "--mode", "paper", NULL);
  first = field (out, "temporary passcode: ");
  g_assert_cmpuint (strlen (first), ==, 8);
  g_clear_pointer (&out, g_free);

  /* A new one replaces it. */
  out = tl_test_server_admin (server, NULL, "temp-code", "frank", "--mode", "paper", NULL);
  second = field (out, "temporary passcode: ");
  device = field (out, "(id ");
  device[strlen (device) - 1] = '\0';

  {
    g_autoptr(JsonObject) verify = tl_test_server_login_password (server, TL_MODE_PAPER, "frank", "frank pass",
                                                                  &login_id, &status);
    JsonArray *devices = json_object_get_array_member (json_object_get_object_member (verify, "second_factor"),
                                                       "devices");

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (devices), ==, 1);
  }

  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/second-factor", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, device);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);

  if (!g_str_equal (first, second))
    {
      body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/answer", &status, "{\"login_id\": \"%s\", \"response\": \"%s\"}",
                   login_id, first);
      tl_test_assert_error (body, status, 401, "second_factor_failed");
      g_clear_pointer (&body, json_object_unref);
    }

  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/login/answer", &status, "{\"login_id\": \"%s\", \"response\": \"%s\"}",
               login_id, second);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_sessions_and_audit (void)
{
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *out = NULL;
  const char *token;
  guint status = 0;

  session = tl_test_server_login_totp (server, TL_MODE_LIVE, 0);
  token = json_object_get_string_member (session, "token");

  out = tl_test_server_admin (server, NULL, "sessions", "demo", NULL);
  g_assert_nonnull (strstr (out, "127.0.0.1"));
  g_assert_nonnull (strstr (out, "test 1"));
  g_assert_null (strstr (out, token));
  g_clear_pointer (&out, g_free);

  out = tl_test_server_admin (server, NULL, "sessions", "demo", "--end", NULL);
  g_assert_nonnull (strstr (out, "Ended 1"));
  g_clear_pointer (&out, g_free);

  body = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/session", NULL, token, &status);
  tl_test_assert_error (body, status, 401, "no_session");

  out = tl_test_server_admin (server, NULL, "sessions", "demo", NULL);
  g_assert_nonnull (strstr (out, "No active sessions"));
  g_clear_pointer (&out, g_free);

  /* The audit log has the story and none of the secrets. */
  out = tl_test_server_admin (server, NULL, "audit", NULL);
  g_assert_nonnull (strstr (out, "session"));
  g_assert_nonnull (strstr (out, "sessions_ended"));
  g_assert_null (strstr (out, token));
  g_assert_null (strstr (out, json_object_get_string_member (tl_test_server_get_user (server, TL_MODE_LIVE),
                                                             "password")));
  g_assert_null (strstr (out, json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_LIVE, "temp"),
                                                             "temp_code")));
  g_clear_pointer (&out, g_free);

  out = tl_test_server_admin (server, NULL, "audit", "--user", "demo", "--mode", "live", "--limit", "1", NULL);
  g_assert_nonnull (strstr (out, "demo"));
  g_assert_null (strchr (strchr (out, '\n') + 1, '\n'));
}

/* Running the demo again on its directory keeps what is there and
 * re-issues only the spent one-time values. */
static void
test_demo_rerun (void)
{
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_PAPER, "ibkey");
  g_autofree char *ibkey_id = g_strdup (json_object_get_string_member (device, "id"));
  g_autofree char *code = g_strdup (json_object_get_string_member (device, "activation_code"));
  g_autofree char *temp = g_strdup (json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_PAPER, "temp"),
                                                                   "temp_code"));
  g_autofree char *account = g_strdup (json_object_get_string_member (tl_test_server_get_user (server, TL_MODE_PAPER),
                                                                      "account"));
  g_autofree char *dir = g_strdup (tl_test_server_get_data_dir (server));
  g_autofree char *path = g_build_filename (dir, "demo.json", NULL);
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;
  GStatBuf st;

  tl_test_server_restart (server);
  device = tl_test_server_get_device (server, TL_MODE_PAPER, "ibkey");
  g_assert_cmpstr (json_object_get_string_member (device, "id"), ==, ibkey_id);
  g_assert_cmpstr (json_object_get_string_member (device, "activation_code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_PAPER, "temp"), "temp_code"),
                   ==, temp);
  g_assert_cmpstr (json_object_get_string_member (tl_test_server_get_user (server, TL_MODE_PAPER), "account"), ==, account);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Spend the activation code: the next run issues a fresh one. */
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/device/activate", &status,
               "{\"username\": \"demopaper\", \"activation_code\": \"%s\"}", code);
  g_assert_cmpuint (status, ==, 200);

  tl_test_server_restart (server);
  device = tl_test_server_get_device (server, TL_MODE_PAPER, "ibkey");
  g_assert_cmpstr (json_object_get_string_member (device, "id"), ==, ibkey_id);
  g_assert_cmpstr (json_object_get_string_member (device, "activation_code"), !=, code);
  g_clear_pointer (&body, json_object_unref);
  body = tl_test_server_post (server, TL_MODE_PAPER, "v1/device/activate", &status,
               "{\"username\": \"demopaper\", \"activation_code\": \"%s\"}",
               json_object_get_string_member (device, "activation_code"));
  g_assert_cmpuint (status, ==, 200);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = tl_test_server_new ();

  g_test_add_func ("/tl/server/admin/help", test_help);
  g_test_add_func ("/tl/server/admin/init-and-serve", test_init_and_serve);
  g_test_add_func ("/tl/server/admin/users", test_users);
  g_test_add_func ("/tl/server/admin/devices", test_devices);
  g_test_add_func ("/tl/server/admin/temp-code", test_temp_code);
  g_test_add_func ("/tl/server/admin/sessions-and-audit", test_sessions_and_audit);
  g_test_add_func ("/tl/server/admin/demo-rerun", test_demo_rerun);

  result = g_test_run ();
  tl_test_server_free (server);

  return result;
}
