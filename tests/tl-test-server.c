/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-test-server"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <string.h>

#include "tl-message.h"
#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-srp.h"
#include "tl-pin-database.h"
#include "tl-test-server.h"

#define START_TIMEOUT_SECONDS 20

struct _TlTestServer
{
  char        *dir;
  char        *authd;
  GStrv        extra_args;
  GSubprocess *process;
  guint        port;
  guint        n_starts;
  JsonObject  *demo;
  char        *base_urls[2];
  char        *cert_sha256;
  char        *clock_file;
  char        *log_path;
  gint64       clock_offset;
  SoupSession *session;
};

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }

  g_rmdir (path);
}

static void
load_demo_json (TlTestServer *s,
                const char   *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  JsonObject *base_urls;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);

  g_clear_pointer (&s->demo, json_object_unref);
  s->demo = tl_message_parse (text, length, &error);
  g_assert_no_error (error);

  base_urls = json_object_get_object_member (s->demo, "base_urls");
  g_assert_nonnull (base_urls);
  for (guint i = 0; i < 2; i++)
    {
      g_free (s->base_urls[i]);
      s->base_urls[i] = g_strdup (json_object_get_string_member (base_urls, i == 0 ? "live" : "paper"));
      g_assert_nonnull (s->base_urls[i]);
    }

  g_free (s->cert_sha256);
  s->cert_sha256 = g_strdup (json_object_get_string_member (s->demo, "cert_sha256"));
  g_assert_cmpuint (strlen (s->cert_sha256), ==, 64);

  {
    g_autoptr(GUri) uri = g_uri_parse (s->base_urls[0], G_URI_FLAGS_NONE, &error);

    g_assert_no_error (error);
    s->port = (guint) g_uri_get_port (uri);
  }
}

/* In the child, before exec: a test that crashes (a failed g_assert)
 * must not leave its server running forever. */
static void
die_with_parent (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () != parent)
    _exit (1);
}

static void
spawn (TlTestServer *s)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *demo_json = g_build_filename (s->dir, "demo.json", NULL);
  g_autofree char *log_name = NULL;
  g_autofree char *log_path = NULL;
  gint64 deadline;
  GStatBuf old_stat = { 0 };
  GStatBuf new_stat = { 0 };
  gboolean had_old;

  /* A restart must be seen to write demo.json anew (the server reads the
   * old one to reuse its one-time codes): it replaces the file, so the
   * inode changes. */
  had_old = g_stat (demo_json, &old_stat) == 0;

  g_ptr_array_add (argv, g_strdup (s->authd));
  g_ptr_array_add (argv, g_strdup ("demo"));
  g_ptr_array_add (argv, g_strdup (s->dir));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", s->port));
  g_ptr_array_add (argv, g_strdup ("--clock-offset-file"));
  g_ptr_array_add (argv, g_strdup (s->clock_file));
  for (guint i = 0; s->extra_args != NULL && s->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (s->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  log_name = g_strdup_printf ("server-%u.log", ++s->n_starts);
  log_path = g_build_filename (s->dir, log_name, NULL);
  g_free (s->log_path);
  s->log_path = g_strdup (log_path);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  /* Criticals still abort the server; its logged warnings (a failed SMS
   * command, say) are part of normal operation. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  /* The sanitizer build records whole allocation stacks for the server
   * (tests/meson.build): its leak check must tell libsoup's own leaks
   * from the server's, and that takes whole stacks. Later options win. */
  if (g_getenv ("TL_TEST_AUTHD_ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strjoin (":", g_getenv ("ASAN_OPTIONS") != NULL ? g_getenv ("ASAN_OPTIONS") : "",
                                            g_getenv ("TL_TEST_AUTHD_ASAN_OPTIONS"), NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, GINT_TO_POINTER (getpid ()), NULL);

  g_clear_object (&s->process);
  s->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + START_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  while (g_stat (demo_json, &new_stat) != 0 ||
         (had_old && new_stat.st_ino == old_stat.st_ino && new_stat.st_mtime == old_stat.st_mtime))
    {
      if (g_get_monotonic_time () > deadline || g_subprocess_get_identifier (s->process) == NULL)
        {
          g_autofree char *log = NULL;

          g_file_get_contents (log_path, &log, NULL, NULL);
          g_error ("trading-authd did not write %s; its output:\n%s", demo_json, log);
        }

      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }

  load_demo_json (s, demo_json);
}

TlTestServer *
tl_test_server_new (void)
{
  return tl_test_server_new_with_args (NULL, NULL);
}

TlTestServer *
tl_test_server_new_with_args (const char *first_arg,
                              ...)
{
  TlTestServer *s = g_new0 (TlTestServer, 1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  const char *authd = g_getenv ("TL_AUTHD");
  va_list args;

  g_assert_nonnull (authd);
  s->authd = g_strdup (authd);

  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_strv_builder_add (builder, arg);
  va_end (args);
  s->extra_args = g_strv_builder_end (builder);

  s->dir = g_dir_make_tmp ("tl-authd-XXXXXX", &error);
  g_assert_no_error (error);
  s->clock_file = g_build_filename (s->dir, "clock-offset", NULL);
  tl_test_server_set_clock_offset (s, 0);

  spawn (s);
  return s;
}

static void
stop (TlTestServer *s,
      int           signum)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&s->session);
  if (s->process == NULL)
    return;

  g_subprocess_send_signal (s->process, signum);
  g_subprocess_wait (s->process, NULL, &error);
  g_assert_no_error (error);

  /* A graceful shutdown is a clean exit. In the sanitizer build a leak
   * or other finding in the server makes it exit with 1 and print the
   * report into its log: show it, or the failure says nothing. */
  if ((signum == SIGTERM || signum == SIGINT) &&
      (!g_subprocess_get_if_exited (s->process) || g_subprocess_get_exit_status (s->process) != 0))
    {
      g_autofree char *log = NULL;
      gsize length = 0;
      gsize shown;

      g_file_get_contents (s->log_path, &log, &length, NULL);
      shown = MIN (length, 32 * 1024);
      g_error ("trading-authd did not exit cleanly (%s %d); the end of its output:\n%s",
               g_subprocess_get_if_exited (s->process) ? "status" : "signal",
               g_subprocess_get_if_exited (s->process) ? g_subprocess_get_exit_status (s->process)
                                                        : g_subprocess_get_term_sig (s->process),
               log != NULL ? log + length - shown : "(no log)");
    }

  g_clear_object (&s->process);
}

void
tl_test_server_free (TlTestServer *s)
{
  if (s == NULL)
    return;

  stop (s, SIGTERM);
  remove_tree (s->dir);

  g_clear_pointer (&s->demo, json_object_unref);
  g_free (s->base_urls[0]);
  g_free (s->base_urls[1]);
  g_free (s->cert_sha256);
  g_free (s->clock_file);
  g_free (s->log_path);
  g_strfreev (s->extra_args);
  g_free (s->authd);
  g_free (s->dir);
  g_free (s);
}

const char *
tl_test_server_get_data_dir (TlTestServer *s)
{
  return s->dir;
}

const char *
tl_test_server_get_base_url (TlTestServer *s,
                             TlMode        mode)
{
  return s->base_urls[mode == TL_MODE_PAPER ? 1 : 0];
}

const char *
tl_test_server_get_cert_sha256 (TlTestServer *s)
{
  return s->cert_sha256;
}

JsonObject *
tl_test_server_get_user (TlTestServer *s,
                         TlMode        mode)
{
  JsonArray *users = json_object_get_array_member (s->demo, "users");

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_strcmp0 (json_object_get_string_member (user, "mode"), tl_mode_to_string (mode)) == 0)
        return user;
    }

  g_assert_not_reached ();
}

JsonObject *
tl_test_server_get_device (TlTestServer *s,
                           TlMode        mode,
                           const char   *kind)
{
  JsonArray *devices = json_object_get_array_member (tl_test_server_get_user (s, mode), "devices");

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_strcmp0 (json_object_get_string_member (device, "kind"), kind) == 0)
        return device;
    }

  g_error ("demo.json has no %s device of kind %s", tl_mode_to_string (mode), kind);
}

static int
admin_valist (TlTestServer  *s,
              const char    *stdin_text,
              char         **out_stdout,
              char         **out_stderr,
              const char    *first_arg,
              va_list        args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, s->authd);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, s->dir);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, stdin_text != NULL ? stdin_text : "", NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

char *
tl_test_server_admin (TlTestServer *s,
                      const char   *stdin_text,
                      const char   *arg,
                      ...)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  int status;

  va_start (args, arg);
  status = admin_valist (s, stdin_text, &out, &err, arg, args);
  va_end (args);

  if (status != 0)
    g_error ("trading-authd %s … exited with %d:\n%s%s", arg, status, out, err);

  return g_steal_pointer (&out);
}

int
tl_test_server_admin_full (TlTestServer  *s,
                           const char    *stdin_text,
                           char         **out_stdout,
                           char         **out_stderr,
                           const char    *arg,
                           ...)
{
  va_list args;
  int status;

  va_start (args, arg);
  status = admin_valist (s, stdin_text, out_stdout, out_stderr, arg, args);
  va_end (args);

  return status;
}

void
tl_test_server_kill (TlTestServer *s,
                     int           signum)
{
  stop (s, signum);
}

void
tl_test_server_restart (TlTestServer *s)
{
  stop (s, SIGTERM);
  spawn (s);
}

void
tl_test_server_set_clock_offset (TlTestServer *s,
                                 gint64        seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT "\n", seconds);

  g_file_set_contents (s->clock_file, text, -1, &error);
  g_assert_no_error (error);
  s->clock_offset = seconds;
}

gint64
tl_test_server_get_clock_offset (TlTestServer *s)
{
  return s->clock_offset;
}

gint64
tl_test_server_now (TlTestServer *s)
{
  return g_get_real_time () / G_USEC_PER_SEC + s->clock_offset;
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  const char *pin = user_data;
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *fingerprint = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);

  return g_strcmp0 (fingerprint, pin) == 0;
}

static void
free_pin (gpointer  data,
          GClosure *closure)
{
  g_free (data);
}

/* The server's certificate is self-signed, so no CA can vouch for it:
 * the pin on each message decides. glib-networking 2.74 builds a trust
 * list from the whole system CA bundle for every new connection, and
 * libsoup 3.2 creates each connection on the backend's default database
 * before it applies the session's own: that parse is most of the CPU a
 * test's requests cost, and far more in the sanitizer build, where each
 * of its 10^5 allocations is recorded. A database that trusts nothing,
 * as the process default, parses nothing. */
void
tl_test_use_pin_database (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      g_autoptr(GTlsDatabase) database = tl_pin_database_new ();

      g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
      g_once_init_leave (&installed, 1);
    }
}

SoupSession *
tl_test_server_new_soup_session (TlTestServer *s)
{
  tl_test_use_pin_database ();
  return soup_session_new_with_options ("timeout", 60, "max-conns-per-host", 64, "max-conns", 128, NULL);
}

SoupMessage *
tl_test_server_new_message (TlTestServer *s,
                            TlMode        mode,
                            const char   *path,
                            const char   *json_body,
                            const char   *bearer)
{
  g_autofree char *url = g_strconcat (tl_test_server_get_base_url (s, mode), path, NULL);
  SoupMessage *msg = soup_message_new (json_body != NULL ? "POST" : "GET", url);

  g_assert_nonnull (msg);
  g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (on_accept_certificate),
                         g_strdup (s->cert_sha256), free_pin, 0);

  if (json_body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  return msg;
}

static JsonObject *
send_message (TlTestServer *s,
              SoupMessage  *msg,
              guint        *out_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonObject *object;

  if (s->session == NULL)
    s->session = tl_test_server_new_soup_session (s);

  body = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);

  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);

  object = tl_message_parse_bytes (body, NULL);
  return object;
}

JsonObject *
tl_test_server_send_json (TlTestServer *s,
                          TlMode        mode,
                          const char   *path,
                          const char   *json_body,
                          const char   *bearer,
                          guint        *out_status)
{
  g_autoptr(SoupMessage) msg = tl_test_server_new_message (s, mode, path, json_body, bearer);
  JsonObject *object = send_message (s, msg, out_status);

  if (object == NULL)
    g_error ("%s answered %u without a JSON object", path, soup_message_get_status (msg));

  return object;
}

JsonObject *
tl_test_server_send_raw (TlTestServer *s,
                         TlMode        mode,
                         const char   *path,
                         GBytes       *body,
                         guint        *out_status)
{
  g_autoptr(SoupMessage) msg = tl_test_server_new_message (s, mode, path, NULL, NULL);

  soup_message_set_method (msg, "POST");
  soup_message_set_request_body_from_bytes (msg, "application/json", body);

  return send_message (s, msg, out_status);
}

char *
tl_test_server_read_sms (TlTestServer *s)
{
  g_autofree char *path = g_build_filename (s->dir, "sms.log", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;
  const char *code;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  lines = g_strsplit (g_strstrip (text), "\n", -1);
  n = g_strv_length (lines);
  if (n == 0 || (code = strstr (lines[n - 1], "code ")) == NULL)
    return NULL;

  return g_strdup (code + strlen ("code "));
}

static char *
bytes_to_base64 (GBytes *bytes)
{
  gsize length;
  const guchar *data = g_bytes_get_data (bytes, &length);

  return g_base64_encode (data, length);
}

TlSrpClient *
tl_test_server_start_login (TlTestServer  *s,
                            TlMode         mode,
                            const char    *username,
                            const char    *password,
                            char         **out_login_id,
                            JsonObject   **out_start_body,
                            guint         *out_status)
{
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  TlSrpClient *client;
  JsonObject *srp;
  guint status = 0;

  request = g_strdup_printf ("{\"username\": \"%s\", \"client\": {\"name\": \"test\", \"version\": \"1\"}}",
                             username);
  start = tl_test_server_send_json (s, mode, "v1/login/start", request, NULL, &status);
  if (out_status != NULL)
    *out_status = status;
  if (status != 200)
    {
      if (out_start_body != NULL)
        *out_start_body = g_steal_pointer (&start);
      return NULL;
    }

  srp = json_object_get_object_member (start, "srp");
  salt = tl_message_get_base64 (srp, "salt", 1024, &error);
  g_assert_no_error (error);
  B = tl_message_get_base64 (srp, "B", 1024, &error);
  g_assert_no_error (error);

  client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, username, password, salt, B, &error);
  g_assert_no_error (error);

  *out_login_id = g_strdup (json_object_get_string_member (start, "login_id"));
  if (out_start_body != NULL)
    *out_start_body = g_steal_pointer (&start);
  return client;
}

JsonObject *
tl_test_server_verify_login (TlTestServer *s,
                             TlMode        mode,
                             const char   *login_id,
                             TlSrpClient  *client,
                             guint        *out_status)
{
  g_autoptr(GBytes) A_bytes = tl_srp_client_get_A (client);
  g_autoptr(GBytes) M1_bytes = tl_srp_client_get_M1 (client);
  g_autofree char *A = bytes_to_base64 (A_bytes);
  g_autofree char *M1 = bytes_to_base64 (M1_bytes);
  g_autofree char *request = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *verify;
  guint status = 0;

  request = g_strdup_printf ("{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}", login_id, A, M1);
  verify = tl_test_server_send_json (s, mode, "v1/login/verify", request, NULL, &status);
  if (out_status != NULL)
    *out_status = status;

  if (status == 200)
    {
      g_autoptr(GBytes) M2 = tl_message_get_base64 (verify, "M2", 64, &error);

      g_assert_no_error (error);
      tl_srp_client_verify_M2 (client, M2, &error);
      g_assert_no_error (error);
    }

  return verify;
}

JsonObject *
tl_test_server_login_password (TlTestServer  *s,
                               TlMode         mode,
                               const char    *username,
                               const char    *password,
                               char         **out_login_id,
                               guint         *out_status)
{
  g_autoptr(TlSrpClient) client = NULL;
  g_autofree char *login_id = NULL;
  JsonObject *start = NULL;

  client = tl_test_server_start_login (s, mode, username, password, &login_id, &start, out_status);
  if (client == NULL)
    return start;
  json_object_unref (start);

  if (out_login_id != NULL)
    *out_login_id = g_strdup (login_id);

  return tl_test_server_verify_login (s, mode, login_id, client, out_status);
}

char *
tl_test_server_totp_code (TlTestServer *s,
                          TlMode        mode,
                          gint64        unix_time)
{
  JsonObject *device = tl_test_server_get_device (s, mode, "totp");
  g_autoptr(TlOtpauth) params = NULL;
  g_autoptr(GError) error = NULL;
  gsize key_length;
  const guint8 *key;
  char *code;

  params = tl_otpauth_parse (json_object_get_string_member (device, "otpauth_uri"), &error);
  g_assert_no_error (error);

  key = g_bytes_get_data (params->secret, &key_length);
  code = tl_totp (params->algorithm, key, key_length, unix_time, params->period, params->digits, &error);
  g_assert_no_error (error);

  return code;
}

JsonObject *
tl_test_server_login_totp (TlTestServer *s,
                           TlMode        mode,
                           int           step_offset)
{
  JsonObject *user = tl_test_server_get_user (s, mode);
  JsonObject *device = tl_test_server_get_device (s, mode, "totp");
  g_autoptr(JsonObject) verify = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *login_id = NULL;
  g_autofree char *request = NULL;
  g_autofree char *code = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (s, mode, json_object_get_string_member (user, "username"),
                                          json_object_get_string_member (user, "password"),
                                          &login_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verify, "next"), ==, "second_factor");

  request = g_strdup_printf ("{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id,
                             json_object_get_string_member (device, "id"));
  chosen = tl_test_server_send_json (s, mode, "v1/login/second-factor", request, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (chosen, "method"), ==, "code");

  code = tl_test_server_totp_code (s, mode, tl_test_server_now (s) + step_offset * 30);
  g_free (request);
  request = g_strdup_printf ("{\"login_id\": \"%s\", \"response\": \"%s\"}", login_id, code);
  answer = tl_test_server_send_json (s, mode, "v1/login/answer", request, NULL, &status);
  if (status != 200)
    g_error ("TOTP answer refused (%u): %s", status, json_object_get_string_member (answer, "error"));

  return json_object_ref (json_object_get_object_member (answer, "session"));
}

JsonObject *
tl_test_server_post (TlTestServer *self,
                     TlMode        mode,
                     const char   *path,
                     guint        *out_status,
                     const char   *format,
                     ...)
{
  g_autofree char *body = NULL;
  va_list args;

  va_start (args, format);
  body = g_strdup_vprintf (format, args);
  va_end (args);

  return tl_test_server_send_json (self, mode, path, body, NULL, out_status);
}

void
tl_test_assert_error (JsonObject *body,
                      guint       status,
                      guint       expected_status,
                      const char *expected_code)
{
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_nonnull (body);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, expected_code);
}
