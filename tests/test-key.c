/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-key"

#include "config.h"

#include <gio/gio.h>
#include <libsecret/secret.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tl-test-keyring.h"
#include "tl-test-server.h"
#include "tl-test-time.h"
#include "tl-types.h"

/* trading-key against a real trading-authd over TLS, in this test's own
 * keyring. The tests run in order and share the server and the keyring:
 * the device activated first is the one the later tests use. */

#define PIN "1234"
#define MODE TL_MODE_LIVE

static TlTestServer *server;
static char *device_id;

/* Running the key */

static char **
build_argv (const char *first_arg,
            va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *key = g_getenv ("TL_KEY");

  g_assert_nonnull (key);
  g_ptr_array_add (argv, g_strdup (key));
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);

  return (char **) g_ptr_array_free (argv, FALSE);
}

/* Runs trading-key with @stdin_text and returns its exit status. */
static int
run_key (const char  *stdin_text,
         char       **out_stdout,
         char       **out_stderr,
         const char  *first_arg,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_auto(GStrv) argv = NULL;
  char *out = NULL;
  char *err = NULL;
  va_list args;

  va_start (args, first_arg);
  argv = build_argv (first_arg, args);
  va_end (args);

  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text != NULL ? stdin_text : "", NULL,
                                 &out, &err, &error);
  g_assert_no_error (error);

  g_test_message ("trading-key %s → %d\nstdout: %s\nstderr: %s", argv[1],
                  g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1,
                  out, err);

  if (out_stdout != NULL)
    *out_stdout = out;
  else
    g_free (out);
  if (out_stderr != NULL)
    *out_stderr = err;
  else
    g_free (err);

  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* A long-running trading-key (watch) whose output is collected as it
 * comes, while the test drives logins. */
typedef struct
{
  GSubprocess   *process;
  GOutputStream *in;
  GString       *out;
  GString       *err;
  GCancellable  *cancellable;
  char           buffers[2][4096];
  gboolean       exited;
} KeyProcess;

static void read_more (KeyProcess *kp, GInputStream *stream, guint which);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  KeyProcess *kp = user_data;
  GInputStream *stream = G_INPUT_STREAM (object);
  g_autoptr(GError) error = NULL;
  guint which = stream == g_subprocess_get_stdout_pipe (kp->process) ? 0 : 1;
  gssize n;

  n = g_input_stream_read_finish (stream, result, &error);
  if (n <= 0)
    return;

  g_string_append_len (which == 0 ? kp->out : kp->err, kp->buffers[which], n);
  read_more (kp, stream, which);
}

static void
read_more (KeyProcess   *kp,
           GInputStream *stream,
           guint         which)
{
  g_input_stream_read_async (stream, kp->buffers[which], sizeof kp->buffers[which],
                             G_PRIORITY_DEFAULT, kp->cancellable, read_cb, kp);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  KeyProcess *kp = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  kp->exited = TRUE;
}

static KeyProcess *
key_process_start (const char *first_arg,
                   ...)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  KeyProcess *kp = g_new0 (KeyProcess, 1);
  va_list args;

  va_start (args, first_arg);
  argv = build_argv (first_arg, args);
  va_end (args);

  kp->process = g_subprocess_newv ((const char * const *) argv,
                                   G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                   &error);
  g_assert_no_error (error);

  kp->in = g_subprocess_get_stdin_pipe (kp->process);
  kp->out = g_string_new (NULL);
  kp->err = g_string_new (NULL);
  kp->cancellable = g_cancellable_new ();
  read_more (kp, g_subprocess_get_stdout_pipe (kp->process), 0);
  read_more (kp, g_subprocess_get_stderr_pipe (kp->process), 1);
  g_subprocess_wait_async (kp->process, NULL, wait_cb, kp);

  return kp;
}

static void
key_process_write (KeyProcess *kp,
                   const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (kp->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (kp->in, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits until @needle shows in the process's stdout (or stderr) after
 * byte @from, and returns the offset just past it. */
static gsize
key_process_wait_for (KeyProcess *kp,
                      gboolean    on_stderr,
                      const char *needle,
                      gsize       from,
                      guint       timeout_seconds)
{
  GString *text = on_stderr ? kp->err : kp->out;
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_seconds, timeout_cb, &timed_out);
  const char *found = NULL;

  while (!timed_out)
    {
      if (from <= text->len && (found = strstr (text->str + from, needle)) != NULL)
        break;
      if (kp->exited)
        {
          /* Take what is still in the pipes. */
          while (g_main_context_iteration (NULL, FALSE))
            ;
          if (from <= text->len && (found = strstr (text->str + from, needle)) != NULL)
            break;
          g_error ("trading-key exited before printing “%s”.\nstdout: %s\nstderr: %s",
                   needle, kp->out->str, kp->err->str);
        }
      g_main_context_iteration (NULL, TRUE);
    }

  if (!timed_out)
    g_source_remove (id);
  else
    g_error ("trading-key did not print “%s” within %u s.\nstdout: %s\nstderr: %s",
             needle, timeout_seconds, kp->out->str, kp->err->str);

  return (gsize) (found - text->str) + strlen (needle);
}

/* Stops the process with @signum and returns its exit status. */
static int
key_process_stop (KeyProcess *kp,
                  int         signum)
{
  gboolean timed_out = FALSE;
  guint id;
  int status;

  g_subprocess_send_signal (kp->process, signum);
  id = g_timeout_add_seconds (10, timeout_cb, &timed_out);
  while (!kp->exited && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_test_message ("watch stdout: %s\nwatch stderr: %s", kp->out->str, kp->err->str);
  g_assert_true (g_subprocess_get_if_exited (kp->process));
  status = g_subprocess_get_exit_status (kp->process);

  return status;
}

static void
key_process_free (KeyProcess *kp)
{
  if (!kp->exited)
    {
      g_subprocess_force_exit (kp->process);
      while (!kp->exited)
        g_main_context_iteration (NULL, TRUE);
    }
  g_cancellable_cancel (kp->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (kp->cancellable);
  g_object_unref (kp->process);
  g_string_free (kp->out, TRUE);
  g_string_free (kp->err, TRUE);
  g_free (kp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyProcess, key_process_free)

/* The demo user and the server */

static const char *
username_of (TlMode mode)
{
  return json_object_get_string_member (tl_test_server_get_user (server, mode), "username");
}

static const char *
username (void)
{
  return username_of (MODE);
}

static const char *
base_url (void)
{
  return tl_test_server_get_base_url (server, MODE);
}

static char *
json_body (const char *first_member,
           ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_member);
  for (const char *member = first_member; member != NULL; member = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Logs the demo user of @mode in with the password, picks @device,
 * and returns the login id; @out_push_id receives the push. */
static char *
start_push_login_full (TlMode      mode,
                       const char *device,
                       char      **out_push_id)
{
  JsonObject *user = tl_test_server_get_user (server, mode);
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *body = NULL;
  char *login_id = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, mode,
                                          json_object_get_string_member (user, "username"),
                                          json_object_get_string_member (user, "password"),
                                          &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verify, "next"), ==, "second_factor");

  body = json_body ("login_id", login_id, "device_id", device, NULL);
  answer = tl_test_server_send_json (server, mode, "v1/login/second-factor", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "method"), ==, "push");

  *out_push_id = g_strdup (json_object_get_string_member (answer, "push_id"));
  return login_id;
}

static char *
start_push_login (char **out_push_id)
{
  return start_push_login_full (MODE, device_id, out_push_id);
}

/* push/wait until the push is decided (each call is a long poll). */
static JsonObject *
wait_push (const char *login_id,
           const char *push_id,
           double     *out_seconds)
{
  g_autofree char *body = json_body ("login_id", login_id, "push_id", push_id, NULL);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) answer = NULL;
      guint status = 0;

      answer = tl_test_server_send_json (server, MODE, "v1/login/push/wait", body, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      if (g_strcmp0 (json_object_get_string_member (answer, "status"), "pending") != 0)
        {
          if (out_seconds != NULL)
            *out_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
          return g_steal_pointer (&answer);
        }
    }

  g_error ("the push was still pending after three long polls");
  return NULL;
}

static void
assert_session_works_in (TlMode      mode,
                         JsonObject *answer)
{
  g_autoptr(JsonObject) session_info = NULL;
  JsonObject *session = json_object_get_object_member (answer, "session");
  guint status = 0;

  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "username"), ==, username_of (mode));
  session_info = tl_test_server_send_json (server, mode, "v1/session", NULL,
                                           json_object_get_string_member (session, "token"),
                                           &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
assert_session_works (JsonObject *answer)
{
  assert_session_works_in (MODE, answer);
}

/* Tests */

static void
test_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_key (NULL, &out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "activate"));
  g_assert_nonnull (strstr (out, "watch"));
  g_assert_nonnull (strstr (out, "respond"));
  g_assert_nonnull (strstr (out, "Exit status"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_key (NULL, &out, NULL, "watch", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--approve-all"));
  g_assert_nonnull (strstr (out, "--pin-stdin"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_key (NULL, NULL, &err, "fly", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "unknown command"));
  g_clear_pointer (&err, g_free);

  /* A PIN is never an argument. */
  g_assert_cmpint (run_key (NULL, NULL, &err, "code", "--pin", "1234", NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_key (NULL, NULL, &err, "activate", "--server", "http://127.0.0.1/live/",
                            "--username", "alice", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "https"));
}

static void
test_activate_before_spending (void)
{
  JsonObject *device = tl_test_server_get_device (server, MODE, "ibkey");
  const char *code = json_object_get_string_member (device, "activation_code");
  g_autofree char *input = g_strdup_printf ("%s\n12\n", code);
  g_autofree char *err = NULL;

  /* A PIN that breaks the rule stops activation before the code is
   * sent, so the code stays good (the next test uses it). */
  g_assert_cmpint (run_key (input, NULL, &err, "activate", "--server", base_url (),
                            "--pin-sha256", tl_test_server_get_cert_sha256 (server),
                            "--username", username (), "--code-stdin", "--pin-stdin", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "4 to 6 characters"));
  g_clear_pointer (&err, g_free);

  /* Without the pin the self-signed certificate is refused, and its
   * fingerprint shown. */
  g_clear_pointer (&input, g_free);
  input = g_strdup_printf ("%s\n%s\n", code, PIN);
  g_assert_cmpint (run_key (input, NULL, &err, "activate", "--server", base_url (),
                            "--username", username (), "--code-stdin", "--pin-stdin", NULL),
                   ==, 7);
  g_assert_nonnull (strstr (err, "not trusted"));
  {
    g_autofree char *upper = g_ascii_strup (tl_test_server_get_cert_sha256 (server), 2);
    g_assert_nonnull (strstr (err, upper));
  }
  g_clear_pointer (&err, g_free);

  /* A pin that is not the server's certificate: refused as well, even
   * though the code would be good. */
  g_assert_cmpint (run_key (input, NULL, &err, "activate", "--server", base_url (),
                            "--pin-sha256", "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
                                            "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
                            "--username", username (), "--code-stdin", "--pin-stdin", NULL),
                   ==, 7);
  g_assert_nonnull (strstr (err, "does not match the pinned fingerprint"));
}

static void
test_activate_good (void)
{
  JsonObject *device = tl_test_server_get_device (server, MODE, "ibkey");
  const char *code = json_object_get_string_member (device, "activation_code");
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", code, PIN);
  g_autofree char *out = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected_label = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GList) items = NULL;
  GList *found;
  const SecretSchema schema = {
    "io.github.tradinglogin.TradingLogin.Device", SECRET_SCHEMA_NONE,
    {
      { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "device-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  const char *json;

  g_assert_cmpint (run_key (input, &out, NULL, "activate", "--server", base_url (),
                            "--pin-sha256", tl_test_server_get_cert_sha256 (server),
                            "--username", username (), "--name", "Test phone",
                            "--code-stdin", "--pin-stdin", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "Activated “Test phone”"));
  device_id = g_strdup (json_object_get_string_member (device, "id"));
  g_assert_nonnull (strstr (out, device_id));
  g_clear_pointer (&out, g_free);

  /* list shows it, without asking anything. */
  g_assert_cmpint (run_key (NULL, &out, NULL, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, username ()));
  g_assert_nonnull (strstr (out, device_id));
  g_assert_nonnull (strstr (out, "(live)"));
  g_assert_nonnull (strstr (out, "pinned"));
  g_assert_nonnull (strstr (out, "OCRA-1:"));

  /* The keyring item: the schema's attributes, a readable label, and a
   * record whose secret is sealed. */
  found = items = tl_test_keyring_search (&schema,
                                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK |
                                          SECRET_SEARCH_LOAD_SECRETS, &error,
                                          "version", "1",
                                          "username", username (),
                                          "device-id", device_id,
                                          NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (found), ==, 1);
  label = secret_retrievable_get_label (found->data);
  expected_label = g_strdup_printf ("Trading Key device for “%s” on %s", username (), base_url ());
  g_assert_cmpstr (label, ==, expected_label);
  value = secret_retrievable_retrieve_secret_sync (found->data, NULL, &error);
  g_assert_no_error (error);
  json = secret_value_get_text (value);
  g_assert_nonnull (json);
  g_assert_nonnull (strstr (json, "\"sealed_secret\""));
  g_assert_nonnull (strstr (json, "\"aes-256-gcm\""));
  g_assert_null (strstr (json, "\"secret\""));
  g_list_free_full (g_steal_pointer (&items), g_object_unref);
}

static void
test_activate_spent (void)
{
  JsonObject *device = tl_test_server_get_device (server, MODE, "ibkey");
  const char *code = json_object_get_string_member (device, "activation_code");
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", code, PIN);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_key (input, &out, &err, "activate", "--server", base_url (),
                            "--pin-sha256", tl_test_server_get_cert_sha256 (server),
                            "--username", username (), "--code-stdin", "--pin-stdin", NULL),
                   ==, 5);
  g_assert_nonnull (strstr (err, "Activation refused"));
  g_assert_null (strstr (out, "Activated"));
  g_clear_pointer (&out, g_free);

  /* The first device is still the only one. */
  g_assert_cmpint (run_key (NULL, &out, NULL, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, device_id));
  g_assert_null (strstr (strstr (out, device_id) + 1, "Device ID"));
}

static void
test_wrong_pin (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* One wrong PIN and nothing more to try. */
  g_assert_cmpint (run_key ("0000\n", &out, &err, "code", "--pin-stdin", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "Wrong PIN"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Three wrong PINs: the third ends it, even with the right one next. */
  g_assert_cmpint (run_key ("0000\n9999\nabcd\n" PIN "\n", &out, &err,
                            "code", "--pin-stdin", NULL), ==, 4);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "Wrong PIN, 3 times"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Two wrong, then right. */
  g_assert_cmpint (run_key ("0000\n9999\n" PIN "\n", &out, &err,
                            "code", "--pin-stdin", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Wrong PIN. Try again."));
  g_assert_nonnull (strstr (strstr (err, "Wrong PIN. Try again.") + 1, "Wrong PIN. Try again."));
  g_assert_true (g_regex_match_simple ("^[0-9]{6}\n", out, 0, 0));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* No terminal and no --pin-stdin. */
  g_assert_cmpint (run_key (NULL, NULL, &err, "code", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--pin-stdin"));
}

static void
answer_login_full (TlMode       mode,
                   const char  *login_id,
                   const char  *response,
                   guint        expected_status,
                   JsonObject **out_answer)
{
  g_autofree char *body = json_body ("login_id", login_id, "response", response, NULL);
  guint status = 0;
  JsonObject *answer;

  answer = tl_test_server_send_json (server, mode, "v1/login/answer", body, NULL, &status);
  g_assert_cmpuint (status, ==, expected_status);

  if (out_answer != NULL)
    *out_answer = answer;
  else
    json_object_unref (answer);
}

static void
answer_login (const char  *login_id,
              const char  *response,
              guint        expected_status,
              JsonObject **out_answer)
{
  answer_login_full (MODE, login_id, response, expected_status, out_answer);
}

static void
test_code (void)
{
  g_autofree char *out = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autofree char *second_login = NULL;
  g_autofree char *second_push = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_auto(GStrv) lines = NULL;
  int seconds = 0;

  g_assert_cmpint (run_key (PIN "\n", &out, NULL, "code", "--pin-stdin",
                            "--username", username (), NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  g_assert_true (g_regex_match_simple ("^[0-9]{6}$", lines[0], 0, 0));
  g_assert_cmpint (sscanf (lines[1], "Valid for %d more second", &seconds), ==, 1);
  g_assert_cmpint (seconds, >=, 1);
  g_assert_cmpint (seconds, <=, 30);

  /* The code answers a push the phone never got. */
  login_id = start_push_login (&push_id);
  answer_login (login_id, lines[0], 200, &answer);
  assert_session_works (answer);

  /* And only once. */
  second_login = start_push_login (&second_push);
  answer_login (second_login, lines[0], 401, &refused);
  g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "second_factor_failed");
}

static void
test_respond (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) challenge = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *question;
  guint status = 0;

  /* A malformed challenge is refused before the PIN is asked (no input
   * is given: asking would fail differently). */
  g_assert_cmpint (run_key (NULL, &out, &err, "respond", "12ab", "--pin-stdin", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "is not a challenge"));
  g_assert_null (strstr (err, "PIN"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  login_id = start_push_login (&push_id);
  body = json_body ("login_id", login_id, "device_id", device_id, NULL);
  challenge = tl_test_server_send_json (server, MODE, "v1/login/challenge", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  question = json_object_get_string_member (challenge, "challenge");
  g_assert_nonnull (question);

  g_assert_cmpint (run_key (PIN "\n", &out, NULL, "respond", question, "--pin-stdin", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^[0-9]{8}\n$", out, 0, 0));
  response = g_strchomp (g_strdup (out));

  answer_login (login_id, response, 200, &answer);
  assert_session_works (answer);
}

static void
test_push_approve_all (void)
{
  g_autoptr(KeyProcess) watch = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autoptr(JsonObject) decided = NULL;
  double seconds = 0;

  watch = key_process_start ("watch", "--approve-all", "--pin-stdin",
                             "--server", base_url (), NULL);
  key_process_write (watch, PIN "\n");
  key_process_wait_for (watch, FALSE, "Watching for login requests", 0, 30);
  g_assert_nonnull (strstr (watch->err->str, "WARNING: --approve-all"));

  login_id = start_push_login (&push_id);
  decided = wait_push (login_id, push_id, &seconds);
  g_test_message ("approved after %.3f s", seconds);
  g_assert_cmpstr (json_object_get_string_member (decided, "status"), ==, "approved");
  /* As soon as the key answered, not after a polling interval (25 s);
   * the sanitizer build's 3 × 3 s still tells the two apart. */
  g_assert_cmpfloat (seconds, <, tl_test_scaled_seconds (3.0));
  assert_session_works (decided);

  key_process_wait_for (watch, FALSE, "Approved: ", 0, 10);
  g_assert_cmpint (key_process_stop (watch, SIGTERM), ==, 0);
  g_assert_nonnull (strstr (watch->err->str, "Stopped."));
}

static void
test_push_interactive (void)
{
  g_autoptr(KeyProcess) watch = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autoptr(JsonObject) decided = NULL;
  g_autofree char *user_line = NULL;
  double seconds = 0;
  gsize at;

  watch = key_process_start ("watch", "--pin-stdin", "--username", username (), NULL);
  key_process_write (watch, PIN "\n");
  key_process_wait_for (watch, FALSE, "Watching for login requests", 0, 30);
  g_assert_null (strstr (watch->err->str, "WARNING"));

  /* Deny: the request is shown with who, mode, client, where, when. */
  login_id = start_push_login (&push_id);
  at = key_process_wait_for (watch, FALSE, "Login request:", 0, 10);
  at = key_process_wait_for (watch, FALSE, "When:", at, 5);
  user_line = g_strdup_printf ("User:    %s", username ());
  g_assert_nonnull (strstr (watch->out->str, user_line));
  g_assert_nonnull (strstr (watch->out->str, "Mode:    live trading"));
  g_assert_nonnull (strstr (watch->out->str, "Client:"));
  g_assert_nonnull (strstr (watch->out->str, "From:    127.0.0.1"));
  key_process_wait_for (watch, TRUE, "Approve this login?", 0, 5);

  key_process_write (watch, "deny\n");
  decided = wait_push (login_id, push_id, &seconds);
  g_assert_cmpstr (json_object_get_string_member (decided, "status"), ==, "denied");
  g_assert_cmpfloat (seconds, <, tl_test_scaled_seconds (3.0));
  g_assert_false (json_object_has_member (decided, "session") &&
                  !json_object_get_null_member (decided, "session"));
  at = key_process_wait_for (watch, FALSE, "Denied: ", at, 10);
  g_clear_pointer (&decided, json_object_unref);
  g_clear_pointer (&login_id, g_free);
  g_clear_pointer (&push_id, g_free);

  /* Approve, with a wrong PIN first. */
  login_id = start_push_login (&push_id);
  at = key_process_wait_for (watch, FALSE, "Login request:", at, 10);
  key_process_write (watch, "approve\n0000\n" PIN "\n");
  decided = wait_push (login_id, push_id, &seconds);
  g_assert_cmpstr (json_object_get_string_member (decided, "status"), ==, "approved");
  assert_session_works (decided);
  key_process_wait_for (watch, FALSE, "Approved: ", at, 10);
  g_assert_nonnull (strstr (watch->err->str, "Wrong PIN. Try again."));

  g_assert_cmpint (key_process_stop (watch, SIGINT), ==, 0);
}

/* A push that is no longer open (here: the login went on with
 * challenge/response) leaves the authenticator's screen by itself, and
 * the next request is asked about at once. */
static void
test_push_withdrawn (void)
{
  g_autoptr(KeyProcess) watch = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autofree char *next_login_id = NULL;
  g_autofree char *next_push_id = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) challenge = NULL;
  g_autoptr(JsonObject) decided = NULL;
  guint status = 0;
  gsize at, err_at;

  watch = key_process_start ("watch", "--pin-stdin", "--username", username (), NULL);
  key_process_write (watch, PIN "\n");
  key_process_wait_for (watch, FALSE, "Watching for login requests", 0, 30);

  login_id = start_push_login (&push_id);
  at = key_process_wait_for (watch, FALSE, "Login request:", 0, 10);
  err_at = key_process_wait_for (watch, TRUE, "Approve this login?", 0, 5);

  /* "Didn't receive the notification?" */
  body = json_body ("login_id", login_id, "device_id", device_id, NULL);
  challenge = tl_test_server_send_json (server, MODE, "v1/login/challenge", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  /* Within a poll or two, not after a 25 s long poll. */
  at = key_process_wait_for (watch, FALSE, "No longer open: ", at, 8);

  next_login_id = start_push_login (&next_push_id);
  at = key_process_wait_for (watch, FALSE, "Login request:", at + 1, 10);
  key_process_wait_for (watch, TRUE, "Approve this login?", err_at + 1, 5);
  key_process_write (watch, "deny\n");
  decided = wait_push (next_login_id, next_push_id, NULL);
  g_assert_cmpstr (json_object_get_string_member (decided, "status"), ==, "denied");
  key_process_wait_for (watch, FALSE, "Denied: ", at, 10);
  /* The withdrawn request was never answered. */
  g_assert_null (strstr (watch->out->str, "Could not answer"));

  g_assert_cmpint (key_process_stop (watch, SIGINT), ==, 0);
}

static void
test_watch_reconnects (void)
{
  g_autoptr(KeyProcess) watch = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autoptr(JsonObject) decided = NULL;
  gsize at;

  watch = key_process_start ("watch", "--approve-all", "--pin-stdin", NULL);
  key_process_write (watch, PIN "\n");
  key_process_wait_for (watch, FALSE, "Watching for login requests", 0, 30);

  tl_test_server_kill (server, SIGKILL);
  at = key_process_wait_for (watch, TRUE, "Connection lost; retrying in 1 s", 0, 15);
  key_process_wait_for (watch, TRUE, "Connection lost; retrying in 2 s", at, 15);
  /* Once per change of the delay, not once per try. */
  g_assert_null (strstr (strstr (watch->err->str, "retrying in 1 s") + 1, "retrying in 1 s"));

  tl_test_server_restart (server);
  login_id = start_push_login (&push_id);
  decided = wait_push (login_id, push_id, NULL);
  g_assert_cmpstr (json_object_get_string_member (decided, "status"), ==, "approved");
  key_process_wait_for (watch, TRUE, "Connected again", 0, 10);
  key_process_wait_for (watch, FALSE, "Approved: ", 0, 10);

  g_assert_cmpint (key_process_stop (watch, SIGTERM), ==, 0);
}

static char *
activation_code_from (const char *admin_output)
{
  g_autoptr(GRegex) regex = g_regex_new ("activation code: (\\S+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_regex_match (regex, admin_output, 0, &match));
  return g_match_info_fetch (match, 1);
}

static void
test_several_devices (void)
{
  JsonObject *paper_device = tl_test_server_get_device (server, TL_MODE_PAPER, "ibkey");
  const char *paper_url = tl_test_server_get_base_url (server, TL_MODE_PAPER);
  g_autofree char *input = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *code = NULL;
  g_autofree char *old_device = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_auto(GStrv) lines = NULL;

  /* The paper user, on the other profile, with a PIN of its own. */
  input = g_strdup_printf ("%s\n5678\n", json_object_get_string_member (paper_device, "activation_code"));
  g_assert_cmpint (run_key (input, &out, NULL, "activate", "--server", paper_url,
                            "--pin-sha256", tl_test_server_get_cert_sha256 (server),
                            "--username", username_of (TL_MODE_PAPER),
                            "--code-stdin", "--pin-stdin", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "(paper)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&input, g_free);

  /* A new phone for the live user: it replaces the old item. */
  admin = tl_test_server_admin (server, NULL, "device", "add", username (), "--kind", "ibkey",
                                "--mode", "live", "--label", "New phone", NULL);
  code = activation_code_from (admin);
  input = g_strdup_printf ("%s\n" PIN "\n", code);
  g_assert_cmpint (run_key (input, &out, NULL, "activate", "--server", base_url (),
                            "--pin-sha256", tl_test_server_get_cert_sha256 (server),
                            "--username", username (), "--code-stdin", "--pin-stdin", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Replaced the earlier device"));
  g_assert_nonnull (strstr (out, device_id));
  old_device = g_steal_pointer (&device_id);
  {
    g_autoptr(GRegex) regex = g_regex_new ("Device ID: (\\S+)", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;

    g_assert_true (g_regex_match (regex, out, 0, &match));
    device_id = g_match_info_fetch (match, 1);
  }
  g_assert_cmpstr (device_id, !=, old_device);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_key (NULL, &out, NULL, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, device_id));
  g_assert_nonnull (strstr (out, json_object_get_string_member (paper_device, "id")));
  g_assert_null (strstr (out, old_device));
  g_clear_pointer (&out, g_free);

  /* Which one? The key does not guess. */
  g_assert_cmpint (run_key (PIN "\n", &out, &err, "code", "--pin-stdin", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "Several devices match"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The paper device's code, with the paper PIN, logs the paper user in
   * (in a fresh 30 s step of its own device, so no reuse). */
  g_assert_cmpint (run_key ("5678\n", &out, NULL, "code", "--pin-stdin",
                            "--server", paper_url, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  login_id = start_push_login_full (TL_MODE_PAPER, json_object_get_string_member (paper_device, "id"),
                                    &push_id);
  answer_login_full (TL_MODE_PAPER, login_id, lines[0], 200, &answer);
  assert_session_works_in (TL_MODE_PAPER, answer);

  /* The new live device works. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&login_id, g_free);
  g_clear_pointer (&push_id, g_free);
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpint (run_key (PIN "\n", &out, NULL, "code", "--pin-stdin",
                            "--username", username (), NULL), ==, 0);
  g_strfreev (lines);
  lines = g_strsplit (out, "\n", -1);
  login_id = start_push_login (&push_id);
  answer_login (login_id, lines[0], 200, &answer);
  assert_session_works (answer);
}

static void
test_remove (void)
{
  const char *paper_url = tl_test_server_get_base_url (server, TL_MODE_PAPER);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_key (NULL, NULL, &err, "remove", "--username", "nobody", NULL), ==, 3);
  g_clear_pointer (&err, g_free);

  /* Two devices: remove needs to know which. */
  g_assert_cmpint (run_key (NULL, NULL, &err, "remove", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "Several devices match"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_key (NULL, &out, NULL, "remove", "--username", username (),
                            "--server", base_url (), NULL), ==, 0);
  g_assert_nonnull (strstr (out, device_id));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_key (NULL, &out, NULL, "list", NULL), ==, 0);
  g_assert_null (strstr (out, device_id));
  g_assert_nonnull (strstr (out, paper_url));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_key (NULL, &out, NULL, "remove", "--server", paper_url, NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_key (NULL, &out, &err, "list", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "No device is enrolled"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_key (PIN "\n", NULL, &err, "code", "--pin-stdin", NULL), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = tl_test_server_new ();

  /* One flat suite: GTest runs a suite's own tests in the order added
   * (and sub-suites after them), and these build on each other. */

  g_test_add_func ("/tl/key/help", test_help);
  g_test_add_func ("/tl/key/activate-checks-first", test_activate_before_spending);
  g_test_add_func ("/tl/key/activate", test_activate_good);
  g_test_add_func ("/tl/key/activate-spent", test_activate_spent);
  g_test_add_func ("/tl/key/wrong-pin", test_wrong_pin);
  g_test_add_func ("/tl/key/code", test_code);
  g_test_add_func ("/tl/key/respond", test_respond);
  g_test_add_func ("/tl/key/push-approve-all", test_push_approve_all);
  g_test_add_func ("/tl/key/push-interactive", test_push_interactive);
  g_test_add_func ("/tl/key/push-withdrawn", test_push_withdrawn);
  g_test_add_func ("/tl/key/watch-reconnects", test_watch_reconnects);
  g_test_add_func ("/tl/key/several-devices", test_several_devices);
  g_test_add_func ("/tl/key/remove", test_remove);

  status = g_test_run ();

  tl_test_server_free (server);
  g_free (device_id);

  return status;
}
