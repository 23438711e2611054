/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-connections"

#include "config.h"

#include <string.h>

#include "tl-auth-error.h"
#include "tl-http.h"
#include "tl-pin-database.h"
#include "tl-test-server.h"

/* How libtlauth and trading-authd use connections: the requests of a
 * login share one kept-alive TLS connection, and the server closes
 * connections left idle, so that clients going away never leave
 * descriptors behind (libsoup 3.2 would keep them in CLOSE_WAIT). */

#define IDLE_SECONDS 1

static TlTestServer *server;

typedef struct
{
  GPtrArray *messages;
} Queued;

static void
on_request_queued (SoupSession *session,
                   SoupMessage *msg,
                   Queued      *queued)
{
  g_ptr_array_add (queued->messages, g_object_ref (msg));
}

static TlServerProfile *
pinned_profile (void)
{
  return tl_server_profile_new (TL_MODE_LIVE,
                                tl_test_server_get_base_url (server, TL_MODE_LIVE),
                                tl_test_server_get_cert_sha256 (server));
}

static void
on_request_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* One request through libtlauth's request path, run to its end. */
static JsonObject *
send_request (SoupSession      *session,
              TlServerProfile  *profile,
              const char       *method,
              const char       *path,
              GBytes           *body,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_http_request_async (session, profile, method, path, body, NULL,
                         TL_HTTP_REQUEST_TIMEOUT, NULL, NULL, on_request_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return tl_http_request_finish (result, NULL, error);
}

/* One POST of v1/login/start. */
static void
start_login (SoupSession     *session,
             TlServerProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *text = g_strdup_printf ("{\"username\": \"%s\"}",
                                           json_object_get_string_member (tl_test_server_get_user (server, TL_MODE_LIVE),
                                                                          "username"));
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  answer = send_request (session, profile, "POST", "v1/login/start", body, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (answer, "login_id"));
}

static int
server_pid (void)
{
  const char *data_dir = tl_test_server_get_data_dir (server);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length = 0;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &length, NULL))
        continue;
      /* argv is NUL-separated; look at each argument. */
      for (gsize i = 0; i < length; i += strlen (cmdline + i) + 1)
        if (g_str_equal (cmdline + i, data_dir) && strstr (cmdline, "trading-authd") != NULL)
          return atoi (name);
    }

  g_assert_not_reached ();
  return -1;
}

/* Inodes of TCP sockets that are not listening (from /proc/net/tcp*). */
static GHashTable *
connected_inodes (void)
{
  GHashTable *inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (tables[t], &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          GPtrArray *words = g_ptr_array_new ();

          for (guint f = 0; fields[f] != NULL; f++)
            if (fields[f][0] != '\0')
              g_ptr_array_add (words, fields[f]);
          /* sl local remote st … uid timeout inode; 0A is LISTEN. */
          if (words->len > 9 && !g_str_equal (words->pdata[3], "0A"))
            g_hash_table_add (inodes, g_strdup (words->pdata[9]));
          g_ptr_array_free (words, TRUE);
        }
    }

  return inodes;
}

/* The server's TCP connections, whatever their state (CLOSE_WAIT
 * included), not counting its listening socket. */
static guint
count_connections (int pid)
{
  g_autofree char *dir_path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GHashTable) inodes = connected_inodes ();
  const char *name;
  guint connections = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);
      g_autofree char *inode = NULL;

      if (target == NULL || !g_str_has_prefix (target, "socket:["))
        continue;
      inode = g_strndup (target + strlen ("socket:["), strlen (target) - strlen ("socket:[]"));
      if (g_hash_table_contains (inodes, inode))
        connections++;
    }

  return connections;
}

/* Lets the server's main loop run its idle sweep. */
static void
wait_for_connections (int   pid,
                      guint expected)
{
  /* Idle for IDLE_SECONDS, then a sweep shuts it down and the next one
   * closes it; sweeps run every second. */
  gint64 deadline = g_get_monotonic_time () + (IDLE_SECONDS + 5) * G_USEC_PER_SEC;

  while (count_connections (pid) != expected && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);

  g_assert_cmpuint (count_connections (pid), ==, expected);
}

static void
test_one_connection_per_login (void)
{
  g_autoptr(TlServerProfile) profile = pinned_profile ();
  g_autoptr(SoupSession) session = tl_http_session_new (profile);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  Queued queued = { messages };
  guint64 first;

  g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), &queued);

  for (guint i = 0; i < 4; i++)
    start_login (session, profile);

  g_assert_cmpuint (messages->len, ==, 4);
  first = soup_message_get_connection_id (messages->pdata[0]);
  g_assert_cmpuint (first, !=, 0);
  for (guint i = 1; i < messages->len; i++)
    g_assert_cmpuint (soup_message_get_connection_id (messages->pdata[i]), ==, first);

  /* The pinned session verifies nothing against the system's CAs. */
  g_assert_true (TL_IS_PIN_DATABASE (soup_session_get_tls_database (session)));
}

static void
test_unpinned_uses_system_cas (void)
{
  g_autoptr(TlServerProfile) pinned = pinned_profile ();
  g_autoptr(SoupSession) pinned_session = tl_http_session_new (pinned);
  g_autoptr(TlServerProfile) unpinned = tl_server_profile_new (TL_MODE_LIVE, "https://example.invalid/", NULL);
  g_autoptr(SoupSession) unpinned_session = tl_http_session_new (unpinned);
  GTlsDatabase *database;

  /* What the first request or preconnect of each session does. */
  tl_http_session_apply_trust (pinned_session, pinned);
  tl_http_session_apply_trust (unpinned_session, unpinned);
  g_assert_true (TL_IS_PIN_DATABASE (soup_session_get_tls_database (pinned_session)));
  database = soup_session_get_tls_database (unpinned_session);

  /* Even after a pinned session made the trust-nothing database the
   * process default. */
  g_assert_true (TL_IS_PIN_DATABASE (g_tls_backend_get_default_database (g_tls_backend_get_default ())));
  g_assert_nonnull (database);
  g_assert_false (TL_IS_PIN_DATABASE (database));
}

static void
test_idle_connections_closed (void)
{
  int pid = server_pid ();

  /* Connections of earlier tests go first. */
  wait_for_connections (pid, 0);

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(TlServerProfile) profile = pinned_profile ();
      g_autoptr(SoupSession) session = tl_http_session_new (profile);

      start_login (session, profile);
      g_assert_cmpuint (count_connections (pid), ==, round + 1);
      /* The session goes away and closes its connection while idle. */
    }

  /* Five connections closed by their clients while idle: without the
   * server's sweep they would stay in CLOSE_WAIT for good. */
  wait_for_connections (pid, 0);
}

static void
test_request_after_server_closed_idle (void)
{
  g_autoptr(TlServerProfile) profile = pinned_profile ();
  g_autoptr(SoupSession) session = tl_http_session_new (profile);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  Queued queued = { messages };
  int pid = server_pid ();

  wait_for_connections (pid, 0);
  g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), &queued);

  start_login (session, profile);
  /* A person taking their time between two steps of a login. */
  wait_for_connections (pid, 0);
  start_login (session, profile);

  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpuint (soup_message_get_connection_id (messages->pdata[0]), !=,
                    soup_message_get_connection_id (messages->pdata[1]));
}

/* Run first in a process of its own, the preconnect also loads the TLS
 * backend (in a thread) and sets the session's trust before connecting. */
static void
test_preconnect (void)
{
  g_autoptr(TlServerProfile) profile = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  Queued queued;
  int pid;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  profile = pinned_profile ();
  session = tl_http_session_new (profile);
  messages = g_ptr_array_new_with_free_func (g_object_unref);
  queued.messages = messages;
  pid = server_pid ();
  wait_for_connections (pid, 0);

  tl_http_preconnect (session, profile, NULL);
  while (count_connections (pid) == 0)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (TL_IS_PIN_DATABASE (soup_session_get_tls_database (session)));

  /* Give the handshake time to finish before the request is queued. */
  for (guint i = 0; i < 20; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }

  g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), &queued);
  start_login (session, profile);
  start_login (session, profile);

  /* The requests took over the connection opened ahead. */
  g_assert_cmpuint (count_connections (pid), ==, 1);
  g_assert_cmpuint (messages->len, >=, 2);
  g_assert_cmpuint (soup_message_get_connection_id (messages->pdata[messages->len - 1]), ==,
                    soup_message_get_connection_id (messages->pdata[messages->len - 2]));
}

/* A connection opened ahead to the wrong certificate is refused like any
 * other, and the request says why. */
static void
test_preconnect_wrong_pin (void)
{
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_LIVE,
                                                              tl_test_server_get_base_url (server, TL_MODE_LIVE),
                                                              "0000000000000000000000000000000000000000000000000000000000000000");
  g_autoptr(SoupSession) session = tl_http_session_new (profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  tl_http_preconnect (session, profile, NULL);
  answer = send_request (session, profile, "GET", "v1/session", NULL, &error);
  g_assert_null (answer);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "not the pinned one"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *idle = g_strdup_printf ("%d", IDLE_SECONDS);
  int status;

  g_test_init (&argc, &argv, NULL);

  server = tl_test_server_new_with_args ("--idle-timeout", idle, NULL);

  g_test_add_func ("/tl/server/connections/one-per-login", test_one_connection_per_login);
  g_test_add_func ("/tl/server/connections/unpinned-uses-system-cas", test_unpinned_uses_system_cas);
  g_test_add_func ("/tl/server/connections/preconnect", test_preconnect);
  g_test_add_func ("/tl/server/connections/preconnect-wrong-pin", test_preconnect_wrong_pin);
  g_test_add_func ("/tl/server/connections/idle-closed", test_idle_connections_closed);
  g_test_add_func ("/tl/server/connections/request-after-server-closed-idle",
                   test_request_after_server_closed_idle);

  status = g_test_run ();
  tl_test_server_free (server);
  return status;
}
