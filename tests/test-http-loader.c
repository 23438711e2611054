/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-http-loader"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tl-auth-client.h"
#include "tl-auth-error.h"
#include "tl-test-client.h"
#include "tl-test-server.h"

/* The desktop app's tl-http (src/app/tl-http-loader.c, linked here in
 * place of libtlauth's, as in trading-login): the tlhttp module loads
 * when the window asks for the TLS backend, logins then go through it
 * against the real trading-authd, and a missing module gives an error
 * that says what to do. That trading-login itself does not link libsoup
 * is test-app-libraries.py's to check: this program does, for
 * tl-test-server.c. */

static gboolean
mapped (const char *library)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, library) != NULL;
}

static TlAuthClient *
client_for (TlTestServer *s,
            TlMode        mode)
{
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (mode,
                                                              tl_test_server_get_base_url (s, mode),
                                                              tl_test_server_get_cert_sha256 (s));

  return tl_auth_client_new (profile);
}

static void
test_login_through_module (void)
{
  TlTestServer *s;
  g_autoptr(TlAuthClient) client = NULL;
  g_autoptr(TlAuthClient) wrong = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *user;
  gint64 deadline;

  g_assert_false (mapped ("libtlhttp"));

  /* What its window does after the first frame: the module and the TLS
   * backend load in a worker while the main loop goes on. */
  tl_auth_client_load_tls_backend ();
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!mapped ("libtlhttp") && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (mapped ("libtlhttp"));

  s = tl_test_server_new ();
  user = tl_test_server_get_user (s, TL_MODE_PAPER);

  client = client_for (s, TL_MODE_PAPER);
  g_assert_true (tl_test_client_login (client,
                                       json_object_get_string_member (user, "username"),
                                       json_object_get_string_member (user, "password"),
                                       &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_CHOOSE_DEVICE);

  /* The server's error answers come back through the module too. */
  wrong = client_for (s, TL_MODE_PAPER);
  g_assert_false (tl_test_client_login (wrong, json_object_get_string_member (user, "username"),
                                        "not the password", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_true (strstr (error->message, "Invalid username or password") != NULL);

  g_clear_object (&wrong);
  g_clear_object (&client);
  tl_test_server_free (s);
}

static void
test_missing_module (void)
{
  g_autofree char *empty = NULL;
  g_autoptr(TlServerProfile) profile = NULL;
  g_autoptr(TlAuthClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      /* The module is loaded once per process. */
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*Could not load the network module*");
      return;
    }

  empty = g_dir_make_tmp ("tl-http-loader-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("TL_HTTP_MODULE_DIR", empty, TRUE);

  profile = tl_server_profile_new (TL_MODE_PAPER, "https://127.0.0.1:9/paper/",
                                   "0000000000000000000000000000000000000000000000000000000000000000");
  client = tl_auth_client_new (profile);
  g_assert_false (tl_test_client_login (client, "alice", "a password", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK);
  g_assert_true (strstr (error->message, "could not load its network module") != NULL);
  g_assert_true (strstr (error->message, "Reinstall Trading Login") != NULL);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_false (mapped ("libtlhttp"));

  g_clear_object (&client);
  g_rmdir (empty);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tl/http-loader/login-through-module", test_login_through_module);
  g_test_add_func ("/tl/http-loader/missing-module", test_missing_module);

  return g_test_run ();
}
