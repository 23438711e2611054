/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-app"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "test-app-util.h"
#include "tl-auth-error.h"
#include "tl-card-page.h"
#include "tl-challenge-page.h"
#include "tl-code-page.h"
#include "tl-credential-store.h"
#include "tl-device-page.h"
#include "tl-existing-page.h"
#include "tl-locked-page.h"
#include "tl-login-page.h"
#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-progress-page.h"
#include "tl-push-page.h"
#include "tl-qr-image.h"
#include "tl-resume-page.h"
#include "tl-session-page.h"
#include "tl-test-server.h"
#include "tl-window.h"

/* The real window against a real trading-authd (tests/tl-test-server),
 * driven as a person would: type into the entries, press the buttons,
 * wait for the next page, and check what it shows. One server for the
 * whole file; every test logs out again so the next one starts clean. */

#define PAGE_TIMEOUT_MS 20000

static TlTestServer *server;
static GSettings *settings;

/* The soft authenticator's part, for push approval and challenges. */
static char *ibkey_id;
static GBytes *ibkey_secret;

/* Small helpers */

/* A screenshot of the page alone, without the toasts of earlier steps. */
static void
screenshot (TlWindow   *window,
            const char *name)
{
  tl_window_dismiss_toast (window);
  tl_test_app_screenshot (GTK_WIDGET (window), name);
}

static GtkWidget *
child (TlWindow   *window,
       const char *page_name,
       GType       page_type,
       const char *name)
{
  TlPage *page = tl_window_get_page (window, page_name);
  GtkWidget *widget = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), page_type, name));

  g_assert_nonnull (widget);
  return widget;
}

#define LOGIN(w, name) child ((w), "login", TL_TYPE_LOGIN_PAGE, (name))

static void
wait_page (TlWindow   *window,
           const char *name)
{
  gint64 deadline = g_get_monotonic_time () + PAGE_TIMEOUT_MS * 1000;

  while (!g_str_equal (tl_window_get_page_name (window), name))
    {
      if (g_get_monotonic_time () > deadline)
        {
          GtkWidget *error_label = LOGIN (window, "error_label");

          g_error ("Waited for the “%s” page, still on “%s” (login error: “%s”)",
                   name, tl_window_get_page_name (window),
                   gtk_label_get_text (GTK_LABEL (error_label)));
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  /* Let the page's own work (focus, timers) start. */
  tl_test_app_spin (50);
}

/* A click as a person makes it: the button's "clicked" comes after the
 * pressed look. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_visible (button));
  gtk_widget_activate (button);
  tl_test_app_spin (300);
}

/* Enter in an entry row: activates the window's default widget. */
static void
press_enter (GtkWidget *entry_row)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (entry_row));

  /* The person is typing there. */
  gtk_widget_grab_focus (entry_row);
  g_signal_emit_by_name (delegate, "activate");
  tl_test_app_spin (300);
}

static void
reset_settings (void)
{
  const char *keys[] = {
    "use-demo", "demo-data-dir", "last-mode", "remember-username",
    "launch-command-live", "launch-command-paper",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);

  g_settings_set_string (settings, "live-url", tl_test_server_get_base_url (server, TL_MODE_LIVE));
  g_settings_set_string (settings, "paper-url", tl_test_server_get_base_url (server, TL_MODE_PAPER));
  g_settings_set_string (settings, "live-pin-sha256", tl_test_server_get_cert_sha256 (server));
  g_settings_set_string (settings, "paper-pin-sha256", tl_test_server_get_cert_sha256 (server));
}

static TlWindow *
new_window (void)
{
  TlWindow *window = tl_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 440, 720);
  gtk_window_present (GTK_WINDOW (window));
  TL_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);
  /* The start-up keyring lookups, which wait for the first frame. */
  tl_test_app_wait_first_frame (GTK_WIDGET (window));
  tl_test_app_spin (200);

  return window;
}

static const char *
user_string (TlMode      mode,
             const char *member)
{
  return json_object_get_string_member (tl_test_server_get_user (server, mode), member);
}

static const char *
device_id (TlMode      mode,
           const char *kind)
{
  return json_object_get_string_member (tl_test_server_get_device (server, mode, kind), "id");
}

static void
set_mode (TlWindow *window,
          TlMode    mode)
{
  GtkWidget *button = LOGIN (window, mode == TL_MODE_PAPER ? "paper_button" : "live_button");

  if (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
    {
      gtk_widget_activate (button);
      TL_WAIT_UNTIL (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)), 2000);
    }
}

/* Fills the form and presses Enter in the password entry. */
static void
submit_login (TlWindow   *window,
              TlMode      mode,
              const char *username,
              const char *password)
{
  GtkWidget *password_row = LOGIN (window, "password_row");

  /* A session kept from an earlier login is offered first. */
  if (g_str_equal (tl_window_get_page_name (window), "resume"))
    g_action_group_activate_action (G_ACTION_GROUP (window), "skip-resume", NULL);
  wait_page (window, "login");
  set_mode (window, mode);
  gtk_editable_set_text (GTK_EDITABLE (LOGIN (window, "username_row")), username);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "log-in"));
  press_enter (password_row);
}

static GtkWidget *
device_row (TlWindow   *window,
            const char *id)
{
  GtkListBox *list = GTK_LIST_BOX (child (window, "device", TL_TYPE_DEVICE_PAGE, "device_list"));
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "device-id"), id) == 0)
      return GTK_WIDGET (row);

  g_error ("No row for device %s", id);
}

/* On the device page: pick the device of @kind and continue. */
static void
choose_device (TlWindow   *window,
               TlMode      mode,
               const char *kind)
{
  TlDevicePage *page = TL_DEVICE_PAGE (tl_window_get_page (window, "device"));
  const char *id = device_id (mode, kind);

  wait_page (window, "device");
  gtk_widget_activate (device_row (window, id));
  TL_WAIT_UNTIL (g_strcmp0 (tl_device_page_get_selected (page), id) == 0, 2000);
  click (child (window, "device", TL_TYPE_DEVICE_PAGE, "continue_button"));
}

/* On the device page: the security code card, with the codes of the index
 * numbers asked for, and Enter. */
static void
answer_card (TlWindow *window,
             TlMode    mode)
{
  JsonObject *card = json_object_get_object_member (tl_test_server_get_device (server, mode, "card"), "card");
  TlCardPage *page = TL_CARD_PAGE (tl_window_get_page (window, "card"));
  const char * const *indices;

  choose_device (window, mode, "card");
  wait_page (window, "card");
  indices = tl_auth_client_get_card_indices (tl_window_get_client (window));
  gtk_editable_set_text (GTK_EDITABLE (tl_card_page_get_entry (page, 0)),
                         json_object_get_string_member (card, indices[0]));
  gtk_editable_set_text (GTK_EDITABLE (tl_card_page_get_entry (page, 1)),
                         json_object_get_string_member (card, indices[1]));
  press_enter (tl_card_page_get_entry (page, 1));
}

/* Password step; the demo users have several devices, so this ends on
 * the device list. An open session from an earlier test is ended. */
static void
log_in_to_devices (TlWindow *window,
                   TlMode    mode)
{
  submit_login (window, mode, user_string (mode, "username"), user_string (mode, "password"));
  TL_WAIT_UNTIL (g_str_equal (tl_window_get_page_name (window), "device") ||
                 g_str_equal (tl_window_get_page_name (window), "existing") ||
                 g_str_equal (tl_window_get_page_name (window), "login"), PAGE_TIMEOUT_MS);
  if (g_str_equal (tl_window_get_page_name (window), "existing"))
    click (child (window, "existing", TL_TYPE_EXISTING_PAGE, "continue_button"));
  wait_page (window, "device");
}

static void
enter_code (TlWindow   *window,
            const char *code)
{
  GtkWidget *row = child (window, "code", TL_TYPE_CODE_PAGE, "code_row");

  gtk_editable_set_text (GTK_EDITABLE (row), code);
  press_enter (row);
}

/* The server takes each TOTP step once per device: wait for a step not
 * used yet by an earlier test. */
static guint64 last_totp_step[2];

static char *
current_totp (TlMode mode)
{
  const char *uri = json_object_get_string_member (tl_test_server_get_device (server, mode, "totp"),
                                                   "otpauth_uri");
  g_autoptr(TlOtpauth) params = tl_otpauth_parse (uri, NULL);
  gsize length;
  const guint8 *key;
  char *code;

  g_assert_nonnull (params);
  while (tl_totp_step (tl_test_server_now (server), params->period) <= last_totp_step[mode])
    tl_test_app_spin (200);
  last_totp_step[mode] = tl_totp_step (tl_test_server_now (server), params->period);

  key = g_bytes_get_data (params->secret, &length);
  code = tl_totp (params->algorithm, key, length, tl_test_server_now (server),
                  params->period, params->digits, NULL);
  g_assert_nonnull (code);

  return code;
}

static void
log_out (TlWindow *window)
{
  wait_page (window, "session");
  click (child (window, "session", TL_TYPE_SESSION_PAGE, "log_out_button"));
  wait_page (window, "login");
  g_assert_cmpstr (tl_window_get_last_toast (window), ==, "You have logged out.");
  /* The stored session goes with it. */
  tl_test_app_spin (200);
}

static void
assert_session_page (TlWindow   *window,
                     TlMode      mode,
                     const char *access)
{
  TlSessionPage *page = TL_SESSION_PAGE (tl_window_get_page (window, "session"));

  wait_page (window, "session");
  g_assert_cmpstr (tl_session_page_get_field (page, "username"), ==, user_string (mode, "username"));
  g_assert_cmpstr (tl_session_page_get_field (page, "account"), ==, user_string (mode, "account"));
  g_assert_cmpstr (tl_session_page_get_field (page, "mode"), ==,
                   mode == TL_MODE_PAPER ? "Paper Trading" : "Live Trading");
  g_assert_cmpstr (tl_session_page_get_field (page, "access"), ==, access);
  g_assert_true (g_str_match_string (":", tl_session_page_get_field (page, "time-left"), FALSE));
  g_assert_true (tl_window_get_paper_marked (window) == (mode == TL_MODE_PAPER));
}

/* The soft authenticator: device API calls signed with the device key. */

static char *
proof (const char *action,
       const char *push_id,
       gint64      time)
{
  g_autofree char *message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT,
                                              action, ibkey_id, push_id != NULL ? push_id : "", time);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (ibkey_secret, NULL),
                                      g_bytes_get_size (ibkey_secret));
  guint8 digest[32];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, -1);
  g_hmac_get_digest (hmac, digest, &length);

  return g_base64_encode (digest, length);
}

static void
activate_ibkey (void)
{
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_LIVE, "ibkey");
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gsize length;
  guchar *secret;
  guint status = 0;

  body = g_strdup_printf ("{\"username\": \"%s\", \"activation_code\": \"%s\", \"name\": \"Test phone\"}",
                          user_string (TL_MODE_LIVE, "username"),
                          json_object_get_string_member (device, "activation_code"));
  reply = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/device/activate", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  ibkey_id = g_strdup (json_object_get_string_member (reply, "device_id"));
  secret = g_base64_decode (json_object_get_string_member (reply, "secret"), &length);
  ibkey_secret = g_bytes_new_take (secret, length);
}

/* Approves the pending push, as a person does on their phone. */
static void
approve_push (void)
{
  gint64 now = tl_test_server_now (server);
  g_autofree char *pending_proof = proof ("pending", NULL, now);
  g_autofree char *body = g_strdup_printf ("{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                                           ibkey_id, now, pending_proof);
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonObject) respond = NULL;
  g_autofree char *respond_body = NULL;
  g_autofree char *respond_proof = NULL;
  JsonArray *requests;
  const char *push_id;
  guint status = 0;

  pending = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/device/pending", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  requests = json_object_get_array_member (pending, "requests");
  g_assert_cmpuint (json_array_get_length (requests), >=, 1);
  push_id = json_object_get_string_member (json_array_get_object_element (requests, 0), "push_id");

  now = tl_test_server_now (server);
  respond_proof = proof ("respond", push_id, now);
  respond_body = g_strdup_printf ("{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"approve\", "
                                  "\"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                                  ibkey_id, push_id, now, respond_proof);
  respond = tl_test_server_send_json (server, TL_MODE_LIVE, "v1/device/respond", respond_body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

static char *
ocra_response (const char   *suite_text,
               GBytes       *key,
               const char   *challenge,
               const char   *pin)
{
  g_autoptr(TlOcraSuite) suite = tl_ocra_suite_parse (suite_text, NULL);
  TlOcraInput input = { .question = challenge, .password = pin };
  char *response;

  g_assert_nonnull (suite);
  response = tl_ocra_compute (suite, g_bytes_get_data (key, NULL), g_bytes_get_size (key), &input, NULL);
  g_assert_nonnull (response);

  return response;
}

/* Keyring checks */

static void
store_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  TL_WAIT_UNTIL (*slot != NULL, 10000);
  return *slot;
}

static TlSession *
stored_session (TlMode mode)
{
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TlSession *session;

  tl_credential_store_lookup_session_async (store, tl_test_server_get_base_url (server, mode), mode,
                                            NULL, NULL, store_done_cb, &result);
  session = tl_credential_store_lookup_session_finish (store, wait_result (&result), &error);
  g_assert_no_error (error);

  return session;
}

static char **
remembered_usernames (TlMode mode)
{
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char **usernames;

  tl_credential_store_list_usernames_async (store, tl_test_server_get_base_url (server, mode), mode,
                                            NULL, store_done_cb, &result);
  usernames = tl_credential_store_list_usernames_finish (store, wait_result (&result), &error);
  g_assert_no_error (error);

  return usernames;
}

/* The tests */

static gboolean
hold_connection_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    GPtrArray         *held)
{
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

static void
test_progress_cancel (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GPtrArray *held = g_ptr_array_new_with_free_func (g_object_unref);
  TlWindow *window;
  guint16 port;
  TlPage *progress;

  /* A server that accepts and then says nothing: the login waits. */
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (hold_connection_cb), held);
  g_socket_service_start (service);

  reset_settings ();
  url = g_strdup_printf ("https://127.0.0.1:%u/live/", port);
  g_settings_set_string (settings, "live-url", url);

  window = new_window ();
  submit_login (window, TL_MODE_LIVE, "alice", "wrong-anyway");
  wait_page (window, "progress");
  progress = tl_window_get_page (window, "progress");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (gtk_widget_get_template_child (GTK_WIDGET (progress), TL_TYPE_PROGRESS_PAGE, "status_page"))),
                   ==, "Connecting to Server…");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "cancel"));
  screenshot (window, "progress");

  /* Escape (win.cancel) goes back to the form, username kept. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel", NULL);
  wait_page (window, "login");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (LOGIN (window, "username_row"))), ==, "alice");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (LOGIN (window, "password_row"))), ==, "");
  g_assert_false (gtk_widget_get_visible (LOGIN (window, "error_label")));

  tl_test_app_close_window (GTK_WINDOW (window));
  g_socket_service_stop (service);
  g_ptr_array_unref (held);
}

static void
test_wrong_password (void)
{
  TlWindow *window;
  GtkWidget *error_label;

  reset_settings ();
  window = new_window ();
  error_label = LOGIN (window, "error_label");

  submit_login (window, TL_MODE_PAPER, user_string (TL_MODE_PAPER, "username"), "not the password");
  TL_WAIT_UNTIL (gtk_widget_get_visible (error_label), PAGE_TIMEOUT_MS);
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "login");
  g_test_message ("Wrong password: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "9"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (LOGIN (window, "username_row"))), ==,
                   user_string (TL_MODE_PAPER, "username"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (LOGIN (window, "password_row"))), ==, "");
  screenshot (window, "login-wrong-password");

  tl_test_app_close_window (GTK_WINDOW (window));
}

/* Whether @widget is wholly inside the visible part of @scrolled. */
static gboolean
in_view (GtkWidget *widget,
         GtkWidget *scrolled)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, scrolled, &bounds));

  return bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scrolled);
}

/* Nothing on the device list is out of reach: at the app's default window
 * size every factor of the demo user (all six kinds), Continue and Cancel
 * fit without scrolling; in a smaller window the page scrolls, and moving
 * the focus to Cancel, as Tab does, brings it into view. */
static void
assert_device_page_reachable (TlWindow *window)
{
  g_autoptr(GVariant) default_width = g_settings_get_default_value (settings, "window-width");
  g_autoptr(GVariant) default_height = g_settings_get_default_value (settings, "window-height");
  GtkWidget *page = GTK_WIDGET (tl_window_get_page (window, "device"));
  GtkWidget *cancel = tl_test_app_find_button (page, "_Cancel");
  GtkWidget *scrolled;
  int width, height;

  g_assert_nonnull (cancel);
  scrolled = gtk_widget_get_ancestor (cancel, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  g_assert_true (gtk_widget_is_ancestor (scrolled, page));

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, g_variant_get_int32 (default_width));
  g_assert_cmpint (height, ==, g_variant_get_int32 (default_height));
  g_assert_cmpuint (g_list_model_get_n_items (tl_auth_client_get_devices (tl_window_get_client (window))), ==, 6);
  /* The page may be shown before its first layout. */
  TL_WAIT_UNTIL (in_view (cancel, scrolled), 5000);
  g_assert_true (in_view (child (window, "device", TL_TYPE_DEVICE_PAGE, "continue_button"), scrolled));

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 480);
  TL_WAIT_UNTIL (gtk_widget_get_height (GTK_WIDGET (window)) < height - 100, 5000);
  tl_test_app_spin (100);
  g_assert_false (in_view (cancel, scrolled));
  gtk_widget_grab_focus (cancel);
  TL_WAIT_UNTIL (in_view (cancel, scrolled), 2000);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  TL_WAIT_UNTIL (gtk_widget_get_height (GTK_WIDGET (window)) > height - 100, 5000);
  tl_test_app_spin (100);
}

static void
test_totp (void)
{
  g_autoptr(TlSession) stored = NULL;
  g_auto(GStrv) usernames = NULL;
  g_autofree char *code = NULL;
  TlWindow *window;
  TlDevicePage *device_page;
  TlCodePage *code_page;
  GtkWidget *ok;

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);

  /* Every device with its kind; the default one selected. */
  device_page = TL_DEVICE_PAGE (tl_window_get_page (window, "device"));
  g_assert_cmpstr (tl_device_page_get_selected (device_page), ==, device_id (TL_MODE_LIVE, "ibkey"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (device_row (window, device_id (TL_MODE_LIVE, "totp")))),
                   ==, "Authenticator code");
  /* Named after its kind: no second line saying the same. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (device_row (window, device_id (TL_MODE_LIVE, "card")))),
                   ==, "Security code card");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (device_row (window, device_id (TL_MODE_LIVE, "card")))),
                   ==, "");
  screenshot (window, "device");
  assert_device_page_reachable (window);

  choose_device (window, TL_MODE_LIVE, "totp");
  wait_page (window, "code");
  code_page = TL_CODE_PAGE (tl_window_get_page (window, "code"));
  g_assert_cmpstr (tl_code_page_get_title (code_page), ==, "Enter the Authenticator Code");
  g_assert_cmpstr (tl_code_page_get_description (code_page), ==,
                   "Type the 6-digit code your authenticator app shows now.");
  g_assert_false (gtk_widget_get_visible (child (window, "code", TL_TYPE_CODE_PAGE, "resend_box")));

  /* Input checking: OK only with six digits. */
  ok = child (window, "code", TL_TYPE_CODE_PAGE, "ok_button");
  g_assert_false (gtk_widget_get_sensitive (ok));
  gtk_editable_set_text (GTK_EDITABLE (child (window, "code", TL_TYPE_CODE_PAGE, "code_row")), "12a");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (window, "code", TL_TYPE_CODE_PAGE, "code_row"))), ==, "12");
  g_assert_false (gtk_widget_get_sensitive (ok));
  screenshot (window, "code-totp");

  /* A wrong code says so, and the login goes on. */
  code = current_totp (TL_MODE_LIVE);
  enter_code (window, g_str_equal (code, "000000") ? "111111" : "000000");
  TL_WAIT_UNTIL (gtk_widget_get_visible (child (window, "code", TL_TYPE_CODE_PAGE, "error_label")), PAGE_TIMEOUT_MS);
  g_test_message ("Wrong code: %s",
                  gtk_label_get_text (GTK_LABEL (child (window, "code", TL_TYPE_CODE_PAGE, "error_label"))));
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "code");

  enter_code (window, code);
  assert_session_page (window, TL_MODE_LIVE, "Full Access");
  screenshot (window, "session");

  /* Kept in the keyring: the session for resuming, the username. */
  tl_test_app_spin (300);
  stored = stored_session (TL_MODE_LIVE);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->username, ==, user_string (TL_MODE_LIVE, "username"));
  g_assert_cmpstr (stored->token, ==, tl_auth_client_get_session (tl_window_get_client (window))->token);
  usernames = remembered_usernames (TL_MODE_LIVE);
  g_assert_true (g_strv_contains ((const char * const *) usernames, user_string (TL_MODE_LIVE, "username")));

  /* No trading command: the page says where to set one. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "launch"));
  g_assert_nonnull (strstr (tl_session_page_get_launch_status (TL_SESSION_PAGE (tl_window_get_page (window, "session"))),
                            "Preferences"));

  log_out (window);
  g_clear_pointer (&stored, tl_session_free);
  stored = stored_session (TL_MODE_LIVE);
  g_assert_null (stored);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_remembered_username (void)
{
  TlWindow *window;
  GtkWidget *username_row, *usernames_button;

  /* After test_totp: the live username is remembered. */
  reset_settings ();
  window = new_window ();
  username_row = LOGIN (window, "username_row");
  usernames_button = LOGIN (window, "usernames_button");

  TL_WAIT_UNTIL (gtk_widget_get_visible (usernames_button), 5000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username_row)), ==, user_string (TL_MODE_LIVE, "username"));

  /* Paper has its own accounts: nothing remembered there yet. */
  set_mode (window, TL_MODE_PAPER);
  TL_WAIT_UNTIL (!gtk_widget_get_visible (usernames_button), 5000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username_row)), ==, "");

  set_mode (window, TL_MODE_LIVE);
  TL_WAIT_UNTIL (gtk_widget_get_visible (usernames_button), 5000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username_row)), ==, user_string (TL_MODE_LIVE, "username"));

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_push (void)
{
  TlWindow *window;
  TlPushPage *push_page;

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);
  /* The default device is the phone: Continue as it stands. */
  click (child (window, "device", TL_TYPE_DEVICE_PAGE, "continue_button"));
  wait_page (window, "push");

  push_page = TL_PUSH_PAGE (tl_window_get_page (window, "push"));
  g_assert_true (g_str_match_string (":", tl_push_page_get_countdown (push_page), FALSE));
  g_assert_cmpstr (tl_push_page_get_countdown (push_page), >=, "2:");
  g_assert_true (gtk_widget_get_visible (child (window, "push", TL_TYPE_PUSH_PAGE, "read_only_button")));
  g_assert_true (gtk_widget_get_visible (child (window, "push", TL_TYPE_PUSH_PAGE, "challenge_button")));
  screenshot (window, "push");

  approve_push ();
  assert_session_page (window, TL_MODE_LIVE, "Full Access");
  log_out (window);

  /* Read only: no approval needed, and the badge says so. */
  log_in_to_devices (window, TL_MODE_LIVE);
  click (child (window, "device", TL_TYPE_DEVICE_PAGE, "continue_button"));
  wait_page (window, "push");
  click (child (window, "push", TL_TYPE_PUSH_PAGE, "read_only_button"));
  assert_session_page (window, TL_MODE_LIVE, "Read Only");
  g_assert_true (tl_auth_client_get_session (tl_window_get_client (window))->read_only);
  screenshot (window, "session-read-only");
  log_out (window);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_challenge (void)
{
  TlWindow *window;
  TlChallengePage *page;
  TlAuthClient *client;
  g_autofree char *response = NULL;
  g_autofree char *wrong = NULL;
  GtkWidget *response_row, *ok, *error_label;
  const char *challenge;

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);
  click (child (window, "device", TL_TYPE_DEVICE_PAGE, "continue_button"));
  wait_page (window, "push");

  /* "Didn't receive the notification?" */
  click (child (window, "push", TL_TYPE_PUSH_PAGE, "challenge_button"));
  wait_page (window, "challenge");

  page = TL_CHALLENGE_PAGE (tl_window_get_page (window, "challenge"));
  client = tl_window_get_client (window);
  challenge = tl_auth_client_get_challenge (client);
  g_assert_cmpuint (strlen (challenge), ==, 8);
  {
    g_autofree char *grouped = g_strdup_printf ("%.4s %.4s", challenge, challenge + 4);

    g_assert_cmpstr (tl_challenge_page_get_shown_challenge (page), ==, grouped);
  }
  g_assert_nonnull (strstr (tl_challenge_page_get_instructions (page), "authenticator app"));
  g_assert_true (gtk_widget_get_visible (child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "qr_image")));
  g_assert_cmpstr (tl_qr_image_get_text (TL_QR_IMAGE (child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "qr_image"))),
                   ==, challenge);
  screenshot (window, "challenge");

  /* Copy puts the digits, without the spaces, on the clipboard. */
  click (child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "copy_button"));
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *text = NULL;

    gdk_clipboard_read_text_async (clipboard, NULL, store_done_cb, &result);
    text = gdk_clipboard_read_text_finish (clipboard, wait_result (&result), NULL);
    g_assert_cmpstr (text, ==, challenge);
  }

  response = ocra_response (tl_auth_client_get_challenge_suite (client), ibkey_secret, challenge, NULL);
  response_row = child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "response_row");
  ok = child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "ok_button");
  error_label = child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "error_label");

  /* Seven digits are not enough. */
  gtk_editable_set_text (GTK_EDITABLE (response_row), "1234567");
  g_assert_false (gtk_widget_get_sensitive (ok));

  /* A wrong response costs an attempt and says how many are left. */
  wrong = g_strdup (g_str_equal (response, "00000000") ? "11111111" : "00000000");
  gtk_editable_set_text (GTK_EDITABLE (response_row), wrong);
  click (ok);
  TL_WAIT_UNTIL (gtk_widget_get_visible (error_label), PAGE_TIMEOUT_MS);
  g_test_message ("Wrong response: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "2"));
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "challenge");
  screenshot (window, "challenge-wrong");

  gtk_editable_set_text (GTK_EDITABLE (response_row), response);
  press_enter (response_row);
  assert_session_page (window, TL_MODE_LIVE, "Full Access");
  log_out (window);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_dsc (void)
{
  JsonObject *device = tl_test_server_get_device (server, TL_MODE_PAPER, "dsc");
  g_autofree char *response = NULL;
  g_autoptr(GBytes) key = NULL;
  TlWindow *window;
  TlChallengePage *page;
  TlAuthClient *client;
  GtkWidget *response_row;
  guchar *raw;
  gsize length;

  raw = g_base64_decode (json_object_get_string_member (device, "secret"), &length);
  key = g_bytes_new_take (raw, length);

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_PAPER);
  choose_device (window, TL_MODE_PAPER, "dsc");
  wait_page (window, "challenge");

  page = TL_CHALLENGE_PAGE (tl_window_get_page (window, "challenge"));
  client = tl_window_get_client (window);
  g_assert_cmpuint (strlen (tl_auth_client_get_challenge (client)), ==, 6);
  g_assert_nonnull (strstr (tl_challenge_page_get_instructions (page), "PIN>"));
  g_assert_nonnull (strstr (tl_challenge_page_get_instructions (page), "8-digit response"));
  /* A card reader cannot scan. */
  g_assert_false (gtk_widget_get_visible (child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "qr_image")));
  g_assert_true (tl_window_get_paper_marked (window));
  screenshot (window, "challenge-card-reader");

  response = ocra_response (tl_auth_client_get_challenge_suite (client), key,
                            tl_auth_client_get_challenge (client),
                            json_object_get_string_member (device, "pin"));
  response_row = child (window, "challenge", TL_TYPE_CHALLENGE_PAGE, "response_row");
  gtk_editable_set_text (GTK_EDITABLE (response_row), response);
  press_enter (response_row);
  assert_session_page (window, TL_MODE_PAPER, "Full Access");
  screenshot (window, "session-paper");
  log_out (window);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_sms (void)
{
  g_autofree char *code = NULL;
  TlWindow *window;
  TlCodePage *page;

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);
  choose_device (window, TL_MODE_LIVE, "sms");
  wait_page (window, "code");

  page = TL_CODE_PAGE (tl_window_get_page (window, "code"));
  g_assert_cmpstr (tl_code_page_get_title (page), ==, "Enter the Code from the Text Message");
  g_test_message ("SMS: %s", tl_code_page_get_description (page));
  g_assert_nonnull (strstr (tl_code_page_get_description (page),
                            tl_auth_client_get_sent_to (tl_window_get_client (window))));
  /* Resend and "Call me instead" wait out the resend delay. */
  g_assert_true (gtk_widget_get_visible (child (window, "code", TL_TYPE_CODE_PAGE, "resend_box")));
  g_assert_false (tl_code_page_get_can_resend (page));
  g_assert_false (gtk_widget_get_sensitive (child (window, "code", TL_TYPE_CODE_PAGE, "call_button")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (window, "code", TL_TYPE_CODE_PAGE, "resend_label"))),
                            "0:"));
  screenshot (window, "code-sms");

  /* After the delay: "Call me instead" sends the code again. */
  g_free (tl_test_server_read_sms (server));
  TL_WAIT_UNTIL (gtk_widget_get_sensitive (child (window, "code", TL_TYPE_CODE_PAGE, "call_button")), 40000);
  g_assert_true (tl_code_page_get_can_resend (page));
  g_assert_true (gtk_widget_get_sensitive (child (window, "code", TL_TYPE_CODE_PAGE, "resend_button")));
  click (child (window, "code", TL_TYPE_CODE_PAGE, "call_button"));
  TL_WAIT_UNTIL (g_str_has_prefix (tl_window_get_last_toast (window) != NULL ? tl_window_get_last_toast (window) : "",
                                   "A new code is on its way"), PAGE_TIMEOUT_MS);
  g_test_message ("Resent: %s", tl_window_get_last_toast (window));
  /* And the delay starts again. */
  g_assert_false (tl_code_page_get_can_resend (page));

  code = tl_test_server_read_sms (server);
  g_assert_nonnull (code);
  enter_code (window, code);
  assert_session_page (window, TL_MODE_LIVE, "Full Access");
  log_out (window);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_card (void)
{
  JsonObject *card = json_object_get_object_member (tl_test_server_get_device (server, TL_MODE_LIVE, "card"), "card");
  const char * const *indices;
  g_autofree char *expected = NULL;
  TlWindow *window;
  TlCardPage *page;
  GtkWidget *first, *second;

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);
  choose_device (window, TL_MODE_LIVE, "card");
  wait_page (window, "card");

  page = TL_CARD_PAGE (tl_window_get_page (window, "card"));
  indices = tl_auth_client_get_card_indices (tl_window_get_client (window));
  g_assert_cmpuint (g_strv_length ((char **) indices), ==, 2);
  expected = g_strdup_printf ("Enter the codes at index numbers %s and %s.", indices[0], indices[1]);
  g_assert_cmpstr (tl_card_page_get_description (page), ==, expected);
  screenshot (window, "card");

  first = tl_card_page_get_entry (page, 0);
  second = tl_card_page_get_entry (page, 1);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_null (tl_card_page_get_entry (page, 2));
  gtk_editable_set_text (GTK_EDITABLE (first), json_object_get_string_member (card, indices[0]));
  gtk_editable_set_text (GTK_EDITABLE (second), json_object_get_string_member (card, indices[1]));
  press_enter (second);
  assert_session_page (window, TL_MODE_LIVE, "Full Access");
  log_out (window);

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_temp_and_existing_session (void)
{
  const char *temp = json_object_get_string_member (tl_test_server_get_device (server, TL_MODE_PAPER, "temp"),
                                                    "temp_code");
  g_autofree char *lower = g_ascii_strdown (temp, -1);
  g_autofree char *code = NULL;
  TlWindow *first, *second;
  TlCodePage *page;
  const char *description;

  reset_settings ();

  /* The first window logs in with the temporary passcode, typed in
   * lower case: the entry makes it upper case. */
  first = new_window ();
  log_in_to_devices (first, TL_MODE_PAPER);
  choose_device (first, TL_MODE_PAPER, "temp");
  wait_page (first, "code");
  page = TL_CODE_PAGE (tl_window_get_page (first, "code"));
  g_assert_cmpstr (tl_code_page_get_title (page), ==, "Enter Your Temporary Passcode");
  gtk_editable_set_text (GTK_EDITABLE (child (first, "code", TL_TYPE_CODE_PAGE, "code_row")), lower);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (first, "code", TL_TYPE_CODE_PAGE, "code_row"))), ==, temp);
  screenshot (first, "code-temp");
  press_enter (child (first, "code", TL_TYPE_CODE_PAGE, "code_row"));
  assert_session_page (first, TL_MODE_PAPER, "Full Access");

  /* A second login of the same user is asked about the first. */
  second = new_window ();
  submit_login (second, TL_MODE_PAPER, user_string (TL_MODE_PAPER, "username"), user_string (TL_MODE_PAPER, "password"));
  wait_page (second, "existing");
  description = adw_status_page_get_description (ADW_STATUS_PAGE (child (second, "existing", TL_TYPE_EXISTING_PAGE, "status_page")));
  g_test_message ("Existing session: %s", description);
  g_assert_nonnull (strstr (description, "trading-login"));
  screenshot (second, "existing-session");

  /* Continuing ends the first session. */
  click (child (second, "existing", TL_TYPE_EXISTING_PAGE, "continue_button"));
  choose_device (second, TL_MODE_PAPER, "totp");
  wait_page (second, "code");
  code = current_totp (TL_MODE_PAPER);
  enter_code (second, code);
  assert_session_page (second, TL_MODE_PAPER, "Full Access");

  /* The first window's session is gone at the server. */
  {
    TlSession *old = tl_auth_client_get_session (tl_window_get_client (first));
    g_autofree char *bearer = g_strdup (old->token);
    g_autoptr(JsonObject) reply = NULL;
    guint status = 0;

    reply = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/session", NULL, bearer, &status);
    g_assert_cmpuint (status, ==, 401);
  }

  log_out (second);
  tl_test_app_close_window (GTK_WINDOW (second));
  tl_test_app_close_window (GTK_WINDOW (first));
}

static void
test_resume (void)
{
  g_autofree char *code = NULL;
  TlWindow *window;
  const char *description;

  reset_settings ();
  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);
  choose_device (window, TL_MODE_LIVE, "totp");
  wait_page (window, "code");
  /* One TOTP step per login: wait for a fresh one if needed. */
  code = current_totp (TL_MODE_LIVE);
  enter_code (window, code);
  assert_session_page (window, TL_MODE_LIVE, "Full Access");
  tl_test_app_spin (300);
  /* Closing the window keeps the session. */
  tl_test_app_close_window (GTK_WINDOW (window));

  /* The next start offers it instead of the form. */
  window = new_window ();
  wait_page (window, "resume");
  description = tl_resume_page_get_description (TL_RESUME_PAGE (tl_window_get_page (window, "resume")));
  g_test_message ("Resume: %s", description);
  g_assert_nonnull (strstr (description, user_string (TL_MODE_LIVE, "username")));
  g_assert_nonnull (strstr (description, user_string (TL_MODE_LIVE, "account")));
  screenshot (window, "resume");

  click (child (window, "resume", TL_TYPE_RESUME_PAGE, "resume_button"));
  assert_session_page (window, TL_MODE_LIVE, "Full Access");

  log_out (window);
  tl_test_app_close_window (GTK_WINDOW (window));

  /* Logged out: nothing to resume. */
  window = new_window ();
  tl_test_app_spin (500);
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "login");
  tl_test_app_close_window (GTK_WINDOW (window));
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static void
test_launch (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tl-app-launch-XXXXXX", NULL);
  g_autofree char *result = g_build_filename (dir, "result", NULL);
  g_autofree char *stop = g_strconcat (result, ".stop", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "tl-launch-check.sh", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expect_url = NULL;
  g_autofree char *expect_token = NULL;
  const char *command[] = { script, result, "wait", NULL };
  AdwMessageDialog *dialog;
  TlWindow *window;
  TlSession *session;
  TlSessionPage *page;

  reset_settings ();
  g_settings_set_strv (settings, "launch-command-paper", command);
  /* Through the demo's own description of itself this time. */
  g_settings_set_string (settings, "demo-data-dir", tl_test_server_get_data_dir (server));
  g_settings_set_boolean (settings, "use-demo", TRUE);
  g_settings_set_string (settings, "paper-url", "https://wrong.invalid/");

  window = new_window ();
  log_in_to_devices (window, TL_MODE_PAPER);
  answer_card (window, TL_MODE_PAPER);
  assert_session_page (window, TL_MODE_PAPER, "Full Access");

  /* Launched at once, with the session on the pipe. */
  TL_WAIT_UNTIL (g_file_test (result, G_FILE_TEST_EXISTS), 10000);
  g_assert_true (g_file_get_contents (result, &contents, NULL, NULL));
  g_unlink (result);

  session = tl_auth_client_get_session (tl_window_get_client (window));
  expect_url = g_strdup_printf ("TL_SERVER_URL=%s\n", tl_test_server_get_base_url (server, TL_MODE_PAPER));
  expect_token = g_strdup_printf ("\"token\":\"%s\"", session->token);
  g_assert_nonnull (strstr (contents, expect_url));
  g_assert_nonnull (strstr (contents, "TL_MODE=paper\n"));
  g_assert_nonnull (strstr (contents, "TL_USERNAME=") );
  g_assert_nonnull (strstr (contents, user_string (TL_MODE_PAPER, "username")));
  g_assert_nonnull (strstr (contents, "TL_SESSION_FD=3\n"));
  g_assert_nonnull (strstr (contents, "ARGC=2\n"));
  g_assert_nonnull (strstr (contents, expect_token));
  g_assert_nonnull (strstr (contents, "\"account\":"));
  g_free (g_steal_pointer (&contents));

  page = TL_SESSION_PAGE (tl_window_get_page (window, "session"));
  g_assert_true (tl_launcher_get_running (tl_window_get_launcher (window)));
  g_assert_cmpstr (tl_session_page_get_launch_status (page), ==,
                   "tl-launch-check.sh is running. This session is kept alive while it runs.");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "launch"));
  screenshot (window, "session-launched");

  /* When it exits, the app says so and Launch comes back. */
  g_file_set_contents (stop, "", 0, NULL);
  TL_WAIT_UNTIL (!tl_launcher_get_running (tl_window_get_launcher (window)), 10000);
  g_assert_cmpstr (tl_session_page_get_launch_status (page), ==, "tl-launch-check.sh has exited.");
  g_assert_cmpstr (tl_window_get_last_toast (window), ==, "tl-launch-check.sh has exited.");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "launch"));

  /* Launch again by hand. */
  g_unlink (stop);
  click (child (window, "session", TL_TYPE_SESSION_PAGE, "launch_button"));
  TL_WAIT_UNTIL (g_file_test (result, G_FILE_TEST_EXISTS), 10000);
  g_assert_true (tl_launcher_get_running (tl_window_get_launcher (window)));

  /* Logging out under a running program asks first. */
  click (child (window, "session", TL_TYPE_SESSION_PAGE, "log_out_button"));
  TL_WAIT_UNTIL ((dialog = find_message_dialog ()) != NULL, 5000);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Log Out?");
  tl_test_app_screenshot (GTK_WIDGET (dialog), "log-out-question");
  adw_message_dialog_response (dialog, "cancel");
  tl_test_app_spin (200);
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "session");

  click (child (window, "session", TL_TYPE_SESSION_PAGE, "log_out_button"));
  TL_WAIT_UNTIL ((dialog = find_message_dialog ()) != NULL, 5000);
  adw_message_dialog_response (dialog, "log-out");
  wait_page (window, "login");
  TL_WAIT_UNTIL (g_strcmp0 (tl_window_get_last_toast (window),
                            "You have logged out. The trading app has lost its session.") == 0, PAGE_TIMEOUT_MS);

  g_file_set_contents (stop, "", 0, NULL);
  TL_WAIT_UNTIL (!tl_launcher_get_running (tl_window_get_launcher (window)), 10000);
  tl_test_app_close_window (GTK_WINDOW (window));

  g_unlink (result);
  g_unlink (stop);
  g_rmdir (dir);
}

/* When the server says the session of @token ends. */
static gint64
server_expires_at (TlMode      mode,
                   const char *token)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GDateTime) time = NULL;
  guint status = 0;

  reply = tl_test_server_send_json (server, mode, "v1/session", NULL, token, &status);
  g_assert_cmpuint (status, ==, 200);
  time = g_date_time_new_from_iso8601 (json_object_get_string_member (reply, "expires_at"), NULL);
  g_assert_nonnull (time);

  return g_date_time_to_unix (time);
}

static void
wait_server_expires_at (TlMode      mode,
                        const char *token,
                        gint64      at_least,
                        guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gint64 seen;

  while ((seen = server_expires_at (mode, token)) < at_least)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No tickle in %u ms: the session ends at %" G_GINT64_FORMAT ", not at %"
                 G_GINT64_FORMAT " or later", timeout_ms, seen, at_least);
      tl_test_app_spin (100);
    }
}

/* The session page's "Time Left" (H:MM:SS) in seconds. */
static gint64
shown_time_left (TlSessionPage *page)
{
  const char *text = tl_session_page_get_field (page, "time-left");
  guint hours = 0, minutes = 0, seconds = 0;

  if (sscanf (text, "%u:%u:%u", &hours, &minutes, &seconds) != 3)
    g_error ("Time left is not H:MM:SS: “%s”", text);

  return hours * 3600 + minutes * 60 + seconds;
}

static void
test_keep_alive (void)
{
  g_autofree char *sleep_path = g_find_program_in_path ("sleep");
  g_autofree char *token = NULL;
  const char *command[] = { sleep_path, "5", NULL };
  TlWindow *window;
  TlSessionPage *page;
  gint64 expires_at, shown;

  /* main() set TL_TICKLE_INTERVAL_SECONDS=1: a tickle a second. */
  g_assert_nonnull (sleep_path);
  reset_settings ();
  g_settings_set_strv (settings, "launch-command-live", command);

  window = new_window ();
  log_in_to_devices (window, TL_MODE_LIVE);
  answer_card (window, TL_MODE_LIVE);
  assert_session_page (window, TL_MODE_LIVE, "Full Access");

  page = TL_SESSION_PAGE (tl_window_get_page (window, "session"));
  g_assert_true (tl_launcher_get_running (tl_window_get_launcher (window)));
  g_assert_cmpstr (tl_session_page_get_launch_status (page), ==,
                   "sleep is running. This session is kept alive while it runs.");

  token = g_strdup (tl_auth_client_get_session (tl_window_get_client (window))->token);
  expires_at = server_expires_at (TL_MODE_LIVE, token);
  shown = shown_time_left (page);

  /* A tickle makes the session last its full length from the server's
   * now. Moving that clock on before each one tells the tickles apart:
   * two later ends mean two tickles, whatever the rounding to seconds. */
  tl_test_server_set_clock_offset (server, 1000);
  wait_server_expires_at (TL_MODE_LIVE, token, expires_at + 1000, 3000);
  /* The page counts down from the new end. */
  TL_WAIT_UNTIL (shown_time_left (page) >= shown + 900, 3000);

  tl_test_server_set_clock_offset (server, 2000);
  wait_server_expires_at (TL_MODE_LIVE, token, expires_at + 2000, 3000);
  TL_WAIT_UNTIL (shown_time_left (page) >= shown + 1900, 3000);
  g_test_message ("Time left after two tickles: %s (was %" G_GINT64_FORMAT " s)",
                  tl_session_page_get_field (page, "time-left"), shown);

  /* sleep ends by itself: the page says so and Launch is back. */
  TL_WAIT_UNTIL (!tl_launcher_get_running (tl_window_get_launcher (window)), 10000);
  g_assert_cmpstr (tl_session_page_get_launch_status (page), ==, "sleep has exited.");
  g_assert_cmpstr (tl_window_get_last_toast (window), ==, "sleep has exited.");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "launch"));
  g_assert_cmpstr (tl_window_get_page_name (window), ==, "session");

  /* And the tickles stop with it. */
  tl_test_app_spin (300);
  expires_at = server_expires_at (TL_MODE_LIVE, token);
  tl_test_server_set_clock_offset (server, 3000);
  tl_test_app_spin (2500);
  g_assert_cmpint (server_expires_at (TL_MODE_LIVE, token), ==, expires_at);
  tl_test_server_set_clock_offset (server, 0);

  log_out (window);
  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_locked (void)
{
  g_autofree char *out = NULL;
  TlWindow *window;
  TlLockedPage *page;

  /* A user of its own, so that locking it spoils nothing else. */
  out = tl_test_server_admin (server, "lockme-password\n", "user", "add", "lockme",
                              "--mode", "live", "--password-stdin", NULL);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(JsonObject) reply = NULL;
      guint status = 0;

      reply = tl_test_server_login_password (server, TL_MODE_LIVE, "lockme", "wrong", NULL, &status);
      g_assert_cmpuint (status, >=, 400);
    }

  reset_settings ();
  window = new_window ();
  submit_login (window, TL_MODE_LIVE, "lockme", "lockme-password");
  wait_page (window, "locked");
  page = TL_LOCKED_PAGE (tl_window_get_page (window, "locked"));
  g_assert_cmpstr (tl_locked_page_get_title (page), ==, "Login Locked");
  g_test_message ("Locked: %s, %s", tl_locked_page_get_countdown (page),
                  adw_status_page_get_description (ADW_STATUS_PAGE (child (window, "locked", TL_TYPE_LOCKED_PAGE, "status_page"))));
  /* About 24 hours, counting down. */
  g_assert_cmpstr (tl_locked_page_get_countdown (page), >=, "23:");
  screenshot (window, "locked");

  /* Escape goes back to the form. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel", NULL);
  wait_page (window, "login");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (LOGIN (window, "username_row"))), ==, "lockme");

  tl_test_app_close_window (GTK_WINDOW (window));
}

static void
test_no_second_factor (void)
{
  g_autofree char *out = NULL;
  TlWindow *window;
  TlSession *session;

  /* A user without devices logs in with the password alone. */
  out = tl_test_server_admin (server, "plain-password\n", "user", "add", "plainuser",
                              "--mode", "paper", "--password-stdin", NULL);
  reset_settings ();
  g_settings_set_boolean (settings, "remember-username", FALSE);

  window = new_window ();
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (LOGIN (window, "remember_switch"))));
  submit_login (window, TL_MODE_PAPER, "PlainUser", "plain-password");
  wait_page (window, "session");
  session = tl_auth_client_get_session (tl_window_get_client (window));
  g_assert_cmpstr (session->username, ==, "plainuser");

  /* "Remember username" was off. */
  tl_test_app_spin (300);
  {
    g_auto(GStrv) usernames = remembered_usernames (TL_MODE_PAPER);

    g_assert_false (g_strv_contains ((const char * const *) usernames, "plainuser"));
  }

  log_out (window);
  tl_test_app_close_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Read once by the window class, before any thread could read the
   * environment too: a keep-alive test cannot wait a minute per tickle. */
  g_setenv ("TL_TICKLE_INTERVAL_SECONDS", "1", TRUE);
  tl_test_app_init (&argc, &argv);
  settings = g_settings_new (BASE_APP_ID);
  server = tl_test_server_new ();
  activate_ibkey ();

  g_test_add_func ("/tl/app/progress-cancel", test_progress_cancel);
  g_test_add_func ("/tl/app/wrong-password", test_wrong_password);
  g_test_add_func ("/tl/app/totp", test_totp);
  g_test_add_func ("/tl/app/remembered-username", test_remembered_username);
  g_test_add_func ("/tl/app/push", test_push);
  g_test_add_func ("/tl/app/challenge", test_challenge);
  g_test_add_func ("/tl/app/dsc", test_dsc);
  g_test_add_func ("/tl/app/sms", test_sms);
  g_test_add_func ("/tl/app/card", test_card);
  g_test_add_func ("/tl/app/temp-and-existing-session", test_temp_and_existing_session);
  g_test_add_func ("/tl/app/resume", test_resume);
  g_test_add_func ("/tl/app/launch", test_launch);
  g_test_add_func ("/tl/app/keep-alive", test_keep_alive);
  g_test_add_func ("/tl/app/no-second-factor", test_no_second_factor);
  g_test_add_func ("/tl/app/locked", test_locked);

  status = g_test_run ();

  tl_test_server_free (server);
  g_clear_pointer (&ibkey_secret, g_bytes_unref);
  g_clear_pointer (&ibkey_id, g_free);
  g_clear_object (&settings);

  return status;
}
