/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-app-ui"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "test-app-util.h"
#include "tl-application.h"
#include "tl-code-input.h"
#include "tl-launcher.h"
#include "tl-login-page.h"
#include "tl-preferences-window.h"
#include "tl-qr-image.h"
#include "tl-window.h"

/* The parts of the app that need no server: the form's checks, the paper
 * marking, what happens when the server cannot be reached, preferences,
 * the QR code, code entry filtering and the launcher. The full logins
 * against a real server are in test-app.c. */

static GSettings *settings;

static void
reset_settings (void)
{
  const char *keys[] = {
    "live-url", "paper-url", "live-pin-sha256", "paper-pin-sha256", "use-demo",
    "demo-data-dir", "last-mode", "remember-username", "launch-command-live",
    "launch-command-paper", "window-width", "window-height", "window-maximized",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static TlWindow *
new_window (void)
{
  TlWindow *window = tl_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  TL_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);

  return window;
}

static GtkWidget *
login_child (TlWindow   *window,
             const char *name)
{
  TlPage *page = tl_window_get_page (window, "login");
  GtkWidget *child = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                TL_TYPE_LOGIN_PAGE, name));

  g_assert_nonnull (child);
  return child;
}

static gboolean
action_enabled (TlWindow   *window,
                const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
test_login_validation (void)
{
  TlWindow *window;
  GtkWidget *username, *password, *hint, *button;

  reset_settings ();
  window = new_window ();
  username = login_child (window, "username_row");
  password = login_child (window, "password_row");
  hint = login_child (window, "username_hint");
  button = login_child (window, "log_in_button");

  g_assert_cmpstr (tl_window_get_page_name (window), ==, "login");
  g_assert_false (action_enabled (window, "log-in"));
  g_assert_false (gtk_widget_get_visible (hint));

  /* A person can type the username at once. */
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));

    g_assert_nonnull (focus);
    g_assert_true (focus == username || gtk_widget_is_ancestor (focus, username));
  }

  /* The password lives in non-pageable memory that is wiped when freed. */
  {
    GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (password));

    g_assert_true (GTK_IS_TEXT (text));
    g_assert_cmpstr (G_OBJECT_TYPE_NAME (gtk_text_get_buffer (GTK_TEXT (text))), ==, "GtkPasswordEntryBuffer");
  }

  /* Caught as typed, in the engine's words. */
  gtk_editable_set_text (GTK_EDITABLE (username), "alice!");
  g_assert_true (gtk_widget_get_visible (hint));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hint)), ==, "Use only lower-case letters and digits.");
  g_assert_true (gtk_widget_has_css_class (username, "error"));

  gtk_editable_set_text (GTK_EDITABLE (password), "secret");
  g_assert_false (action_enabled (window, "log-in"));
  g_assert_false (gtk_widget_get_sensitive (button));
  tl_test_app_screenshot (GTK_WIDGET (window), "login-invalid-username");

  /* Upper case is fine: lowered, and the person is told. */
  gtk_editable_set_text (GTK_EDITABLE (username), "Alice");
  g_assert_true (gtk_widget_get_visible (hint));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hint)), ==, "You will log in as “alice”.");
  g_assert_false (gtk_widget_has_css_class (username, "error"));
  g_assert_true (action_enabled (window, "log-in"));
  g_assert_true (gtk_widget_get_sensitive (button));

  gtk_editable_set_text (GTK_EDITABLE (username), "alice");
  g_assert_false (gtk_widget_get_visible (hint));

  /* No password, no login. */
  gtk_editable_delete_text (GTK_EDITABLE (password), 0, -1);
  g_assert_false (action_enabled (window, "log-in"));

  /* Enter in the password activates the default widget: Log In. */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (window)) == button);
  g_assert_true (adw_entry_row_get_activates_default (ADW_ENTRY_ROW (password)));

  tl_test_app_close_window (GTK_WINDOW (window));
}

/* Caps Lock as the X server has it: the key pressed through XTEST, the
 * keyboard's lock state read back by GDK from XKB. */
static gboolean
caps_lock_state (void)
{
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());

  return gdk_device_get_caps_lock_state (gdk_seat_get_keyboard (seat));
}

static void
press_caps_lock (void)
{
  const char *argv[] = { "xdotool", "key", "Caps_Lock", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &wait_status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (wait_status, &error);
  if (error != NULL)
    g_error ("xdotool key Caps_Lock: %s (%s)", error->message, err);
}

static void
test_login_caps_lock (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  TlWindow *window;
  GtkWidget *password, *warning, *label;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (gdk_display_get_default ()), "GdkX11Display"))
    {
      g_test_skip ("Needs the X11 backend (build-aux/test-session)");
      return;
    }
  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed (build-aux/debian-packages.txt)");
      return;
    }

  reset_settings ();
  window = new_window ();
  password = login_child (window, "password_row");
  warning = login_child (window, "caps_lock_box");
  label = login_child (window, "caps_lock_label");

  /* A fresh X server starts with Caps Lock off. */
  g_assert_false (caps_lock_state ());
  g_assert_false (gtk_widget_get_visible (warning));
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (password),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  gtk_widget_grab_focus (password);
  press_caps_lock ();
  TL_WAIT_UNTIL (gtk_widget_get_visible (warning), 5000);
  g_assert_true (caps_lock_state ());
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Caps Lock is on");
  /* Said to a screen reader with the password entry, not only drawn. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (password),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Caps Lock is on");
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "alice");
  tl_test_app_screenshot (GTK_WIDGET (window), "login-caps-lock");

  press_caps_lock ();
  TL_WAIT_UNTIL (!gtk_widget_get_visible (warning), 5000);
  g_assert_false (caps_lock_state ());
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (password),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  /* A window opened while Caps Lock is on warns from the start. */
  tl_test_app_close_window (GTK_WINDOW (window));
  press_caps_lock ();
  TL_WAIT_UNTIL (caps_lock_state (), 5000);
  window = new_window ();
  g_assert_true (gtk_widget_get_visible (login_child (window, "caps_lock_box")));
  press_caps_lock ();
  TL_WAIT_UNTIL (!gtk_widget_get_visible (login_child (window, "caps_lock_box")), 5000);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_login_paper (void)
{
  TlWindow *window;
  GtkWidget *paper, *live, *button, *title, *banner;

  reset_settings ();
  window = new_window ();
  paper = login_child (window, "paper_button");
  live = login_child (window, "live_button");
  button = login_child (window, "log_in_button");
  title = login_child (window, "title_label");

  g_assert_false (tl_window_get_paper_marked (window));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Log _In");
  g_assert_true (gtk_widget_has_css_class (button, "suggested-action"));
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "alice");
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "password_row")), "correct horse");
  g_assert_true (gtk_widget_get_sensitive (button));
  tl_test_app_screenshot (GTK_WIDGET (window), "login-live");
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "");
  gtk_editable_delete_text (GTK_EDITABLE (login_child (window, "password_row")), 0, -1);

  /* As a person would: click the toggle. */
  gtk_widget_activate (paper);
  TL_WAIT_UNTIL (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (paper)), 2000);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (live)));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Paper Log _In");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, "Log In to Paper Trading");
  g_assert_true (gtk_widget_has_css_class (button, "paper-action"));
  g_assert_false (gtk_widget_has_css_class (button, "suggested-action"));
  g_assert_true (tl_window_get_paper_marked (window));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "paper"));
  g_assert_cmpint (g_settings_get_enum (settings, "last-mode"), ==, TL_MODE_PAPER);

  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "paperuser");
  tl_test_app_screenshot (GTK_WIDGET (window), "login-paper");
  tl_test_app_close_window (GTK_WINDOW (window));

  /* The next window starts where the last one left off. */
  window = new_window ();
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (login_child (window, "paper_button"))));
  g_assert_true (tl_window_get_paper_marked (window));

  gtk_widget_activate (login_child (window, "live_button"));
  TL_WAIT_UNTIL (!tl_window_get_paper_marked (window), 2000);
  g_assert_cmpint (g_settings_get_enum (settings, "last-mode"), ==, TL_MODE_LIVE);

  /* Once slid away the banner is hidden (not measured), and it comes
   * back with paper mode. */
  banner = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), TL_TYPE_WINDOW, "paper_banner"));
  TL_WAIT_UNTIL (!gtk_widget_get_visible (banner), 2000);
  gtk_widget_activate (login_child (window, "paper_button"));
  TL_WAIT_UNTIL (tl_window_get_paper_marked (window), 2000);
  g_assert_true (gtk_widget_get_visible (banner));
  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_login_unreachable (void)
{
  TlWindow *window;
  GtkWidget *username, *password, *error_label;

  reset_settings ();
  /* Nothing listens on port 1. */
  g_settings_set_string (settings, "live-url", "https://127.0.0.1:1/live/");
  window = new_window ();
  username = login_child (window, "username_row");
  password = login_child (window, "password_row");
  error_label = login_child (window, "error_label");

  gtk_editable_set_text (GTK_EDITABLE (username), "alice");
  gtk_editable_set_text (GTK_EDITABLE (password), "correct horse");
  g_action_group_activate_action (G_ACTION_GROUP (window), "log-in", NULL);

  /* The password is gone from the form at once. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");

  TL_WAIT_UNTIL (gtk_widget_get_visible (error_label) &&
                 g_str_equal (tl_window_get_page_name (window), "login"), 20000);

  /* The form keeps what was typed, except the password. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username)), ==, "alice");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");
  g_test_message ("Unreachable server: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  tl_test_app_screenshot (GTK_WIDGET (window), "login-error");

  /* Typing again clears the message. */
  gtk_editable_set_text (GTK_EDITABLE (password), "x");
  g_assert_false (gtk_widget_get_visible (error_label));

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_login_bad_settings (void)
{
  TlWindow *window;
  GtkWidget *error_label;

  reset_settings ();
  g_settings_set_string (settings, "live-url", "http://example.com/live/");
  window = new_window ();
  error_label = login_child (window, "error_label");

  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "alice");
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "password_row")), "pw");
  g_action_group_activate_action (G_ACTION_GROUP (window), "log-in", NULL);

  /* Refused before anything is sent, with the way out named. */
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "login");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (tl_window_get_last_toast (window), ==, "Check the server settings.");
  g_assert_null (tl_window_get_client (window));

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_window_size (void)
{
  TlWindow *window;
  int minimum = 0;

  reset_settings ();
  g_settings_set_int (settings, "window-width", 500);
  g_settings_set_int (settings, "window-height", 600);
  window = new_window ();

  gtk_window_set_default_size (GTK_WINDOW (window), 520, 640);
  /* Closing destroys the window: keep it to check it, then see it go. */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  TL_WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (window)), 2000);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 520);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);
  tl_test_app_spin (300);
  g_assert_finalize_object (window);

  /* Usable on a phone: nothing in the form needs more than 360 px. */
  window = new_window ();
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1,
                      &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "alice");
  tl_test_app_spin (200);
  tl_test_app_screenshot (GTK_WIDGET (window), "login-narrow");
  tl_test_app_close_window (GTK_WINDOW (window));
}

/* The stack is sized by the page shown (not homogeneous, for speed): no
 * page may need more than the window's own minimum, or the window would
 * grow when the login moves on to it. */
static void
test_page_sizes (void)
{
  const char *pages[] = {
    "login", "progress", "existing", "device", "push", "challenge", "code", "card",
    "locked", "session", "resume",
  };
  GtkStack *stack;
  TlWindow *window;
  int width_request, height_request;

  reset_settings ();
  window = tl_window_new (NULL);
  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), TL_TYPE_WINDOW, "stack"));
  gtk_widget_get_size_request (GTK_WIDGET (window), &width_request, &height_request);

  /* The first frame has only the form (docs/performance.md: start-up
   * time and memory); the progress page, which every login shows first,
   * follows right after it; the others wait until they are needed. */
  {
    g_autoptr(GListModel) stack_pages = G_LIST_MODEL (gtk_stack_get_pages (stack));

    g_assert_cmpuint (g_list_model_get_n_items (stack_pages), ==, 1);
    g_assert_nonnull (gtk_stack_get_child_by_name (stack, "login"));

    gtk_window_present (GTK_WINDOW (window));
    TL_WAIT_UNTIL (gtk_stack_get_child_by_name (stack, "progress") != NULL, 5000);
    g_assert_cmpuint (g_list_model_get_n_items (stack_pages), ==, 2);
  }

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      TlPage *page = tl_window_get_page (window, pages[i]);
      int width = 0, height = 0;

      g_assert_nonnull (page);
      g_assert_true (tl_window_get_page (window, pages[i]) == page);
      gtk_stack_set_visible_child (stack, GTK_WIDGET (page));
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, width_request, &height, NULL, NULL, NULL);
      g_test_message ("Page %s: window minimum %d × %d", pages[i], width, height);
      g_assert_cmpint (width, <=, width_request);
      g_assert_cmpint (height, <=, height_request);
    }
  g_assert_null (tl_window_get_page (window, "no-such-page"));

  /* The tests draw with cairo, as a machine without a GPU does: there a
   * crossfade costs a long frame per step, so pages switch at once. */
  g_assert_true (GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window))));
  g_assert_cmpint (gtk_stack_get_transition_type (stack), ==, GTK_STACK_TRANSITION_TYPE_NONE);
  {
    g_autoptr(GListModel) stack_pages = G_LIST_MODEL (gtk_stack_get_pages (stack));

    g_assert_cmpuint (g_list_model_get_n_items (stack_pages), ==, G_N_ELEMENTS (pages));
  }

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
write_demo_json (const char *dir)
{
  const char *json =
    "{\"base_urls\": {\"live\": \"https://127.0.0.1:4999/live/\", "
    "\"paper\": \"https://127.0.0.1:4999/paper/\"}, "
    "\"cert_sha256\": \"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "\", "
    "\"users\": []}";
  g_autofree char *path = g_build_filename (dir, "demo.json", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

static GtkWidget *
prefs_child (TlPreferencesWindow *prefs,
             const char          *name)
{
  return tl_test_app_template_child (GTK_WIDGET (prefs), TL_TYPE_PREFERENCES_WINDOW, name);
}

static void
test_preferences (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tl-demo-XXXXXX", NULL);
  g_autofree char *live_url = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) command = NULL;
  TlWindow *window;
  TlPreferencesWindow *prefs;
  GtkWidget *demo_switch, *live_url_row, *live_pin_row, *command_row;

  reset_settings ();
  window = new_window ();
  prefs = tl_preferences_window_new (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  TL_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (prefs)), 5000);

  demo_switch = prefs_child (prefs, "demo_switch");
  live_url_row = prefs_child (prefs, "live_url_row");
  live_pin_row = prefs_child (prefs, "live_pin_row");
  command_row = prefs_child (prefs, "live_command_row");

  /* Settings show in the rows and edits go back. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (live_url_row)), ==, "https://127.0.0.1:4443/live/");
  gtk_editable_set_text (GTK_EDITABLE (live_url_row), "https://broker.example/live/");
  live_url = g_settings_get_string (settings, "live-url");
  g_assert_cmpstr (live_url, ==, "https://broker.example/live/");
  g_assert_false (gtk_widget_has_css_class (live_url_row, "error"));

  /* Plain HTTP and short fingerprints are marked where they are typed. */
  gtk_editable_set_text (GTK_EDITABLE (live_url_row), "http://broker.example/live/");
  g_assert_true (gtk_widget_has_css_class (live_url_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (live_pin_row), "abcd");
  g_assert_true (gtk_widget_has_css_class (live_pin_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (live_pin_row), "");
  g_assert_false (gtk_widget_has_css_class (live_pin_row, "error"));

  /* The command is split as a shell would, but never run by one. */
  gtk_editable_set_text (GTK_EDITABLE (command_row), "/opt/tws/tws --mode 'two words'");
  g_signal_emit_by_name (command_row, "apply");
  command = g_settings_get_strv (settings, "launch-command-live");
  g_assert_cmpuint (g_strv_length (command), ==, 3);
  g_assert_cmpstr (command[2], ==, "two words");

  /* "Use demo server" without a demo: refused with the reason. */
  g_settings_set_string (settings, "demo-data-dir", dir);
  gtk_switch_set_active (GTK_SWITCH (demo_switch), TRUE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (demo_switch)));
  g_assert_false (g_settings_get_boolean (settings, "use-demo"));

  /* With demo.json: addresses and pin filled in, rows locked. */
  write_demo_json (dir);
  gtk_switch_set_active (GTK_SWITCH (demo_switch), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "use-demo"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (live_url_row)), ==, "https://127.0.0.1:4999/live/");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (live_pin_row)), ==,
                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_assert_false (gtk_widget_get_sensitive (live_url_row));
  tl_test_app_screenshot (GTK_WIDGET (prefs), "preferences");

  gtk_switch_set_active (GTK_SWITCH (demo_switch), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "use-demo"));
  g_assert_true (gtk_widget_get_sensitive (live_url_row));

  tl_test_app_close_window (GTK_WINDOW (prefs));
  tl_test_app_close_window (GTK_WINDOW (window));

  path = g_build_filename (dir, "demo.json", NULL);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_qr_image (void)
{
  GtkWidget *qr = g_object_ref_sink (tl_qr_image_new ());
  int minimum = 0, natural = 0;
  guint dark = 0;

  g_assert_cmpint (tl_qr_image_get_modules (TL_QR_IMAGE (qr)), ==, 0);

  tl_qr_image_set_text (TL_QR_IMAGE (qr), "12345678");
  /* Version 1: 21 modules, with the three finder patterns. */
  g_assert_cmpint (tl_qr_image_get_modules (TL_QR_IMAGE (qr)), ==, 21);
  g_assert_true (tl_qr_image_get_module (TL_QR_IMAGE (qr), 0, 0));
  g_assert_true (tl_qr_image_get_module (TL_QR_IMAGE (qr), 20, 0));
  g_assert_true (tl_qr_image_get_module (TL_QR_IMAGE (qr), 0, 20));
  g_assert_false (tl_qr_image_get_module (TL_QR_IMAGE (qr), 7, 7));
  for (int y = 0; y < 21; y++)
    for (int x = 0; x < 21; x++)
      dark += tl_qr_image_get_module (TL_QR_IMAGE (qr), x, y);
  g_assert_cmpuint (dark, >, 100);
  g_assert_cmpuint (dark, <, 341);

  /* Quiet zone included in the size it asks for. */
  gtk_widget_measure (qr, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (natural, ==, (21 + 8) * 4);

  tl_qr_image_set_text (TL_QR_IMAGE (qr), NULL);
  g_assert_cmpint (tl_qr_image_get_modules (TL_QR_IMAGE (qr)), ==, 0);

  g_assert_finalize_object (qr);
}

static void
test_code_input (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *row = adw_entry_row_new ();

  gtk_window_set_child (GTK_WINDOW (window), row);

  tl_code_input_setup (GTK_EDITABLE (row), TL_CODE_CHARSET_UPPER_ALNUM, 8);
  gtk_editable_set_text (GTK_EDITABLE (row), "ab-12 c!d");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "AB12CD");
  g_assert_false (tl_code_input_is_complete ("AB12CD", TL_CODE_CHARSET_UPPER_ALNUM, 8));
  g_assert_true (tl_code_input_is_complete ("AB12CD34", TL_CODE_CHARSET_UPPER_ALNUM, 8));
  g_assert_false (tl_code_input_is_complete ("ab12cd34", TL_CODE_CHARSET_UPPER_ALNUM, 8));

  tl_code_input_setup (GTK_EDITABLE (row), TL_CODE_CHARSET_DIGITS, 6);
  gtk_editable_set_text (GTK_EDITABLE (row), "123 456 789");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "123456");
  gtk_editable_set_text (GTK_EDITABLE (row), "12a4");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "124");
  g_assert_true (tl_code_input_is_complete ("123456", TL_CODE_CHARSET_DIGITS, 6));
  g_assert_false (tl_code_input_is_complete ("12345A", TL_CODE_CHARSET_DIGITS, 6));

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
exited_cb (TlLauncher *launcher,
           const char *message,
           char      **out)
{
  *out = g_strdup (message);
}

static char *
read_result (const char *path)
{
  char *contents = NULL;

  TL_WAIT_UNTIL (g_file_test (path, G_FILE_TEST_EXISTS), 10000);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));

  return contents;
}

static void
test_launcher (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tl-launch-XXXXXX", NULL);
  g_autofree char *result = g_build_filename (dir, "result", NULL);
  g_autofree char *stop = g_strconcat (result, ".stop", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "tl-launch-check.sh", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected_line = NULL;
  g_autofree char *message = NULL;
  g_autoptr(TlLauncher) launcher = tl_launcher_new ();
  g_autoptr(GError) error = NULL;
  TlSession session = {
    .token = (char *) "dG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9r",
    .username = (char *) "alice",
    .mode = TL_MODE_PAPER,
    .account = (char *) "DU1234567",
    .read_only = FALSE,
    .expires_at = g_date_time_new_from_unix_utc (4102444800),
  };
  const char *argv[] = { script, result, "wait", "3", NULL };

  g_signal_connect (launcher, "exited", G_CALLBACK (exited_cb), &message);

  g_assert_true (tl_launcher_launch (launcher, argv, "https://127.0.0.1:4443/paper/", &session, &error));
  g_assert_no_error (error);
  g_assert_true (tl_launcher_get_running (launcher));
  g_assert_cmpstr (tl_launcher_get_program (launcher), ==, "tl-launch-check.sh");

  /* A second one while the first runs is refused. */
  g_assert_false (tl_launcher_launch (launcher, argv, "https://x/", &session, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  contents = read_result (result);
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonGenerator) generator = json_generator_new ();

    json_node_take_object (node, tl_session_to_json (&session, TRUE));
    json_generator_set_root (generator, node);
    expected_line = json_generator_to_data (generator, NULL);
  }

  g_assert_nonnull (strstr (contents, "TL_SERVER_URL=https://127.0.0.1:4443/paper/\n"));
  g_assert_nonnull (strstr (contents, "TL_MODE=paper\n"));
  g_assert_nonnull (strstr (contents, "TL_USERNAME=alice\n"));
  g_assert_nonnull (strstr (contents, "TL_SESSION_FD=3\n"));
  /* The token is on the pipe, exactly one line, and not in argv. */
  g_assert_nonnull (strstr (contents, "ARGC=3\n"));
  g_assert_nonnull (strstr (contents, "REST=\n"));
  {
    g_autofree char *line = g_strdup_printf ("SESSION=%s\n", expected_line);

    g_assert_nonnull (strstr (contents, line));
    g_assert_nonnull (strstr (line, session.token));
  }
  g_unlink (result);

  g_assert_null (message);
  g_file_set_contents (stop, "", 0, NULL);
  TL_WAIT_UNTIL (message != NULL, 10000);
  g_assert_false (tl_launcher_get_running (launcher));
  g_assert_cmpstr (message, ==, "tl-launch-check.sh has exited with status 3.");

  /* A program that is not there says so. */
  argv[0] = "/nonexistent/trading-app";
  g_assert_false (tl_launcher_launch (launcher, argv, "https://x/", &session, &error));
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
  g_assert_false (tl_launcher_get_running (launcher));

  g_unlink (stop);
  g_rmdir (dir);
  g_date_time_unref (session.expires_at);
}

static char *
app_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "app", "trading-login", NULL);
}

static void
process_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
test_first_frame_exit (void)
{
  g_autofree char *path = app_path ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  /* For the start-up benchmark: draw one frame, then leave. */
  g_subprocess_launcher_setenv (launcher, "TL_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
  g_assert_no_error (error);

  g_subprocess_wait_async (process, NULL, process_done_cb, &done);
  TL_WAIT_UNTIL (done, 20000);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_single_instance (void)
{
  g_autofree char *path = app_path ();
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned = FALSE;

  first = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, path, NULL);
  g_assert_no_error (error);

  /* The first one owns the application's name on the session bus… */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 200 && !owned; i++)
    {
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner",
                                     g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);

      if (reply != NULL)
        g_variant_get (reply, "(b)", &owned);
      if (!owned)
        tl_test_app_spin (50);
    }
  g_assert_true (owned);

  /* …so a second start hands over to it and returns at once. */
  second = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);
  g_assert_nonnull (g_subprocess_get_identifier (first));

  g_subprocess_send_signal (first, SIGTERM);
  g_subprocess_wait (first, NULL, NULL);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
test_application (void)
{
  g_autoptr(TlApplication) app = tl_application_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;
  GtkWindow *window, *about, *prefs, *help;

  reset_settings ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TL_IS_WINDOW (window));
  TL_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);

  /* Activating again shows the same window. */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpstr (accels[0], ==, "<Control>q");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.about");
  g_assert_cmpstr (accels[0], ==, "F1");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.cancel");
  g_assert_cmpstr (accels[0], ==, "Escape");
  g_clear_pointer (&accels, g_strfreev);
  /* As GtkApplication sets it for a gtk/help-overlay.ui resource. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
  g_assert_cmpstr (accels[0], ==, "<Control>question");

  /* The main menu, built when first opened. */
  {
    GtkMenuButton *menu_button =
      GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window), TL_TYPE_WINDOW, "menu_button"));
    GMenuModel *menu;
    g_autoptr(GMenuModel) section = NULL;

    g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (menu_button)));
    gtk_menu_button_popup (menu_button);
    TL_WAIT_UNTIL (gtk_menu_button_get_popover (menu_button) != NULL &&
                   gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (menu_button))), 5000);
    menu = gtk_menu_button_get_menu_model (menu_button);
    g_assert_nonnull (menu);
    /* One section: Preferences, Keyboard Shortcuts, About. */
    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
    section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_assert_cmpint (g_menu_model_get_n_items (section), ==, 3);
    gtk_menu_button_popdown (menu_button);
    TL_WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (menu_button))), 5000);
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  TL_WAIT_UNTIL ((about = find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL, 5000);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Trading Login");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  TL_WAIT_UNTIL ((prefs = find_toplevel (TL_TYPE_PREFERENCES_WINDOW)) != NULL, 5000);
  g_assert_true (gtk_window_get_transient_for (prefs) == window);
  gtk_window_destroy (prefs);

  /* The shortcuts window comes from the resources. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  TL_WAIT_UNTIL ((help = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL, 5000);
  tl_test_app_screenshot (GTK_WIDGET (help), "shortcuts");
  gtk_window_destroy (help);

  /* Quit closes the window. */
  g_object_ref (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  TL_WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL, 5000);
  tl_test_app_spin (200);
  g_assert_finalize_object (window);
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  TlWindow *window;

  reset_settings ();
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  window = new_window ();
  g_assert_true (adw_style_manager_get_dark (style));

  gtk_editable_set_text (GTK_EDITABLE (login_child (window, "username_row")), "alice");
  tl_test_app_screenshot (GTK_WIDGET (window), "login-live-dark");
  gtk_widget_activate (login_child (window, "paper_button"));
  TL_WAIT_UNTIL (tl_window_get_paper_marked (window), 2000);
  tl_test_app_screenshot (GTK_WIDGET (window), "login-paper-dark");

  tl_test_app_close_window (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tl_test_app_init (&argc, &argv);
  settings = g_settings_new (BASE_APP_ID);

  g_test_add_func ("/tl/app/login/validation", test_login_validation);
  g_test_add_func ("/tl/app/login/caps-lock", test_login_caps_lock);
  g_test_add_func ("/tl/app/login/paper", test_login_paper);
  g_test_add_func ("/tl/app/login/unreachable", test_login_unreachable);
  g_test_add_func ("/tl/app/login/bad-settings", test_login_bad_settings);
  g_test_add_func ("/tl/app/window/size", test_window_size);
  g_test_add_func ("/tl/app/window/page-sizes", test_page_sizes);
  g_test_add_func ("/tl/app/preferences", test_preferences);
  g_test_add_func ("/tl/app/qr-image", test_qr_image);
  g_test_add_func ("/tl/app/code-input", test_code_input);
  g_test_add_func ("/tl/app/launcher", test_launcher);
  g_test_add_func ("/tl/app/dark", test_dark);
  /* Before "application": this process must not own the name yet. */
  g_test_add_func ("/tl/app/process/first-frame-exit", test_first_frame_exit);
  g_test_add_func ("/tl/app/process/single-instance", test_single_instance);
  g_test_add_func ("/tl/app/zz/application", test_application);

  status = g_test_run ();
  g_clear_object (&settings);

  return status;
}
