/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <libsecret/secret.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-test-keyring.h"
#include "tl-test-server.h"

/* trading-login-cli ($TL_CLI) as a script or a person would run it,
 * against a real trading-authd over TLS and this session's real keyring.
 * Each test has a server of its own, so the keyring items (named by the
 * server's base URL, with its port) never meet. The CLI runs in a new
 * session (setsid), without a controlling terminal: what it does without
 * a terminal is part of what is tested. */

static const SecretSchema session_schema = {
  "io.github.tradinglogin.TradingLogin.Session", SECRET_SCHEMA_NONE,
  {
    { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "mode", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "last-used", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "expires-at", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static const SecretSchema username_schema = {
  "io.github.tradinglogin.TradingLogin.Username", SECRET_SCHEMA_NONE,
  {
    { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "mode", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "last-used", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

typedef struct
{
  TlTestServer *server;
  const char   *preload;  /* LD_PRELOAD for this test's run_cli(), or NULL */
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliResult, cli_result_clear)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->server = tl_test_server_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, tl_test_server_free);
}

static const char *
cli_path (void)
{
  const char *path = g_getenv ("TL_CLI");

  g_assert_nonnull (path);
  return path;
}

static void
child_setup (gpointer user_data)
{
  /* No controlling terminal: /dev/tty cannot be opened. */
  setsid ();
}

/* argv: the CLI, @command, then the server's options for @mode (unless
 * @with_server is FALSE), then @args. */
static GPtrArray *
build_argv (Fixture     *f,
            TlMode       mode,
            gboolean     with_server,
            const char  *command,
            va_list      args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;

  g_ptr_array_add (argv, g_strdup (cli_path ()));
  g_ptr_array_add (argv, g_strdup (command));
  if (with_server)
    {
      g_ptr_array_add (argv, g_strdup ("--server"));
      g_ptr_array_add (argv, g_strdup (tl_test_server_get_base_url (f->server, mode)));
      g_ptr_array_add (argv, g_strdup ("--pin-sha256"));
      g_ptr_array_add (argv, g_strdup (tl_test_server_get_cert_sha256 (f->server)));
      g_ptr_array_add (argv, g_strdup ("--mode"));
      g_ptr_array_add (argv, g_strdup (mode == TL_MODE_PAPER ? "paper" : "live"));
    }
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);

  return argv;
}

/* @preload: a library for LD_PRELOAD, or NULL. */
static GSubprocess *
spawn_argv (GPtrArray  *argv,
            const char *preload)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  if (preload != NULL)
    {
      g_autofree char *asan_options = g_strconcat (g_getenv ("ASAN_OPTIONS") ?: "",
                                                   ":verify_asan_link_order=0", NULL);

      g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", preload, TRUE);
      /* The sanitizer build: its runtime is no longer first in line. */
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan_options, TRUE);
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return proc;
}

/* @said is what the CLI printed, for the message if it did not exit. */
static int
exit_status_of (GSubprocess *proc,
                const char  *said)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_error ("%s: trading-login-cli was killed by signal %d; it said:\n%s",
             g_test_get_path (), g_subprocess_get_term_sig (proc), said);

  return g_subprocess_get_exit_status (proc);
}

static void
run_argv (GPtrArray  *argv,
          const char *preload,
          const char *stdin_text,
          CliResult  *r)
{
  g_autoptr(GSubprocess) proc = spawn_argv (argv, preload);
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = g_strjoinv (" ", (char **) argv->pdata);

  g_subprocess_communicate_utf8 (proc, stdin_text != NULL ? stdin_text : "", NULL,
                                 &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = exit_status_of (proc, r->err);
  g_test_message ("$ %s\n-> %d\nstdout: %s\nstderr: %s", joined, r->status, r->out, r->err);
}

static void
run_cli (Fixture    *f,
         TlMode      mode,
         const char *stdin_text,
         CliResult  *r,
         const char *command,
         ...) G_GNUC_NULL_TERMINATED;

static void
run_cli (Fixture    *f,
         TlMode      mode,
         const char *stdin_text,
         CliResult  *r,
         const char *command,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, command);
  argv = build_argv (f, mode, TRUE, command, args);
  va_end (args);

  run_argv (argv, f->preload, stdin_text, r);
}

/* A CLI that the test talks to while it runs, as a driving script would. */
typedef struct
{
  GSubprocess      *proc;
  GOutputStream    *in;
  GDataInputStream *err;
  GString          *err_seen;
} Running;

static Running *
start_cli (Fixture    *f,
           TlMode      mode,
           const char *command,
           ...) G_GNUC_NULL_TERMINATED;

static Running *
start_cli (Fixture    *f,
           TlMode      mode,
           const char *command,
           ...)
{
  Running *r = g_new0 (Running, 1);
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, command);
  argv = build_argv (f, mode, TRUE, command, args);
  va_end (args);

  r->proc = spawn_argv (argv, f->preload);
  r->in = g_subprocess_get_stdin_pipe (r->proc);
  r->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (r->proc));
  r->err_seen = g_string_new (NULL);

  return r;
}

static void
running_write_line (Running    *r,
                    const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  g_output_stream_write_all (r->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (r->in, NULL, &error);
  g_assert_no_error (error);
}

/* Reads standard error up to the first line containing @needle. */
static char *
running_wait_for (Running    *r,
                  const char *needle)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char *line = g_data_input_stream_read_line_utf8 (r->err, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("trading-login-cli ended its standard error before “%s”; it said:\n%s",
                 needle, r->err_seen->str);

      g_string_append_printf (r->err_seen, "%s\n", line);
      if (strstr (line, needle) != NULL)
        return line;
      g_free (line);
    }
}

static void
running_finish (Running   *r,
                CliResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) err = g_memory_output_stream_new_resizable ();

  g_output_stream_close (r->in, NULL, NULL);

  g_output_stream_splice (err, G_INPUT_STREAM (r->err), G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_splice (out, g_subprocess_get_stdout_pipe (r->proc),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);

  g_string_append_len (r->err_seen, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (err)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (err)));
  result->status = exit_status_of (r->proc, r->err_seen->str);
  result->out = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                           g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
  result->err = g_strdup (r->err_seen->str);
  g_test_message ("-> %d\nstdout: %s\nstderr: %s", result->status, result->out, result->err);

  g_clear_object (&r->err);
  g_clear_object (&r->proc);
  g_string_free (r->err_seen, TRUE);
  g_free (r);
}

/* Helpers on the server's demo data ----------------------------------- */

static const char *
user_string (Fixture    *f,
             TlMode      mode,
             const char *member)
{
  return json_object_get_string_member (tl_test_server_get_user (f->server, mode), member);
}

static char *
password_line (Fixture *f,
               TlMode   mode)
{
  return g_strdup_printf ("%s\n", user_string (f, mode, "password"));
}

static char *
current_totp (Fixture *f,
              TlMode   mode)
{
  JsonObject *device = tl_test_server_get_device (f->server, mode, "totp");
  g_autoptr(TlOtpauth) otpauth = NULL;
  g_autoptr(GError) error = NULL;
  char *code;

  otpauth = tl_otpauth_parse (json_object_get_string_member (device, "otpauth_uri"), &error);
  g_assert_no_error (error);
  code = tl_totp (otpauth->algorithm,
                  g_bytes_get_data (otpauth->secret, NULL), g_bytes_get_size (otpauth->secret),
                  tl_test_server_now (f->server), otpauth->period, otpauth->digits, &error);
  g_assert_no_error (error);

  return code;
}

/* The session JSON the keyring holds for (server, mode), or NULL. */
static JsonObject *
keyring_session (Fixture *f,
                 TlMode   mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GList *items;
  g_autoptr(SecretValue) value = NULL;

  items = tl_test_keyring_search (&session_schema,
                                  SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, &error,
                                  "base-url", tl_test_server_get_base_url (f->server, mode),
                                  NULL);
  g_assert_no_error (error);
  if (items == NULL)
    return NULL;

  g_assert_cmpuint (g_list_length (items), ==, 1);
  value = secret_retrievable_retrieve_secret_sync (items->data, NULL, &error);
  g_assert_no_error (error);
  g_list_free_full (items, g_object_unref);

  json_parser_load_from_data (parser, secret_value_get_text (value), -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Whether the keyring holds a session for (server, mode). */
static gboolean
keyring_has_session (Fixture *f,
                     TlMode   mode)
{
  g_autoptr(JsonObject) session = keyring_session (f, mode);

  return session != NULL;
}

static char *
keyring_token (Fixture *f,
               TlMode   mode)
{
  g_autoptr(JsonObject) session = keyring_session (f, mode);

  g_assert_nonnull (session);
  return g_strdup (json_object_get_string_member (session, "token"));
}

static JsonObject *
parse_json_line (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

/* Whether the server still accepts @token. */
static gboolean
token_is_live (Fixture    *f,
               TlMode      mode,
               const char *token)
{
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = tl_test_server_send_json (f->server, mode, "v1/session", NULL, token, &status);
  return status == 200;
}

/* Logs in non-interactively with the temporary passcode; returns the token. */
static char *
login_with_temp_code (Fixture    *f,
                      TlMode      mode,
                      const char *extra_arg)
{
  g_auto(CliResult) r = { 0 };
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", user_string (f, mode, "password"),
                                            json_object_get_string_member (tl_test_server_get_device (f->server, mode, "temp"),
                                                                           "temp_code"));

  run_cli (f, mode, input, &r, "login",
           "--username", user_string (f, mode, "username"),
           "--password-stdin", "--device", "temp", "--answer-stdin", extra_arg, NULL);
  g_assert_cmpint (r.status, ==, 0);

  return keyring_token (f, mode);
}

/* Tests ---------------------------------------------------------------- */

static void
test_help (void)
{
  const char *commands[] = { "login", "status", "tickle", "logout" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_auto(CliResult) r = { 0 };

      g_ptr_array_add (argv, (gpointer) cli_path ());
      g_ptr_array_add (argv, (gpointer) commands[i]);
      g_ptr_array_add (argv, (gpointer) "--help");
      g_ptr_array_add (argv, NULL);
      g_ptr_array_set_free_func (argv, NULL);
      run_argv (argv, NULL, NULL, &r);

      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, commands[i]));
      g_assert_nonnull (strstr (r.out, "--server"));
      g_assert_nonnull (strstr (r.out, "Exit status:"));
      g_assert_nonnull (strstr (r.out, "4  The second factor failed, was denied or expired"));
      g_assert_nonnull (strstr (r.out, "5  Network, certificate or server identity problem"));
    }

  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_auto(CliResult) r = { 0 };

    g_ptr_array_add (argv, (gpointer) cli_path ());
    g_ptr_array_add (argv, (gpointer) "login");
    g_ptr_array_add (argv, (gpointer) "--help");
    g_ptr_array_add (argv, NULL);
    run_argv (argv, NULL, NULL, &r);
    g_assert_nonnull (strstr (r.out, "--password-stdin"));
    g_assert_nonnull (strstr (r.out, "--answer-stdin"));
    g_assert_nonnull (strstr (r.out, "--keep-alive"));
    g_assert_nonnull (strstr (r.out, "--print-token"));
  }

  /* No command, an unknown one, a missing --mode: usage, exit 1. */
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_auto(CliResult) r = { 0 };

    g_ptr_array_add (argv, (gpointer) cli_path ());
    g_ptr_array_add (argv, (gpointer) "frobnicate");
    g_ptr_array_add (argv, NULL);
    run_argv (argv, NULL, NULL, &r);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Unknown command “frobnicate”"));
    g_assert_nonnull (strstr (r.err, "logout"));
  }
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_auto(CliResult) r = { 0 };

    g_ptr_array_add (argv, (gpointer) cli_path ());
    g_ptr_array_add (argv, (gpointer) "status");
    g_ptr_array_add (argv, (gpointer) "--server");
    g_ptr_array_add (argv, (gpointer) "https://127.0.0.1:1/paper/");
    g_ptr_array_add (argv, NULL);
    run_argv (argv, NULL, NULL, &r);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--mode live or --mode paper"));
  }
}

/* The whole round: login with a temporary passcode, JSON parsed, the
 * token in the keyring and not on stdout; status, tickle, logout. */
static void
test_login_temp_status_tickle_logout (Fixture       *f,
                                      gconstpointer  data)
{
  const char *username = user_string (f, TL_MODE_PAPER, "username");
  JsonObject *temp = tl_test_server_get_device (f->server, TL_MODE_PAPER, "temp");
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", user_string (f, TL_MODE_PAPER, "password"),
                                            json_object_get_string_member (temp, "temp_code"));
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) object = NULL;

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, input, &r, "login", "--username", username,
             "--password-stdin", "--device", "temp", "--answer-stdin", "--json", NULL);
    g_assert_cmpint (r.status, ==, 0);

    object = parse_json_line (r.out);
    g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "logged_in");
    g_assert_cmpstr (json_object_get_string_member (object, "username"), ==, username);
    g_assert_cmpstr (json_object_get_string_member (object, "mode"), ==, "paper");
    g_assert_cmpstr (json_object_get_string_member (object, "server"), ==,
                     tl_test_server_get_base_url (f->server, TL_MODE_PAPER));
    g_assert_false (json_object_get_boolean_member (object, "resumed"));
    g_assert_true (json_object_get_boolean_member (object, "in_keyring"));
    g_assert_cmpint (json_object_get_int_member (object, "seconds_left"), >, 60);
    g_assert_false (json_object_has_member (object, "token"));

    token = keyring_token (f, TL_MODE_PAPER);
    g_assert_cmpuint (strlen (token), ==, 43);
    g_assert_null (strstr (r.out, token));
    g_assert_null (strstr (r.err, token));
    g_assert_true (token_is_live (f, TL_MODE_PAPER, token));
  }

  /* The same login again finds the session in the keyring: no password. */
  {
    g_auto(CliResult) r = { 0 };
    g_autoptr(JsonObject) again = NULL;

    run_cli (f, TL_MODE_PAPER, "", &r, "login", "--username", username, "--json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    again = parse_json_line (r.out);
    g_assert_true (json_object_get_boolean_member (again, "resumed"));
  }

  {
    g_auto(CliResult) r = { 0 };
    g_autoptr(JsonObject) status = NULL;

    run_cli (f, TL_MODE_PAPER, NULL, &r, "status", "--json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    status = parse_json_line (r.out);
    g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "logged_in");
    g_assert_cmpstr (json_object_get_string_member (status, "username"), ==, username);
    g_assert_cmpstr (json_object_get_string_member (status, "account"), ==,
                     json_object_get_string_member (object, "account"));
    g_assert_false (json_object_has_member (status, "token"));
    g_assert_null (strstr (r.out, token));
  }

  /* The human form, on stdout. */
  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, NULL, &r, "status", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "Logged in as "));
    g_assert_nonnull (strstr (r.out, username));
    g_assert_null (strstr (r.out, token));
  }

  {
    g_auto(CliResult) r = { 0 };
    g_autoptr(JsonObject) tickled = NULL;

    run_cli (f, TL_MODE_PAPER, NULL, &r, "tickle", "--json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    tickled = parse_json_line (r.out);
    g_assert_cmpstr (json_object_get_string_member (tickled, "status"), ==, "tickled");
    g_assert_null (strstr (r.out, token));
  }

  {
    g_auto(CliResult) r = { 0 };
    g_autoptr(JsonObject) out = NULL;

    run_cli (f, TL_MODE_PAPER, NULL, &r, "logout", "--json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    out = parse_json_line (r.out);
    g_assert_cmpstr (json_object_get_string_member (out, "status"), ==, "logged_out");
    g_assert_false (json_object_get_boolean_member (out, "already_ended"));
  }

  /* Dead on the server, gone from the keyring. */
  g_assert_false (token_is_live (f, TL_MODE_PAPER, token));
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));

  {
    g_auto(CliResult) r = { 0 };
    g_autoptr(JsonObject) error = NULL;

    run_cli (f, TL_MODE_PAPER, NULL, &r, "status", "--json", NULL);
    g_assert_cmpint (r.status, ==, 6);
    error = parse_json_line (r.out);
    g_assert_cmpstr (json_object_get_string_member (error, "status"), ==, "error");
    g_assert_cmpstr (json_object_get_string_member (error, "error"), ==, "no_session");
    g_assert_nonnull (strstr (r.err, "No paper session"));
  }
}

static void
test_login_totp_print_token (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *code = current_totp (f, TL_MODE_LIVE);
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", user_string (f, TL_MODE_LIVE, "password"), code);
  g_autofree char *token = NULL;
  g_auto(CliResult) r = { 0 };

  run_cli (f, TL_MODE_LIVE, input, &r, "login", "--username", user_string (f, TL_MODE_LIVE, "username"),
           "--password-stdin", "--device", "totp", "--answer-stdin", "--print-token", "--remember", NULL);
  g_assert_cmpint (r.status, ==, 0);

  /* --print-token without --json: the token alone on stdout, the rest on stderr. */
  token = keyring_token (f, TL_MODE_LIVE);
  g_assert_cmpstr (g_strstrip (r.out), ==, token);
  g_assert_nonnull (strstr (r.err, "Logged in as "));
  g_assert_nonnull (strstr (r.err, "6-digit code from your authenticator app"));

  /* --remember: the username item is there for the desktop app. */
  {
    g_autoptr(GError) error = NULL;
    GList *items = tl_test_keyring_search (&username_schema, SECRET_SEARCH_ALL, &error,
                                           "base-url", tl_test_server_get_base_url (f->server, TL_MODE_LIVE),
                                           "username", user_string (f, TL_MODE_LIVE, "username"),
                                           NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_length (items), ==, 1);
    g_list_free_full (items, g_object_unref);
  }

  /* status --print-token --json gives it to scripts that ask. */
  {
    g_auto(CliResult) s = { 0 };
    g_autoptr(JsonObject) object = NULL;

    run_cli (f, TL_MODE_LIVE, NULL, &s, "status", "--print-token", "--json", NULL);
    g_assert_cmpint (s.status, ==, 0);
    object = parse_json_line (s.out);
    g_assert_cmpstr (json_object_get_string_member (object, "token"), ==, token);
  }
}

/* The card's positions come on stderr; a driving script answers them.
 * Meanwhile the password is nowhere in the process's command line or
 * environment. */
static void
test_login_card_driven (Fixture       *f,
                        gconstpointer  data)
{
  const char *password = user_string (f, TL_MODE_PAPER, "password");
  JsonObject *card = json_object_get_object_member (tl_test_server_get_device (f->server, TL_MODE_PAPER, "card"),
                                                    "card");
  g_autoptr(GString) answer = g_string_new (NULL);
  g_auto(GStrv) words = NULL;
  g_autofree char *prompt = NULL;
  g_auto(CliResult) result = { 0 };
  Running *r;

  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "card", "--answer-stdin", NULL);
  running_write_line (r, password);
  prompt = running_wait_for (r, "positions");

  /* Waiting for the answer now, password read: look at /proc. */
  {
    g_autofree char *pid = g_strdup (g_subprocess_get_identifier (r->proc));
    g_autofree char *cmdline_path = g_build_filename ("/proc", pid, "cmdline", NULL);
    g_autofree char *environ_path = g_build_filename ("/proc", pid, "environ", NULL);
    g_autofree char *cmdline = NULL;
    g_autofree char *environ_text = NULL;
    gsize cmdline_length = 0, environ_length = 0;

    g_assert_true (g_file_get_contents (cmdline_path, &cmdline, &cmdline_length, NULL));
    g_assert_true (g_file_get_contents (environ_path, &environ_text, &environ_length, NULL));
    g_assert_cmpuint (cmdline_length, >, 0);
    /* NULs between the arguments: search the whole buffer. */
    for (gsize i = 0; i < cmdline_length; i++)
      if (cmdline[i] == '\0')
        cmdline[i] = ' ';
    for (gsize i = 0; i < environ_length; i++)
      if (environ_text[i] == '\0')
        environ_text[i] = ' ';
    g_assert_nonnull (strstr (cmdline, "--password-stdin"));
    g_assert_null (strstr (cmdline, password));
    g_assert_null (strstr (environ_text, password));
  }

  /* "…type the codes at positions 12 and 57, one after…" */
  words = g_strsplit_set (prompt, " ,", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint64 index;

      if (g_ascii_string_to_unsigned (words[i], 10, 1, 10000, &index, NULL))
        {
          g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT, index);

          g_assert_true (json_object_has_member (card, key));
          g_string_append (answer, json_object_get_string_member (card, key));
        }
    }
  g_assert_cmpuint (answer->len, >, 0);
  running_write_line (r, answer->str);
  running_finish (r, &result);

  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "Logged in as "));
  g_assert_true (keyring_has_session (f, TL_MODE_PAPER));
}

/* The authenticator app's push, approved through the device API, the way
 * trading-key does it. */
static GBytes *
activate_ibkey (Fixture  *f,
                TlMode    mode,
                char    **out_device_id,
                char    **out_suite)
{
  JsonObject *device = tl_test_server_get_device (f->server, mode, "ibkey");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *body = NULL;
  g_autofree guchar *secret = NULL;
  gsize secret_length = 0;
  guint status = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user_string (f, mode, "username"));
  json_builder_set_member_name (builder, "activation_code");
  json_builder_add_string_value (builder, json_object_get_string_member (device, "activation_code"));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "test-cli");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  answer = tl_test_server_send_json (f->server, mode, "v1/device/activate", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  *out_device_id = g_strdup (json_object_get_string_member (answer, "device_id"));
  *out_suite = g_strdup (json_object_get_string_member (answer, "ocra_suite"));
  secret = g_base64_decode (json_object_get_string_member (answer, "secret"), &secret_length);

  return g_bytes_new (secret, secret_length);
}

static char *
device_proof (GBytes     *secret,
              const char *action,
              const char *device_id,
              const char *push_id,
              gint64      time)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (secret, NULL),
                                      g_bytes_get_size (secret));
  g_autofree char *message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT, action, device_id,
                                              push_id != NULL ? push_id : "", time);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, strlen (message));
  g_hmac_get_digest (hmac, digest, &length);

  return g_base64_encode (digest, length);
}

static void
test_login_push_approved (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *device_id = NULL;
  g_autofree char *suite = NULL;
  g_autoptr(GBytes) secret = activate_ibkey (f, TL_MODE_PAPER, &device_id, &suite);
  g_autofree char *push_id = NULL;
  g_auto(CliResult) result = { 0 };
  Running *r;

  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "ibkey", "--json", NULL);
  running_write_line (r, user_string (f, TL_MODE_PAPER, "password"));
  g_free (running_wait_for (r, "Approve the notification on your device"));

  /* The phone's side: the pending request, then "approve". */
  for (guint attempt = 0; push_id == NULL && attempt < 5; attempt++)
    {
      gint64 now = tl_test_server_now (f->server);
      g_autofree char *proof = device_proof (secret, "pending", device_id, NULL, now);
      g_autofree char *body = g_strdup_printf ("{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                                               device_id, now, proof);
      g_autoptr(JsonObject) pending = NULL;
      JsonArray *requests;
      guint status = 0;

      pending = tl_test_server_send_json (f->server, TL_MODE_PAPER, "v1/device/pending", body, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      requests = json_object_get_array_member (pending, "requests");
      if (json_array_get_length (requests) > 0)
        push_id = g_strdup (json_object_get_string_member (json_array_get_object_element (requests, 0), "push_id"));
    }
  g_assert_nonnull (push_id);

  {
    gint64 now = tl_test_server_now (f->server);
    g_autofree char *proof = device_proof (secret, "respond", device_id, push_id, now);
    g_autofree char *body = g_strdup_printf ("{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"approve\", "
                                             "\"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                                             device_id, push_id, now, proof);
    g_autoptr(JsonObject) responded = NULL;
    guint status = 0;

    responded = tl_test_server_send_json (f->server, TL_MODE_PAPER, "v1/device/respond", body, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }

  running_finish (r, &result);
  g_assert_cmpint (result.status, ==, 0);
  {
    g_autoptr(JsonObject) object = parse_json_line (result.out);

    g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "logged_in");
  }
}

/* "I did not receive the notification": the challenge comes on stderr,
 * the app's OCRA response goes back on stdin. */
static void
test_login_push_challenge (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *device_id = NULL;
  g_autofree char *suite_text = NULL;
  g_autoptr(GBytes) secret = activate_ibkey (f, TL_MODE_PAPER, &device_id, &suite_text);
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *response = NULL;
  g_auto(CliResult) result = { 0 };
  TlOcraInput input = { 0 };
  Running *r;

  suite = tl_ocra_suite_parse (suite_text, &error);
  g_assert_no_error (error);

  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "ibkey", "--no-push", "--answer-stdin", NULL);
  running_write_line (r, user_string (f, TL_MODE_PAPER, "password"));
  line = running_wait_for (r, "Challenge: ");
  input.question = strstr (line, "Challenge: ") + strlen ("Challenge: ");
  response = tl_ocra_compute (suite, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), &input, &error);
  g_assert_no_error (error);
  g_free (running_wait_for (r, "response"));
  running_write_line (r, response);
  running_finish (r, &result);

  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (keyring_has_session (f, TL_MODE_PAPER));
}

static void
test_login_sms (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_auto(CliResult) result = { 0 };
  Running *r;

  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "sms", "--answer-stdin", NULL);
  running_write_line (r, user_string (f, TL_MODE_PAPER, "password"));
  g_free (running_wait_for (r, "code sent to"));
  code = tl_test_server_read_sms (f->server);
  g_assert_nonnull (code);
  running_write_line (r, code);
  running_finish (r, &result);

  g_assert_cmpint (result.status, ==, 0);
}

/* The hardware card reader: PIN + challenge, 8-digit response. */
static void
test_login_dsc (Fixture       *f,
                gconstpointer  data)
{
  JsonObject *device = tl_test_server_get_device (f->server, TL_MODE_PAPER, "dsc");
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *key = NULL;
  g_autofree char *line = NULL;
  g_autofree char *response = NULL;
  g_auto(CliResult) result = { 0 };
  TlOcraInput input = { 0 };
  gsize key_length = 0;
  Running *r;

  /* The contract's suite for this kind of device. */
  suite = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-8:QN06-PSHA1", &error);
  g_assert_no_error (error);
  key = g_base64_decode (json_object_get_string_member (device, "secret"), &key_length);

  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "dsc", "--answer-stdin", NULL);
  running_write_line (r, user_string (f, TL_MODE_PAPER, "password"));
  line = running_wait_for (r, "Challenge: ");
  input.question = strstr (line, "Challenge: ") + strlen ("Challenge: ");
  input.password = json_object_get_string_member (device, "pin");
  response = tl_ocra_compute (suite, key, key_length, &input, &error);
  g_assert_no_error (error);
  g_free (running_wait_for (r, "card reader"));
  running_write_line (r, response);
  running_finish (r, &result);

  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (keyring_has_session (f, TL_MODE_PAPER));
}

/* --read-only skips the second factor where the account allows it. */
static void
test_login_read_only (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *password = password_line (f, TL_MODE_PAPER);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_auto(CliResult) r = { 0 };

  run_cli (f, TL_MODE_PAPER, password, &r, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
           "--password-stdin", "--read-only", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  object = parse_json_line (r.out);
  g_assert_true (json_object_get_boolean_member (object, "read_only"));
  stored = keyring_session (f, TL_MODE_PAPER);
  g_assert_true (json_object_get_boolean_member (stored, "read_only"));
}

/* A person at a terminal: `script` gives the CLI a pseudo-terminal of
 * its own, and the test types as someone would, after each prompt. */
typedef struct
{
  GSubprocess   *proc;
  GOutputStream *in;
  GInputStream  *out;
  GString       *seen;
  gsize          searched;  /* what wait_for has already matched */
} Terminal;

static Terminal *
start_terminal (Fixture    *f,
                TlMode      mode,
                const char *command,
                ...) G_GNUC_NULL_TERMINATED;

static Terminal *
start_terminal (Fixture    *f,
                TlMode      mode,
                const char *command,
                ...)
{
  Terminal *t = g_new0 (Terminal, 1);
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, command);
  argv = build_argv (f, mode, TRUE, command, args);
  va_end (args);

  for (guint i = 0; g_ptr_array_index (argv, i) != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (g_ptr_array_index (argv, i));

      g_string_append_printf (line, "%s ", quoted);
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  t->proc = g_subprocess_launcher_spawn (launcher, &error, "script", "-q", "-e", "-c", line->str,
                                         "/dev/null", NULL);
  g_assert_no_error (error);
  t->in = g_subprocess_get_stdin_pipe (t->proc);
  t->out = g_subprocess_get_stdout_pipe (t->proc);
  t->seen = g_string_new (NULL);

  return t;
}

static void
terminal_wait_for (Terminal   *t,
                   const char *needle)
{
  for (;;)
    {
      const char *found = strstr (t->seen->str + t->searched, needle);
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;

      if (found != NULL)
        {
          t->searched = found - t->seen->str + strlen (needle);
          return;
        }

      n = g_input_stream_read (t->out, buffer, sizeof buffer, NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        g_error ("The terminal closed before “%s”; it showed:\n%s", needle, t->seen->str);
      g_string_append_len (t->seen, buffer, n);
    }
}

static void
terminal_type (Terminal   *t,
               const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (t->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Returns the exit status; @out_seen gets everything the terminal showed. */
static int
terminal_finish (Terminal  *t,
                 char     **out_seen)
{
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;
  int status;

  while ((n = g_input_stream_read (t->out, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (t->seen, buffer, n);
  g_assert_no_error (error);
  g_output_stream_close (t->in, NULL, NULL);

  status = exit_status_of (t->proc, t->seen->str);
  g_test_message ("terminal -> %d:\n%s", status, t->seen->str);
  *out_seen = g_string_free (t->seen, FALSE);
  g_clear_object (&t->proc);
  g_free (t);

  return status;
}

/* The device menu's number for @kind: "  4) Temporary passcode (--device temp)". */
static char *
menu_number (const char *seen,
             const char *kind)
{
  g_autofree char *option = g_strdup_printf ("(--device %s)", kind);
  const char *found = strstr (seen, option);
  const char *p;

  g_assert_nonnull (found);
  for (p = found; p > seen && p[-1] != '\n'; p--)
    ;
  while (*p == ' ')
    p++;

  return g_strdup_printf ("%c\n", *p);
}

static void
test_terminal (Fixture       *f,
               gconstpointer  data)
{
  const char *password = user_string (f, TL_MODE_PAPER, "password");
  const char *temp_code = json_object_get_string_member (tl_test_server_get_device (f->server, TL_MODE_PAPER, "temp"),
                                                         "temp_code");
  g_autofree char *typed_password = g_strdup_printf ("%s\n", password);
  g_autofree char *typed_code = g_strdup_printf ("%s\n", temp_code);
  g_autofree char *script = g_find_program_in_path ("script");

  if (script == NULL)
    {
      g_test_skip ("script (util-linux) is not installed");
      return;
    }

  /* Username (upper case, put right), password without echo, the device
   * menu, a wrong code and then the right one. */
  {
    g_autofree char *seen = NULL;
    g_autofree char *choice = NULL;
    Terminal *t = start_terminal (f, TL_MODE_PAPER, "login", "--remember", NULL);

    terminal_wait_for (t, "Username: ");
    terminal_type (t, "DemoPaper\n");
    terminal_wait_for (t, "Password for demopaper (paper): ");
    terminal_type (t, typed_password);
    terminal_wait_for (t, "Your choice [");
    choice = menu_number (t->seen->str, "temp");
    terminal_type (t, choice);
    terminal_wait_for (t, "temporary passcode: ");
    terminal_type (t, "ZZZZZZZZ\n");
    terminal_wait_for (t, "attempts left");
    terminal_wait_for (t, "temporary passcode: ");
    terminal_type (t, typed_code);

    g_assert_cmpint (terminal_finish (t, &seen), ==, 0);
    g_assert_nonnull (strstr (seen, "Using the username “demopaper”"));
    g_assert_nonnull (strstr (seen, ", the default"));
    g_assert_nonnull (strstr (seen, "Logged in as demopaper"));
    /* Typed, but never shown. */
    g_assert_null (strstr (seen, password));
  }

  /* Another session is active: asked, and "no" leaves it alone. The
   * remembered username is offered. */
  {
    g_autofree char *token = keyring_token (f, TL_MODE_PAPER);
    g_autoptr(GError) error = NULL;
    g_autofree char *seen = NULL;
    Terminal *t;

    secret_password_clear_sync (&session_schema, NULL, &error,
                                "base-url", tl_test_server_get_base_url (f->server, TL_MODE_PAPER), NULL);
    g_assert_no_error (error);

    t = start_terminal (f, TL_MODE_PAPER, "login", NULL);
    terminal_wait_for (t, "Username [demopaper]: ");
    terminal_type (t, "\n");
    terminal_wait_for (t, "Password for demopaper (paper): ");
    terminal_type (t, typed_password);
    terminal_wait_for (t, "Continue? [y/N] ");
    terminal_type (t, "n\n");

    g_assert_cmpint (terminal_finish (t, &seen), ==, 7);
    g_assert_nonnull (strstr (seen, "already has a paper session (trading-login-cli"));
    g_assert_nonnull (strstr (seen, "Login cancelled. The other session goes on."));
    g_assert_true (token_is_live (f, TL_MODE_PAPER, token));
  }
}

/* At a terminal the push wait counts down on one line, and Enter
 * switches to challenge/response. */
static void
test_terminal_push_enter (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *device_id = NULL;
  g_autofree char *suite_text = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *typed_password = g_strdup_printf ("%s\n", user_string (f, TL_MODE_PAPER, "password"));
  g_autofree char *challenge = NULL;
  g_autofree char *response = NULL;
  g_autofree char *typed_response = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *script = g_find_program_in_path ("script");
  TlOcraInput input = { 0 };
  const char *start;
  Terminal *t;

  if (script == NULL)
    {
      g_test_skip ("script (util-linux) is not installed");
      return;
    }

  secret = activate_ibkey (f, TL_MODE_PAPER, &device_id, &suite_text);
  suite = tl_ocra_suite_parse (suite_text, &error);
  g_assert_no_error (error);

  t = start_terminal (f, TL_MODE_PAPER, "login", "-u", user_string (f, TL_MODE_PAPER, "username"),
                      "--device", "ibkey", NULL);
  terminal_wait_for (t, "Password for ");
  terminal_type (t, typed_password);
  terminal_wait_for (t, "left. Press Enter if you did not receive it.");
  /* A second later, redrawn in place (carriage return, erase line). */
  terminal_wait_for (t, "\r\033[KApprove the notification on your device… ");
  terminal_wait_for (t, "left. Press Enter if you did not receive it.");
  terminal_type (t, "\n");
  terminal_wait_for (t, "Challenge: ");
  terminal_wait_for (t, "\n");
  start = strstr (t->seen->str, "Challenge: ") + strlen ("Challenge: ");
  challenge = g_strndup (start, strcspn (start, "\r\n"));
  input.question = challenge;
  response = tl_ocra_compute (suite, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), &input, &error);
  g_assert_no_error (error);
  terminal_wait_for (t, "response it shows: ");
  typed_response = g_strdup_printf ("%s\n", response);
  terminal_type (t, typed_response);

  g_assert_cmpint (terminal_finish (t, &seen), ==, 0);
  g_assert_nonnull (strstr (seen, "A notification was sent to “test-cli”."));
  g_assert_nonnull (strstr (seen, "Getting a challenge to answer instead"));
  g_assert_nonnull (strstr (seen, "Logged in as "));
}

/* A wrong answer from a script: exit 4 with the client's words. */
static void
test_wrong_code (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", user_string (f, TL_MODE_PAPER, "password"), "00000000");
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonObject) error = NULL;

  run_cli (f, TL_MODE_PAPER, input, &r, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
           "--password-stdin", "--device", "temp", "--answer-stdin", "--json", NULL);
  g_assert_cmpint (r.status, ==, 4);
  error = parse_json_line (r.out);
  g_assert_cmpstr (json_object_get_string_member (error, "status"), ==, "error");
  g_assert_nonnull (strstr (r.err, "attempts left"));
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonObject) error = NULL;

  run_cli (f, TL_MODE_PAPER, "not-the-password\n", &r, "login",
           "--username", user_string (f, TL_MODE_PAPER, "username"),
           "--password-stdin", "--device", "temp", "--answer-stdin", "--json", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "Invalid username or password. 9 attempts left"));
  error = parse_json_line (r.out);
  g_assert_cmpstr (json_object_get_string_member (error, "error"), ==, "invalid_credentials");
  g_assert_cmpint (json_object_get_int_member (error, "exit_code"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (error, "attempts_left"), ==, 9);
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));
}

/* Ten wrong passwords lock the account: exit 3 from then on, even with
 * the right one. */
static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *right = password_line (f, TL_MODE_LIVE);
  int status = 2;
  guint attempts = 0;

  while (status == 2 && attempts < 12)
    {
      g_auto(CliResult) r = { 0 };

      run_cli (f, TL_MODE_LIVE, "wrong-password\n", &r, "login",
               "--username", user_string (f, TL_MODE_LIVE, "username"), "--password-stdin", NULL);
      status = r.status;
      attempts++;
    }
  g_assert_cmpint (status, ==, 3);

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_LIVE, right, &r, "login",
             "--username", user_string (f, TL_MODE_LIVE, "username"), "--password-stdin", NULL);
    g_assert_cmpint (r.status, ==, 3);
    g_assert_nonnull (strstr (r.err, "locked"));
  }
}

static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(CliResult) r = { 0 };

  /* A port that was free a moment ago and has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("https://127.0.0.1:%u/paper/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  g_ptr_array_add (argv, (gpointer) cli_path ());
  g_ptr_array_add (argv, (gpointer) "login");
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, url);
  g_ptr_array_add (argv, (gpointer) "--mode");
  g_ptr_array_add (argv, (gpointer) "paper");
  g_ptr_array_add (argv, (gpointer) "--username");
  g_ptr_array_add (argv, (gpointer) "alice");
  g_ptr_array_add (argv, (gpointer) "--password-stdin");
  g_ptr_array_add (argv, (gpointer) "--json");
  g_ptr_array_add (argv, NULL);
  run_argv (argv, NULL, "password\n", &r);

  g_assert_cmpint (r.status, ==, 5);
  /* TlAuthClient's words, naming the address it tried. */
  g_assert_nonnull (strstr (r.err, "refused the connection"));
  g_assert_nonnull (strstr (r.err, "127.0.0.1"));
  {
    g_autoptr(JsonObject) object = parse_json_line (r.out);

    g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "network");
  }
}

static void
test_wrong_pin (Fixture       *f,
                gconstpointer  data)
{
  const char *real = tl_test_server_get_cert_sha256 (f->server);
  g_autofree char *wrong = g_strnfill (64, 'a');
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(CliResult) r = { 0 };
  g_autofree char *password = password_line (f, TL_MODE_PAPER);

  g_ptr_array_add (argv, (gpointer) cli_path ());
  g_ptr_array_add (argv, (gpointer) "login");
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, (gpointer) tl_test_server_get_base_url (f->server, TL_MODE_PAPER));
  g_ptr_array_add (argv, (gpointer) "--pin-sha256");
  g_ptr_array_add (argv, wrong);
  g_ptr_array_add (argv, (gpointer) "--mode");
  g_ptr_array_add (argv, (gpointer) "paper");
  g_ptr_array_add (argv, (gpointer) "--username");
  g_ptr_array_add (argv, (gpointer) user_string (f, TL_MODE_PAPER, "username"));
  g_ptr_array_add (argv, (gpointer) "--password-stdin");
  g_ptr_array_add (argv, NULL);
  run_argv (argv, NULL, password, &r);

  g_assert_cmpint (r.status, ==, 5);
  g_assert_nonnull (strstr (r.err, "--pin-sha256"));

  /* The real fingerprint is shown, however it is spelled (colons, case). */
  for (const char *p = r.err; *p != '\0'; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (seen, g_ascii_tolower (*p));
  g_assert_nonnull (strstr (seen->str, real));
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));
}

/* A login given up at once (here: no username and no terminal to ask
 * on) exits while a thread may still be loading the TLS module. The exit
 * waits for it: racing exit()'s finalisers, the load once in a few
 * hundred runs re-ran GObject's constructor, a fatal warning. The load
 * is made slow (tests/tl-slow-preload.c), so an exit that does not wait
 * ends before it is done. */
static void
test_exit_waits_for_tls_module (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };

  f->preload = g_getenv ("TL_SLOW_PRELOAD");
  g_assert_nonnull (f->preload);
  run_cli (f, TL_MODE_PAPER, NULL, &r, "login", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "--username"));
  g_assert_nonnull (strstr (r.err, "tl-slow-preload: libgiognutls loaded"));
  g_assert_null (strstr (r.err, "WARNING"));
}

/* Ctrl+C during the SRP math: the login is abandoned at once, and the
 * exit waits for the math in its thread to end, so OpenSSL's clean-up
 * never frees what it uses. The math is made slow and says when it
 * starts and ends (tests/tl-slow-preload.c). */
static void
test_interrupt_during_srp (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(CliResult) result = { 0 };
  g_autofree char *started = NULL;
  const char *done;
  Running *r;

  f->preload = g_getenv ("TL_SLOW_PRELOAD");
  g_assert_nonnull (f->preload);
  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "totp", "--answer-stdin", NULL);
  running_write_line (r, user_string (f, TL_MODE_PAPER, "password"));
  started = running_wait_for (r, "tl-slow-preload: BN_mod_exp started");

  g_subprocess_send_signal (r->proc, SIGINT);
  running_finish (r, &result);

  g_assert_cmpint (result.status, ==, 130);
  g_assert_nonnull (strstr (result.err, "the login was abandoned"));
  /* The math that was under way when the signal came ran to its end. */
  done = strstr (result.err, "tl-slow-preload: BN_mod_exp done");
  g_assert_nonnull (done);
  g_assert_null (strstr (result.err, "outlived OpenSSL's clean-up"));
  g_assert_null (strstr (result.err, "WARNING"));
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));
}

/* No terminal and no flag: each question names the option for it. */
static void
test_non_interactive_needs_flags (Fixture       *f,
                                  gconstpointer  data)
{
  const char *username = user_string (f, TL_MODE_PAPER, "username");
  g_autofree char *password = password_line (f, TL_MODE_PAPER);

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, NULL, &r, "login", "--username", username, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--password-stdin"));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, password, &r, "login", "--password-stdin", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--username"));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, password, &r, "login", "--username", username, "--password-stdin", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--device"));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, password, &r, "login", "--username", username, "--password-stdin",
             "--device", "totp", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--answer-stdin"));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, password, &r, "login", "--username", username, "--password-stdin",
             "--device", "nosuchkind", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "no second factor “nosuchkind”"));
  }
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));
}

/* A second login while the first session lives: refused without
 * --replace-session (nobody to ask), then it ends the first one. */
static void
test_existing_session (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *first = login_with_temp_code (f, TL_MODE_PAPER, "--json");
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;

  /* Forget it here, so that the CLI cannot just resume it. */
  secret_password_clear_sync (&session_schema, NULL, &error,
                              "base-url", tl_test_server_get_base_url (f->server, TL_MODE_PAPER), NULL);
  g_assert_no_error (error);

  {
    g_autofree char *input = g_strdup_printf ("%s\n%s\n", user_string (f, TL_MODE_PAPER, "password"),
                                              json_object_get_string_member (tl_test_server_get_device (f->server, TL_MODE_PAPER, "temp"),
                                                                             "temp_code"));
    g_auto(CliResult) r = { 0 };

    run_cli (f, TL_MODE_PAPER, input, &r, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
             "--password-stdin", "--device", "temp", "--answer-stdin", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "already has a paper session"));
    g_assert_nonnull (strstr (r.err, "--replace-session"));
    g_assert_true (token_is_live (f, TL_MODE_PAPER, first));
  }

  second = login_with_temp_code (f, TL_MODE_PAPER, "--replace-session");
  g_assert_cmpstr (first, !=, second);
  g_assert_false (token_is_live (f, TL_MODE_PAPER, first));
  g_assert_true (token_is_live (f, TL_MODE_PAPER, second));
}

/* The server ended the session behind the CLI's back: status says so
 * (exit 6) and the keyring forgets it. */
static void
test_session_ended_elsewhere (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *token = login_with_temp_code (f, TL_MODE_PAPER, "--json");
  g_autoptr(JsonObject) answer = NULL;
  g_auto(CliResult) r = { 0 };
  guint status = 0;

  answer = tl_test_server_send_json (f->server, TL_MODE_PAPER, "v1/session/logout", "{}", token, &status);
  g_assert_cmpuint (status, ==, 200);

  run_cli (f, TL_MODE_PAPER, NULL, &r, "status", NULL);
  g_assert_cmpint (r.status, ==, 6);
  g_assert_nonnull (strstr (r.err, "has ended on the server"));
  g_assert_false (keyring_has_session (f, TL_MODE_PAPER));
}

static gboolean
read_line_with_timeout (GDataInputStream  *stream,
                        char             **out_line)
{
  g_autoptr(GError) error = NULL;

  *out_line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);
  g_assert_no_error (error);

  return *out_line != NULL;
}

/* --keep-alive tickles until SIGINT, then exits 0 without logging out. */
static void
test_keep_alive (Fixture       *f,
                 gconstpointer  data)
{
  JsonObject *temp = tl_test_server_get_device (f->server, TL_MODE_PAPER, "temp");
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *token = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_auto(CliResult) result = { 0 };
  Running *r;

  r = start_cli (f, TL_MODE_PAPER, "login", "--username", user_string (f, TL_MODE_PAPER, "username"),
                 "--password-stdin", "--device", "temp", "--answer-stdin", "--json",
                 "--keep-alive", "--interval", "0.03", NULL);
  running_write_line (r, user_string (f, TL_MODE_PAPER, "password"));
  running_write_line (r, json_object_get_string_member (temp, "temp_code"));

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->proc));
  g_assert_true (read_line_with_timeout (out, &first));
  {
    g_autoptr(JsonObject) object = parse_json_line (first);

    g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "logged_in");
  }
  /* About two seconds later: a tickle. */
  g_assert_true (read_line_with_timeout (out, &second));
  {
    g_autoptr(JsonObject) object = parse_json_line (second);

    g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "tickled");
  }

  g_subprocess_send_signal (r->proc, SIGINT);
  running_finish (r, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.err, "was not logged out"));

  token = keyring_token (f, TL_MODE_PAPER);
  g_assert_true (token_is_live (f, TL_MODE_PAPER, token));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tl/cli/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/tl/cli/help", test_help);
  ADD ("login/temp-status-tickle-logout", test_login_temp_status_tickle_logout);
  ADD ("login/totp-print-token", test_login_totp_print_token);
  ADD ("login/card-driven", test_login_card_driven);
  ADD ("login/push-approved", test_login_push_approved);
  ADD ("login/push-challenge", test_login_push_challenge);
  ADD ("login/sms", test_login_sms);
  ADD ("login/dsc", test_login_dsc);
  ADD ("login/read-only", test_login_read_only);
  ADD ("login/terminal", test_terminal);
  ADD ("login/terminal-push-enter", test_terminal_push_enter);
  ADD ("login/wrong-code", test_wrong_code);
  ADD ("login/wrong-password", test_wrong_password);
  ADD ("login/locked", test_locked);
  ADD ("login/unreachable", test_unreachable);
  ADD ("login/wrong-pin", test_wrong_pin);
  ADD ("login/non-interactive-needs-flags", test_non_interactive_needs_flags);
  ADD ("login/exit-waits-for-tls-module", test_exit_waits_for_tls_module);
  ADD ("login/interrupt-during-srp", test_interrupt_during_srp);
  ADD ("login/existing-session", test_existing_session);
  ADD ("status/ended-elsewhere", test_session_ended_elsewhere);
  ADD ("keep-alive", test_keep_alive);

#undef ADD

  return g_test_run ();
}
