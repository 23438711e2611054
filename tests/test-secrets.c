/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-secrets"

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "tl-auth-client.h"
#include "tl-message.h"
#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-test-keyring.h"
#include "tl-test-server.h"

/* Secret hygiene. Full logins, with every second factor, through
 * trading-login-cli (driven as a script would) with trading-key as the
 * phone, and through TlAuthClient in this process, all with
 * G_MESSAGES_DEBUG=all. Every secret that passes is collected: the
 * passwords, the session tokens, the one-time codes and responses, the
 * activation code, the device secrets and PINs. Then none of them may
 * appear in any log (the server's, the CLI's, the key's, this
 * process's), in any file under this test's HOME and XDG directories
 * (the keyring files are encrypted: nothing in clear there either), in
 * any process's command line or environment (sampled from /proc all the
 * while), or as a token in the server's database (it keeps SHA-256). */

#define KEY_PIN "739146"
/* Planted where each check looks, to show that it finds what is there. */
#define CANARY  "canary-7f3a9c1e5b"

static TlTestServer *server;

static GPtrArray *secrets;      /* of Secret */
static GPtrArray *logs;         /* of Log */
static GString *own_log;        /* this process's log messages */
static GMutex own_log_mutex;

typedef struct
{
  char     *what;
  char     *value;
  gboolean  numeric;   /* digits only: matched as a whole number */
} Secret;

typedef struct
{
  char *what;
  char *text;
} Log;

static void
secret_free (Secret *s)
{
  g_free (s->what);
  g_free (s->value);
  g_free (s);
}

static void
log_free (Log *log)
{
  g_free (log->what);
  g_free (log->text);
  g_free (log);
}

static void
add_secret (const char *what,
            const char *value)
{
  Secret *s;
  gboolean numeric = TRUE;

  g_assert_nonnull (value);
  g_assert_cmpuint (strlen (value), >=, 4);
  for (const char *p = value; *p != '\0'; p++)
    numeric = numeric && g_ascii_isdigit (*p);
  /* Four or five digits turn up by chance (years, ports): such short
   * numbers are left out, and said so. */
  if (numeric && strlen (value) < 6)
    {
      g_test_message ("not searched for (too short to tell from chance): %s", what);
      return;
    }
  for (guint i = 0; i < secrets->len; i++)
    if (g_str_equal (((Secret *) secrets->pdata[i])->value, value))
      return;

  s = g_new0 (Secret, 1);
  s->what = g_strdup (what);
  s->value = g_strdup (value);
  s->numeric = numeric;
  g_ptr_array_add (secrets, s);
}

static void
add_log (const char *what,
         const char *text)
{
  Log *log = g_new0 (Log, 1);

  log->what = g_strdup (what);
  log->text = g_strdup (text != NULL ? text : "");
  g_ptr_array_add (logs, log);
}

/* Where @s occurs in @data (binary), or NULL. Numbers count only whole:
 * a six-digit code inside a longer run of digits (a time, a port) is
 * not that code. */
static const char *
find_secret (const char *data,
             gsize       length,
             Secret     *s)
{
  gsize n = strlen (s->value);

  for (gsize i = 0; i + n <= length; i++)
    {
      if (memcmp (data + i, s->value, n) != 0)
        continue;
      if (s->numeric &&
          ((i > 0 && g_ascii_isdigit (data[i - 1])) ||
           (i + n < length && g_ascii_isdigit (data[i + n]))))
        continue;
      return data + i;
    }

  return NULL;
}

/* Names each secret found in @data; returns how many. */
static guint
report_secrets_in (const char *where,
                   const char *data,
                   gsize       length)
{
  guint found = 0;

  for (guint i = 0; i < secrets->len; i++)
    {
      Secret *s = secrets->pdata[i];
      const char *at = find_secret (data, length, s);

      if (at != NULL)
        {
          gsize offset = (gsize) (at - data);
          gsize from = offset > 60 ? offset - 60 : 0;
          g_autofree char *context = g_strndup (data + from, MIN (length - from, 140));

          for (char *p = context; *p != '\0'; p++)
            if (!g_ascii_isprint (*p))
              *p = '.';
          g_test_message ("found %s (%s) in %s: …%s…", s->what, s->value, where, context);
          found++;
        }
    }

  return found;
}

/* This process's own log, at every level. */
static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&own_log_mutex);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        if (fields[i].length < 0)
          g_string_append (own_log, fields[i].value);
        else
          g_string_append_len (own_log, fields[i].value, fields[i].length);
        g_string_append_c (own_log, ' ');
      }
  g_string_append_c (own_log, '\n');
  g_mutex_unlock (&own_log_mutex);

  /* Warnings and worse still reach the test log (and G_DEBUG). */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* /proc, sampled ----------------------------------------------------------- */

static GHashTable *proc_seen;   /* "pid cmdline|environ: text" */
static GMutex proc_mutex;
static gboolean proc_stop;
static guint proc_samples;

static void
sample_proc (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      static const char * const files[] = { "cmdline", "environ" };

      if (!g_ascii_isdigit (*name))
        continue;

      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = g_build_filename ("/proc", name, files[i], NULL);
          g_autofree char *text = NULL;
          gsize length = 0;

          if (!g_file_get_contents (path, &text, &length, NULL) || length == 0)
            continue;
          for (gsize j = 0; j < length; j++)
            if (text[j] == '\0')
              text[j] = ' ';

          g_mutex_lock (&proc_mutex);
          if (!g_hash_table_contains (proc_seen, text))
            g_hash_table_add (proc_seen, g_strdup_printf ("%s %s: %s", name, files[i], text));
          g_mutex_unlock (&proc_mutex);
        }
    }
}

static gpointer
proc_thread (gpointer data)
{
  for (;;)
    {
      gboolean stop;

      sample_proc ();
      g_mutex_lock (&proc_mutex);
      proc_samples++;
      stop = proc_stop;
      g_mutex_unlock (&proc_mutex);
      if (stop)
        return NULL;
      g_usleep (20 * 1000);
    }
}

/* Running the CLI and the key ------------------------------------------- */

typedef struct
{
  char          *what;
  GSubprocess   *process;
  GOutputStream *in;
  GString       *out;
  GString       *err;
  GCancellable  *cancellable;
  char           buffers[2][4096];
  gboolean       exited;
  gboolean       closed[2];
  gboolean       prints_answer;  /* its standard output is a code, by design */
} Proc;

static void proc_read_more (Proc *p, guint which);

static void
on_proc_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Proc *p = user_data;
  guint which = G_INPUT_STREAM (object) == g_subprocess_get_stdout_pipe (p->process) ? 0 : 1;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      p->closed[which] = TRUE;
      return;
    }

  g_string_append_len (which == 0 ? p->out : p->err, p->buffers[which], n);
  proc_read_more (p, which);
}

static void
proc_read_more (Proc  *p,
                guint  which)
{
  GInputStream *stream = which == 0 ? g_subprocess_get_stdout_pipe (p->process)
                                    : g_subprocess_get_stderr_pipe (p->process);

  g_input_stream_read_async (stream, p->buffers[which], sizeof p->buffers[which], G_PRIORITY_DEFAULT,
                             p->cancellable, on_proc_read, p);
}

static void
on_proc_exit (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Proc *p = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  p->exited = TRUE;
}

static void
no_terminal (gpointer user_data)
{
  setsid ();
}

static Proc *
proc_start (const char  *what,
            const char  *program_env,
            const char **args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *program = g_getenv (program_env);
  Proc *p = g_new0 (Proc, 1);

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (char *) program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, no_terminal, NULL, NULL);
  p->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  p->what = g_strdup (what);
  p->in = g_subprocess_get_stdin_pipe (p->process);
  p->out = g_string_new (NULL);
  p->err = g_string_new (NULL);
  p->cancellable = g_cancellable_new ();
  proc_read_more (p, 0);
  proc_read_more (p, 1);
  g_subprocess_wait_async (p->process, NULL, on_proc_exit, p);

  return p;
}

static void
proc_write_line (Proc       *p,
                 const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  g_output_stream_write_all (p->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (p->in, NULL, &error);
  g_assert_no_error (error);
}

/* Waits for @needle on stdout or stderr; returns the rest of its line. */
static char *
proc_wait_for (Proc       *p,
               gboolean    on_stderr,
               const char *needle)
{
  GString *text = on_stderr ? p->err : p->out;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  const char *found;

  while ((found = strstr (text->str, needle)) == NULL)
    {
      if (g_get_monotonic_time () > deadline || (p->exited && p->closed[0] && p->closed[1]))
        g_error ("%s did not print “%s”.\nstdout: %s\nstderr: %s", p->what, needle, p->out->str, p->err->str);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  found += strlen (needle);
  return g_strndup (found, strcspn (found, "\n"));
}

/* Closes standard input, waits for the end, keeps the output as a log. */
static int
proc_finish (Proc *p)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  int status;

  g_output_stream_close (p->in, NULL, NULL);
  while (!p->exited || !p->closed[0] || !p->closed[1])
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not end.\nstdout: %s\nstderr: %s", p->what, p->out->str, p->err->str);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  g_assert_true (g_subprocess_get_if_exited (p->process));
  status = g_subprocess_get_exit_status (p->process);
  g_test_message ("%s → %d\nstdout: %s\nstderr: %s", p->what, status, p->out->str, p->err->str);

  if (!p->prints_answer)
    {
      g_autofree char *name = g_strdup_printf ("%s, standard output", p->what);

      add_log (name, p->out->str);
    }
  {
    g_autofree char *name = g_strdup_printf ("%s, standard error", p->what);

    add_log (name, p->err->str);
  }

  g_cancellable_cancel (p->cancellable);
  g_object_unref (p->cancellable);
  g_object_unref (p->process);
  g_string_free (p->out, TRUE);
  g_string_free (p->err, TRUE);
  g_free (p->what);
  g_free (p);
  return status;
}

/* The demo data --------------------------------------------------------------- */

static const char *
user (TlMode      mode,
      const char *member)
{
  return json_object_get_string_member (tl_test_server_get_user (server, mode), member);
}

static JsonObject *
device (TlMode      mode,
        const char *kind)
{
  return tl_test_server_get_device (server, mode, kind);
}

static const char *
mode_name (TlMode mode)
{
  return mode == TL_MODE_LIVE ? "live" : "paper";
}

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

/* The token the CLI keeps in the keyring for @mode. */
static char *
keyring_token (TlMode mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SecretValue) value = NULL;
  GList *items;
  char *token;

  items = tl_test_keyring_search (&session_schema,
                                  SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, &error,
                                  "base-url", tl_test_server_get_base_url (server, mode), NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  value = secret_retrievable_retrieve_secret_sync (items->data, NULL, &error);
  g_assert_no_error (error);
  g_list_free_full (items, g_object_unref);

  json_parser_load_from_data (parser, secret_value_get_text (value), -1, &error);
  g_assert_no_error (error);
  token = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "token"));
  g_assert_nonnull (token);
  return token;
}

static const char **
cli_args (TlMode       mode,
          const char  *command,
          const char **extra)
{
  GPtrArray *args = g_ptr_array_new ();

  g_ptr_array_add (args, (char *) command);
  g_ptr_array_add (args, (char *) "--server");
  g_ptr_array_add (args, (char *) tl_test_server_get_base_url (server, mode));
  g_ptr_array_add (args, (char *) "--pin-sha256");
  g_ptr_array_add (args, (char *) tl_test_server_get_cert_sha256 (server));
  g_ptr_array_add (args, (char *) "--mode");
  g_ptr_array_add (args, (char *) mode_name (mode));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra[i]);
  g_ptr_array_add (args, NULL);

  return (const char **) g_ptr_array_free (args, FALSE);
}

static Proc *
cli_start (const char  *what,
           TlMode       mode,
           const char  *command,
           const char **extra)
{
  g_autofree const char **args = cli_args (mode, command, extra);

  return proc_start (what, "TL_CLI", args);
}

/* After a login: the token, then status, tickle and logout by the CLI,
 * so that the next login starts afresh. */
static void
after_cli_login (const char *what,
                 TlMode      mode,
                 int         status)
{
  static const char * const commands[] = { "status", "tickle", "logout" };
  g_autofree char *token = NULL;
  g_autofree char *name = NULL;

  g_assert_cmpint (status, ==, 0);
  token = keyring_token (mode);
  name = g_strdup_printf ("session token (%s)", what);
  add_secret (name, token);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *label = g_strdup_printf ("trading-login-cli %s after %s", commands[i], what);
      Proc *p = cli_start (label, mode, commands[i], NULL);

      g_assert_cmpint (proc_finish (p), ==, 0);
    }
}

static char *
totp_now (TlMode mode)
{
  g_autoptr(TlOtpauth) otpauth = NULL;
  g_autoptr(GError) error = NULL;
  char *code;

  otpauth = tl_otpauth_parse (json_object_get_string_member (device (mode, "totp"), "otpauth_uri"), &error);
  g_assert_no_error (error);
  code = tl_totp (otpauth->algorithm, g_bytes_get_data (otpauth->secret, NULL), g_bytes_get_size (otpauth->secret),
                  tl_test_server_now (server), otpauth->period, otpauth->digits, &error);
  g_assert_no_error (error);
  return code;
}

/* The logins ------------------------------------------------------------------ */

static void
test_cli_temp (void)
{
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin",
                          "--device", "temp", "--answer-stdin", "--remember", NULL };
  Proc *p = cli_start ("trading-login-cli login (temporary passcode)", TL_MODE_PAPER, "login", extra);

  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  proc_write_line (p, json_object_get_string_member (device (TL_MODE_PAPER, "temp"), "temp_code"));
  after_cli_login ("CLI, temporary passcode", TL_MODE_PAPER, proc_finish (p));
}

static void
test_cli_totp (void)
{
  const char *extra[] = { "--username", user (TL_MODE_LIVE, "username"), "--password-stdin",
                          "--device", "totp", "--answer-stdin", "--json", NULL };
  g_autofree char *code = totp_now (TL_MODE_LIVE);
  Proc *p = cli_start ("trading-login-cli login (TOTP)", TL_MODE_LIVE, "login", extra);

  add_secret ("TOTP code", code);
  proc_write_line (p, user (TL_MODE_LIVE, "password"));
  proc_write_line (p, code);
  after_cli_login ("CLI, TOTP", TL_MODE_LIVE, proc_finish (p));
}

static void
test_cli_sms (void)
{
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin",
                          "--device", "sms", "--answer-stdin", NULL };
  Proc *p = cli_start ("trading-login-cli login (SMS)", TL_MODE_PAPER, "login", extra);
  g_autofree char *code = NULL;

  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  g_free (proc_wait_for (p, TRUE, "code sent to"));
  code = tl_test_server_read_sms (server);
  g_assert_nonnull (code);
  add_secret ("SMS code", code);
  proc_write_line (p, code);
  after_cli_login ("CLI, SMS", TL_MODE_PAPER, proc_finish (p));
}

static void
test_cli_card (void)
{
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin",
                          "--device", "card", "--answer-stdin", NULL };
  JsonObject *card = json_object_get_object_member (device (TL_MODE_PAPER, "card"), "card");
  Proc *p = cli_start ("trading-login-cli login (code card)", TL_MODE_PAPER, "login", extra);
  g_autoptr(GString) response = g_string_new (NULL);
  g_autofree char *prompt = NULL;
  g_auto(GStrv) words = NULL;

  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  prompt = proc_wait_for (p, TRUE, "positions");
  words = g_strsplit_set (prompt, " ,", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint64 position;

      if (g_ascii_string_to_unsigned (words[i], 10, 1, 10000, &position, NULL))
        g_string_append (response, json_object_get_string_member (card, words[i]));
    }
  g_assert_cmpuint (response->len, >=, 6);
  add_secret ("code card answer", response->str);
  proc_write_line (p, response->str);
  after_cli_login ("CLI, code card", TL_MODE_PAPER, proc_finish (p));
}

static char *
ocra (const char *suite_text,
      GBytes     *key,
      const char *challenge,
      const char *pin)
{
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  TlOcraInput input = { 0 };
  char *response;

  suite = tl_ocra_suite_parse (suite_text, &error);
  g_assert_no_error (error);
  input.question = challenge;
  input.password = pin;
  response = tl_ocra_compute (suite, g_bytes_get_data (key, NULL), g_bytes_get_size (key), &input, &error);
  g_assert_no_error (error);
  return response;
}

static void
test_cli_dsc (void)
{
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin",
                          "--device", "dsc", "--answer-stdin", NULL };
  JsonObject *dsc = device (TL_MODE_PAPER, "dsc");
  Proc *p = cli_start ("trading-login-cli login (card reader)", TL_MODE_PAPER, "login", extra);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *response = NULL;

  key = tl_base64_decode_strict (json_object_get_string_member (dsc, "secret"), 128, &error);
  g_assert_no_error (error);
  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  challenge = proc_wait_for (p, TRUE, "Challenge: ");
  response = ocra ("OCRA-1:HOTP-SHA1-8:QN06-PSHA1", key, challenge, json_object_get_string_member (dsc, "pin"));
  add_secret ("card reader response", response);
  g_free (proc_wait_for (p, TRUE, "card reader"));
  proc_write_line (p, response);
  after_cli_login ("CLI, card reader", TL_MODE_PAPER, proc_finish (p));
}

static void
test_key_activate (void)
{
  const char *args[] = { "activate", "--server", tl_test_server_get_base_url (server, TL_MODE_PAPER),
                         "--pin-sha256", tl_test_server_get_cert_sha256 (server),
                         "--username", user (TL_MODE_PAPER, "username"), "--code-stdin", "--pin-stdin",
                         "--name", "Secrets test phone", NULL };
  Proc *p = proc_start ("trading-key activate", "TL_KEY", args);

  proc_write_line (p, json_object_get_string_member (device (TL_MODE_PAPER, "ibkey"), "activation_code"));
  proc_write_line (p, KEY_PIN);
  g_assert_cmpint (proc_finish (p), ==, 0);

  /* The secret the phone got, as the server keeps it. */
  {
    g_autofree char *path = g_build_filename (tl_test_server_get_data_dir (server), "authd.sqlite3", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT secret FROM devices WHERE id = ?", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    sqlite3_bind_text (stmt, 1, json_object_get_string_member (device (TL_MODE_PAPER, "ibkey"), "id"), -1,
                       SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    {
      g_autofree char *b64 = g_base64_encode (sqlite3_column_blob (stmt, 0),
                                              (gsize) sqlite3_column_bytes (stmt, 0));
      GString *hex = g_string_new (NULL);

      g_assert_cmpint (sqlite3_column_bytes (stmt, 0), >=, 16);
      add_secret ("ibkey device secret (base64)", b64);
      for (int i = 0; i < sqlite3_column_bytes (stmt, 0); i++)
        g_string_append_printf (hex, "%02x", ((const guint8 *) sqlite3_column_blob (stmt, 0))[i]);
      add_secret ("ibkey device secret (hex)", hex->str);
      g_string_free (hex, TRUE);
    }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

static void
test_cli_push (void)
{
  const char *watch_args[] = { "watch", "--approve-all", "--pin-stdin", NULL };
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin",
                          "--device", "ibkey", NULL };
  Proc *watch = proc_start ("trading-key watch --approve-all", "TL_KEY", watch_args);
  Proc *p;
  int watch_status;

  proc_write_line (watch, KEY_PIN);
  g_free (proc_wait_for (watch, FALSE, "Watching for login requests"));

  p = cli_start ("trading-login-cli login (push)", TL_MODE_PAPER, "login", extra);
  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  after_cli_login ("CLI, push", TL_MODE_PAPER, proc_finish (p));

  g_subprocess_send_signal (watch->process, SIGTERM);
  watch_status = proc_finish (watch);
  g_assert_cmpint (watch_status, ==, 0);
}

static void
test_cli_challenge (void)
{
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin",
                          "--device", "ibkey", "--no-push", "--answer-stdin", NULL };
  Proc *p = cli_start ("trading-login-cli login (challenge)", TL_MODE_PAPER, "login", extra);
  g_autofree char *challenge = NULL;
  g_autofree char *response = NULL;

  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  challenge = proc_wait_for (p, TRUE, "Challenge: ");
  {
    const char *args[] = { "respond", challenge, "--pin-stdin", NULL };
    Proc *key = proc_start ("trading-key respond", "TL_KEY", args);

    /* Its standard output is the answer itself, by design; its standard
     * error is checked like every log. */
    key->prints_answer = TRUE;
    proc_write_line (key, KEY_PIN);
    while (!key->closed[0])
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    /* GLib writes debug messages to standard output too: the answer is
     * the line of eight digits. */
    {
      g_auto(GStrv) lines = g_strsplit (key->out->str, "\n", -1);

      for (guint i = 0; lines[i] != NULL && response == NULL; i++)
        if (strlen (lines[i]) == 8 && strspn (lines[i], "0123456789") == 8)
          response = g_strdup (lines[i]);
    }
    g_assert_cmpint (proc_finish (key), ==, 0);
    g_assert_nonnull (response);
  }
  add_secret ("challenge response", response);
  g_free (proc_wait_for (p, TRUE, "response"));
  proc_write_line (p, response);
  after_cli_login ("CLI, challenge", TL_MODE_PAPER, proc_finish (p));
}

static void
test_cli_read_only (void)
{
  const char *extra[] = { "--username", user (TL_MODE_PAPER, "username"), "--password-stdin", "--read-only", NULL };
  Proc *p = cli_start ("trading-login-cli login (read-only)", TL_MODE_PAPER, "login", extra);

  proc_write_line (p, user (TL_MODE_PAPER, "password"));
  after_cli_login ("CLI, read-only", TL_MODE_PAPER, proc_finish (p));
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
await (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The engine the desktop app uses, in this process. */
static void
test_auth_client (void)
{
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER,
                                                              tl_test_server_get_base_url (server, TL_MODE_PAPER),
                                                              tl_test_server_get_cert_sha256 (server));
  g_autoptr(TlAuthClient) client = tl_auth_client_new (profile);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  tl_auth_client_login_async (client, user (TL_MODE_PAPER, "username"), user (TL_MODE_PAPER, "password"), NULL,
                              store_result, &result);
  await (&result);
  g_assert_true (tl_auth_client_login_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_CHOOSE_DEVICE);

  tl_auth_client_select_device_async (client, json_object_get_string_member (device (TL_MODE_PAPER, "temp"), "id"),
                                      NULL, store_result, &result);
  await (&result);
  g_assert_true (tl_auth_client_select_device_finish (client, result, &error));
  g_clear_object (&result);

  tl_auth_client_answer_async (client, json_object_get_string_member (device (TL_MODE_PAPER, "temp"), "temp_code"),
                               NULL, store_result, &result);
  await (&result);
  g_assert_true (tl_auth_client_answer_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  add_secret ("session token (TlAuthClient)", tl_auth_client_get_session (client)->token);

  tl_auth_client_tickle_async (client, NULL, store_result, &result);
  await (&result);
  g_assert_true (tl_auth_client_tickle_finish (client, result, &error));
  g_clear_object (&result);

  tl_auth_client_logout_async (client, NULL, store_result, &result);
  await (&result);
  g_assert_true (tl_auth_client_logout_finish (client, result, &error));
  g_clear_object (&result);
}

/* The checks -------------------------------------------------------------------- */

static void
collect_static_secrets (void)
{
  const TlMode modes[] = { TL_MODE_LIVE, TL_MODE_PAPER };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(TlOtpauth) otpauth = NULL;
      const char *uri = json_object_get_string_member (device (modes[i], "totp"), "otpauth_uri");
      const char *secret = strstr (uri, "secret=");

      add_secret ("password", user (modes[i], "password"));
      if (secret != NULL)
        {
          g_autofree char *value = g_strndup (secret + 7, strcspn (secret + 7, "&"));

          add_secret ("TOTP secret (base32)", value);
        }
      add_secret ("card reader secret", json_object_get_string_member (device (modes[i], "dsc"), "secret"));
      add_secret ("card reader PIN", json_object_get_string_member (device (modes[i], "dsc"), "pin"));
    }

  add_secret ("activation code", json_object_get_string_member (device (TL_MODE_PAPER, "ibkey"), "activation_code"));
  add_secret ("temporary passcode", json_object_get_string_member (device (TL_MODE_PAPER, "temp"), "temp_code"));
  add_secret ("trading-key PIN", KEY_PIN);
}

static void
test_no_secret_in_logs (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint leaks = 0;

  /* The server's own logs, one per start. */
  dir = g_dir_open (tl_test_server_get_data_dir (server), 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".log") && !g_str_equal (name, "sms.log"))
      {
        g_autofree char *path = g_build_filename (tl_test_server_get_data_dir (server), name, NULL);
        g_autofree char *text = NULL;
        gsize length = 0;
        g_autofree char *where = g_strdup_printf ("the server's log %s", name);

        const char *banner, *banner_end;

        g_assert_true (g_file_get_contents (path, &text, &length, NULL));
        /* Debug logging was on: it said something. */
        g_assert_cmpuint (length, >, 0);

        /* Demo mode prints its practice accounts (passwords, codes) for
         * the person who started it, by design, as in demo.json: that
         * block is left out; everything logged before and after is not. */
        banner = strstr (text, "Trading Login demo server\n");
        banner_end = banner != NULL ? strstr (banner, "Press Ctrl+C to stop.\n") : NULL;
        g_assert_nonnull (banner_end);
        memset ((char *) banner, ' ', (gsize) (banner_end - banner));
        add_log (where, text);
      }

  g_mutex_lock (&own_log_mutex);
  add_log ("this process's log (TlAuthClient, libsoup, GLib)", own_log->str);
  g_assert_nonnull (strstr (own_log->str, "tl-http"));
  g_mutex_unlock (&own_log_mutex);

  add_log ("the canary's log", "a line with " CANARY " in it");
  g_test_message ("%u secrets, %u logs", secrets->len, logs->len);
  for (guint i = 0; i < logs->len; i++)
    {
      Log *log = logs->pdata[i];

      leaks += report_secrets_in (log->what, log->text, strlen (log->text));
    }
  /* The canary, and nothing else. */
  g_assert_cmpuint (leaks, ==, 1);
}

static guint
scan_tree (const char *path,
           guint      *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint leaks = 0;

  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        leaks += scan_tree (child, n_files);
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *data = NULL;
          gsize length = 0;

          if (!g_file_get_contents (child, &data, &length, NULL))
            continue;
          (*n_files)++;
          g_test_message ("scanned %s (%" G_GSIZE_FORMAT " bytes)", child, length);
          leaks += report_secrets_in (child, data, length);
        }
    }

  return leaks;
}

/* Every file under HOME and the XDG directories; the keyring files too
 * (encrypted, so nothing may be readable there either). */
static void
test_no_secret_in_files (void)
{
  const char *dirs[] = {
    g_get_home_dir (), g_get_user_config_dir (), g_get_user_data_dir (), g_get_user_cache_dir (),
    g_get_user_state_dir (), g_get_user_runtime_dir (),
  };
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  g_autofree char *canary = g_build_filename (g_get_user_cache_dir (), "canary.txt", NULL);
  g_autoptr(GError) error = NULL;
  guint leaks = 0, n_files = 0;

  /* The CLI did store sessions: the keyring file exists and is not empty. */
  g_assert_true (g_file_test (keyrings, G_FILE_TEST_IS_DIR));
  g_file_set_contents (canary, CANARY, -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (!g_hash_table_contains (done, dirs[i]))
      {
        g_hash_table_add (done, (gpointer) dirs[i]);
        leaks += scan_tree (dirs[i], &n_files);
      }

  g_unlink (canary);
  g_test_message ("%u files scanned", n_files);
  g_assert_cmpuint (n_files, >, 1);
  /* The canary, and nothing else. */
  g_assert_cmpuint (leaks, ==, 1);
}

static void
test_no_secret_in_argv (void)
{
  GHashTableIter iter;
  gpointer key;
  guint leaks = 0, n = 0;

  /* A short-lived process with the canary in its command line. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) canary = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                                                      "sh", "-c", "sleep 0.3", CANARY, NULL);

    g_assert_no_error (error);
    g_subprocess_wait (canary, NULL, &error);
    g_assert_no_error (error);
  }

  g_mutex_lock (&proc_mutex);
  proc_stop = TRUE;
  g_mutex_unlock (&proc_mutex);

  g_mutex_lock (&proc_mutex);
  g_hash_table_iter_init (&iter, proc_seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *text = key;

      n++;
      leaks += report_secrets_in ("a process's command line or environment", text, strlen (text));
    }
  g_test_message ("%u /proc samples, %u different command lines and environments", proc_samples, n);
  g_mutex_unlock (&proc_mutex);

  /* The sampler did see the programs that ran: the canary, and nothing
   * else. */
  g_assert_cmpuint (proc_samples, >, 10);
  g_assert_cmpuint (leaks, ==, 1);
}

/* The server keeps SHA-256 of tokens and SRP verifiers, not the things
 * themselves. */
static void
test_no_token_in_database (void)
{
  g_autoptr(GDir) dir = g_dir_open (tl_test_server_get_data_dir (server), 0, NULL);
  const char *name;
  guint leaks = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "authd.sqlite3"))
      {
        g_autofree char *path = g_build_filename (tl_test_server_get_data_dir (server), name, NULL);
        g_autofree char *data = NULL;
        gsize length = 0;

        g_assert_true (g_file_get_contents (path, &data, &length, NULL));
        for (guint i = 0; i < secrets->len; i++)
          {
            Secret *s = secrets->pdata[i];

            if ((g_str_has_prefix (s->what, "session token") || g_str_equal (s->what, "password") ||
                 g_str_equal (s->what, "temporary passcode") || g_str_equal (s->what, "activation code")) &&
                find_secret (data, length, s) != NULL)
              {
                g_test_message ("found %s in the server's database file %s", s->what, name);
                leaks++;
              }
          }
      }

  g_assert_cmpuint (leaks, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  GThread *sampler;
  int status;

  /* Before anything logs: everything, here and in every child. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  own_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_free);
  logs = g_ptr_array_new_with_free_func ((GDestroyNotify) log_free);
  proc_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sampler = g_thread_new ("proc-sampler", proc_thread, NULL);

  server = tl_test_server_new ();
  collect_static_secrets ();
  add_secret ("the canary", CANARY);

  g_test_add_func ("/tl/secrets/login/cli-temp", test_cli_temp);
  g_test_add_func ("/tl/secrets/login/cli-totp", test_cli_totp);
  g_test_add_func ("/tl/secrets/login/cli-sms", test_cli_sms);
  g_test_add_func ("/tl/secrets/login/cli-card", test_cli_card);
  g_test_add_func ("/tl/secrets/login/cli-card-reader", test_cli_dsc);
  g_test_add_func ("/tl/secrets/login/key-activate", test_key_activate);
  g_test_add_func ("/tl/secrets/login/cli-push", test_cli_push);
  g_test_add_func ("/tl/secrets/login/cli-challenge", test_cli_challenge);
  g_test_add_func ("/tl/secrets/login/cli-read-only", test_cli_read_only);
  g_test_add_func ("/tl/secrets/login/auth-client", test_auth_client);
  g_test_add_func ("/tl/secrets/check/logs", test_no_secret_in_logs);
  g_test_add_func ("/tl/secrets/check/files", test_no_secret_in_files);
  g_test_add_func ("/tl/secrets/check/argv-environ", test_no_secret_in_argv);
  g_test_add_func ("/tl/secrets/check/database", test_no_token_in_database);

  status = g_test_run ();

  g_mutex_lock (&proc_mutex);
  proc_stop = TRUE;
  g_mutex_unlock (&proc_mutex);
  g_thread_join (sampler);

  tl_test_server_free (server);
  g_hash_table_unref (proc_seen);
  g_ptr_array_unref (secrets);
  g_ptr_array_unref (logs);
  g_string_free (own_log, TRUE);
  return status;
}
