/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-app-flatpak"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-app-util.h"
#include "tl-demo-import.h"
#include "tl-test-server.h"
#include "tl-login-page.h"
#include "tl-preferences-window.h"
#include "tl-sandbox.h"
#include "tl-session-page.h"
#include "tl-window.h"

/* What the app does for Flatpak, through the real windows and a real
 * trading-authd demo:
 *
 * - "Use a Demo Server…" in Preferences opens a file chooser for the
 *   demo's demo.json. Inside a sandbox GtkFileChooserNative is the
 *   portal's chooser; here, with no portal, it is the GTK dialog it falls
 *   back to, which the test drives as a person would: the file chosen,
 *   Use pressed. Then a login to the demo works.
 * - What the app says inside a sandbox about starting a trading program.
 *   This program's tl-sandbox.c looks for TL_FLATPAK_INFO (set in
 *   tests/meson.build) instead of /.flatpak-info, so that a test can
 *   make the marker and remove it again. */

static TlTestServer *server;
static GSettings *settings;

static void
reset_settings (void)
{
  const char *keys[] = {
    "use-demo", "demo-data-dir", "live-url", "paper-url", "live-pin-sha256", "paper-pin-sha256",
    "last-mode", "launch-command-live", "launch-command-paper",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static void
set_sandboxed (gboolean sandboxed)
{
  if (sandboxed)
    {
      g_autoptr(GError) error = NULL;

      g_file_set_contents (TL_FLATPAK_INFO, "[Application]\nname=" BASE_APP_ID "\n", -1, &error);
      g_assert_no_error (error);
    }
  else
    {
      g_unlink (TL_FLATPAK_INFO);
    }
  g_assert_cmpint (tl_sandbox_is_flatpak (), ==, sandboxed);
}

static GtkWidget *
prefs_child (TlPreferencesWindow *prefs,
             const char          *name)
{
  return tl_test_app_template_child (GTK_WIDGET (prefs), TL_TYPE_PREFERENCES_WINDOW, name);
}

static GtkWidget *
login_child (TlWindow   *window,
             const char *name)
{
  return tl_test_app_template_child (GTK_WIDGET (tl_window_get_page (window, "login")),
                                     TL_TYPE_LOGIN_PAGE, name);
}

static TlWindow *
new_window (void)
{
  TlWindow *window = tl_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  TL_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);
  tl_test_app_wait_first_frame (GTK_WIDGET (window));
  tl_test_app_spin (200);

  return window;
}

static TlPreferencesWindow *
open_preferences (TlWindow *window)
{
  TlPreferencesWindow *prefs = tl_preferences_window_new (GTK_WINDOW (window));

  /* Tall enough for the screenshots to show the whole page. */
  gtk_window_set_default_size (GTK_WINDOW (prefs), 480, 1100);
  gtk_window_present (GTK_WINDOW (prefs));
  TL_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (prefs)), 5000);

  return prefs;
}

static GtkFileChooser *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return GTK_FILE_CHOOSER (window);
    }

  return NULL;
}

/* Activates "Use a Demo Server…", waits for the chooser, and either
 * chooses @path and presses Use, or (@path NULL) presses Cancel. */
static void
choose_demo (TlPreferencesWindow *prefs,
             const char          *path,
             const char          *screenshot)
{
  GtkFileChooser *chooser;
  GtkWidget *button;

  adw_action_row_activate (ADW_ACTION_ROW (prefs_child (prefs, "demo_import_row")));
  TL_WAIT_UNTIL ((chooser = find_file_chooser ()) != NULL, 5000);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (chooser)), ==, "Choose the Demo’s demo.json");
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (chooser)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (chooser)) == GTK_WINDOW (prefs));

  if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;

      gtk_file_chooser_set_file (chooser, file, &error);
      g_assert_no_error (error);
      /* The folder loads in the background; the file is selected then. */
      TL_WAIT_UNTIL (({ g_autoptr(GFile) chosen = gtk_file_chooser_get_file (chooser);
                        chosen != NULL && g_file_equal (chosen, file); }), 5000);
      tl_test_app_spin (100);
      if (screenshot != NULL)
        tl_test_app_screenshot (GTK_WIDGET (chooser), screenshot);
      button = tl_test_app_find_button (GTK_WIDGET (chooser), "_Use");
    }
  else
    {
      button = tl_test_app_find_button (GTK_WIDGET (chooser), "_Cancel");
    }

  g_assert_nonnull (button);
  gtk_widget_activate (button);
  TL_WAIT_UNTIL (find_file_chooser () == NULL, 5000);
  tl_test_app_spin (200);
}

/* A paper account of the demo (made here, without a second factor, so
 * that it comes straight to the session) logs in with the addresses and
 * pinned certificate the settings have now. */
static void
log_in_paper (TlWindow *window)
{
  static gboolean added;
  GtkWidget *paper_button = login_child (window, "paper_button");

  if (!added)
    {
      g_autofree char *out = tl_test_server_admin (server, "plain-password\n", "user", "add", "sandboxuser",
                                                   "--mode", "paper", "--password-stdin", NULL);
      added = TRUE;
    }

  gtk_widget_activate (paper_button);
  TL_WAIT_UNTIL (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (paper_button)), 2000);
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "sandboxuser");
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "password_row")), "plain-password");
  g_action_group_activate_action (G_ACTION_GROUP (window), "log-in", NULL);
  TL_WAIT_UNTIL (g_str_equal (tl_window_get_page_name (window), "session"), 20000);
}

static void
log_out (TlWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "log-out", NULL);
  TL_WAIT_UNTIL (g_str_equal (tl_window_get_page_name (window), "login"), 20000);
}

static void
assert_demo_settings (void)
{
  g_autofree char *live_url = g_settings_get_string (settings, "live-url");
  g_autofree char *paper_url = g_settings_get_string (settings, "paper-url");
  g_autofree char *pin = g_settings_get_string (settings, "paper-pin-sha256");
  g_autofree char *dir = g_settings_get_string (settings, "demo-data-dir");

  g_assert_true (g_settings_get_boolean (settings, "use-demo"));
  g_assert_cmpstr (dir, ==, tl_test_server_get_data_dir (server));
  g_assert_cmpstr (live_url, ==, tl_test_server_get_base_url (server, TL_MODE_LIVE));
  g_assert_cmpstr (paper_url, ==, tl_test_server_get_base_url (server, TL_MODE_PAPER));
  g_assert_cmpstr (pin, ==, tl_test_server_get_cert_sha256 (server));
}

static void
test_chooser_import (void)
{
  g_autofree char *demo_json = g_build_filename (tl_test_server_get_data_dir (server), "demo.json", NULL);
  TlWindow *window;
  TlPreferencesWindow *prefs;
  GtkWidget *demo_switch;

  reset_settings ();
  window = new_window ();
  prefs = open_preferences (window);
  demo_switch = prefs_child (prefs, "demo_switch");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (demo_switch)));

  /* Cancelled: nothing changes, nothing is said. */
  choose_demo (prefs, NULL, NULL);
  g_assert_false (g_settings_get_boolean (settings, "use-demo"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (prefs_child (prefs, "demo_row"))) ?: "", ==, "");
  g_assert_false (gtk_widget_has_css_class (prefs_child (prefs, "demo_row"), "error"));

  /* The demo.json the real "trading-authd demo" wrote. */
  choose_demo (prefs, demo_json, "demo-chooser");
  assert_demo_settings ();
  /* Preferences show it: the switch on, the folder, no error. */
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (demo_switch)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (prefs_child (prefs, "demo_dir_row"))), ==,
                   tl_test_server_get_data_dir (server));
  g_assert_false (gtk_widget_has_css_class (prefs_child (prefs, "demo_row"), "error"));
  g_assert_false (gtk_widget_get_sensitive (prefs_child (prefs, "paper_url_row")));
  tl_test_app_screenshot (GTK_WIDGET (prefs), "preferences-demo-imported");
  tl_test_app_close_window (GTK_WINDOW (prefs));

  /* And the demo's server is the one the app logs in to. */
  log_in_paper (window);
  log_out (window);
  tl_test_app_close_window (GTK_WINDOW (window));
}

/* Inside the sandbox, the trading app's command names a program of the
 * computer: the session page says why it cannot be started. The demo is
 * imported as the chooser would hand it over, without the chooser. */
static void
test_sandbox_launch (void)
{
  g_autofree char *demo_json = g_build_filename (tl_test_server_get_data_dir (server), "demo.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (demo_json);
  g_autoptr(GError) error = NULL;
  const char *command[] = { "tl-no-such-trading-app", NULL };
  TlSessionPage *session_page;
  TlWindow *window;

  reset_settings ();
  set_sandboxed (TRUE);
  g_settings_set_strv (settings, "launch-command-paper", command);
  g_assert_true (tl_demo_import_file (settings, file, &error));
  g_assert_no_error (error);
  assert_demo_settings ();

  window = new_window ();
  log_in_paper (window);
  session_page = TL_SESSION_PAGE (tl_window_get_page (window, "session"));
  TL_WAIT_UNTIL (tl_session_page_get_launch_status (session_page) != NULL, 5000);
  g_assert_cmpstr (tl_session_page_get_launch_status (session_page), ==,
                   "The trading app could not be started: tl-no-such-trading-app is not inside the Flatpak "
                   "sandbox Trading Login runs in, and from the sandbox only programs that come with it can "
                   "be started. Start your trading app yourself.");
  tl_test_app_screenshot (GTK_WIDGET (window), "session-sandboxed");

  log_out (window);
  tl_test_app_close_window (GTK_WINDOW (window));
  set_sandboxed (FALSE);
}

/* A file that is not a demo's: refused where the switch is, saying why,
 * and nothing changes. */
static void
test_chooser_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tl-demo-import-XXXXXX", NULL);
  g_autofree char *other = g_build_filename (dir, "other.json", NULL);
  g_autofree char *broken = g_build_filename (dir, "demo.json", NULL);
  g_autofree char *demo_dir = NULL;
  g_autofree char *demo_json = g_build_filename (tl_test_server_get_data_dir (server), "demo.json", NULL);
  g_autofree char *contents = NULL;
  TlWindow *window;
  TlPreferencesWindow *prefs;
  GtkWidget *demo_row;

  reset_settings ();
  g_assert_true (g_file_get_contents (demo_json, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (other, contents, -1, NULL));
  g_assert_true (g_file_set_contents (broken, "{\"base_urls\": ", -1, NULL));

  window = new_window ();
  prefs = open_preferences (window);
  demo_row = prefs_child (prefs, "demo_row");

  choose_demo (prefs, other, NULL);
  g_assert_true (gtk_widget_has_css_class (demo_row, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (demo_row)), ==,
                   "“other.json” is not a demo’s data. Choose the file named demo.json in the folder "
                   "“trading-authd demo” runs in.");
  g_assert_false (g_settings_get_boolean (settings, "use-demo"));

  choose_demo (prefs, broken, NULL);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (demo_row)),
                                   "The demo data in "));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (demo_row)), "cannot be read"));
  tl_test_app_screenshot (GTK_WIDGET (prefs), "preferences-demo-refused");
  g_assert_false (g_settings_get_boolean (settings, "use-demo"));
  demo_dir = g_settings_get_string (settings, "demo-data-dir");
  g_assert_cmpstr (demo_dir, ==, "");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (prefs_child (prefs, "demo_switch"))));

  tl_test_app_close_window (GTK_WINDOW (prefs));
  tl_test_app_close_window (GTK_WINDOW (window));
  g_unlink (other);
  g_unlink (broken);
  g_rmdir (dir);
}

/* Preferences say, inside a sandbox only, what can be launched. */
static void
test_sandbox_preferences (void)
{
  TlWindow *window;
  TlPreferencesWindow *prefs;
  GtkWidget *label;

  reset_settings ();
  window = new_window ();

  set_sandboxed (FALSE);
  prefs = open_preferences (window);
  g_assert_false (gtk_widget_get_visible (prefs_child (prefs, "sandbox_label")));
  tl_test_app_close_window (GTK_WINDOW (prefs));

  set_sandboxed (TRUE);
  prefs = open_preferences (window);
  label = prefs_child (prefs, "sandbox_label");
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)),
                                   "Trading Login runs in a Flatpak sandbox here. From the sandbox it can start "
                                   "only programs that come with it, not a trading app installed on this computer"));
  tl_test_app_screenshot (GTK_WIDGET (prefs), "preferences-sandboxed");
  tl_test_app_close_window (GTK_WINDOW (prefs));
  set_sandboxed (FALSE);

  tl_test_app_close_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tl_test_app_init (&argc, &argv);
  g_unlink (TL_FLATPAK_INFO);
  settings = g_settings_new (BASE_APP_ID);
  server = tl_test_server_new ();

  /* The file chooser's own paths first: tests/meson.build runs them
   * apart in the sanitizer build (GTK 4.8's chooser leaks). */
  g_test_add_func ("/tl/app/flatpak/chooser/import", test_chooser_import);
  g_test_add_func ("/tl/app/flatpak/chooser/refused", test_chooser_refused);
  g_test_add_func ("/tl/app/flatpak/sandbox/launch", test_sandbox_launch);
  g_test_add_func ("/tl/app/flatpak/sandbox/preferences", test_sandbox_preferences);

  status = g_test_run ();

  g_unlink (TL_FLATPAK_INFO);
  tl_test_server_free (server);
  g_clear_object (&settings);

  return status;
}
