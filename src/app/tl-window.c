/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"
#include "tl-card-page.h"
#include "tl-challenge-page.h"
#include "tl-code-page.h"
#include "tl-credential-store.h"
#include "tl-device-page.h"
#include "tl-existing-page.h"
#include "tl-format.h"
#include "tl-locked-page.h"
#include "tl-login-page.h"
#include "tl-progress-page.h"
#include "tl-push-page.h"
#include "tl-resume-page.h"
#include "tl-server-settings.h"
#include "tl-session-page.h"
#include "tl-window.h"

/* How often a running trading program's session is kept alive. */
#define TICKLE_INTERVAL_SECONDS 60

/* TICKLE_INTERVAL_SECONDS, or TL_TICKLE_INTERVAL_SECONDS for tests and
 * debugging (read once, in class_init): nobody waits a minute per tickle. */
static guint tickle_interval_seconds = TICKLE_INTERVAL_SECONDS;

struct _TlWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkRevealer          *paper_revealer;
  GtkWidget            *paper_banner;
  GtkMenuButton        *menu_button;
  GMenuModel           *primary_menu;
  GtkStack             *stack;
  /* From the template: what the window shows at start. */
  TlLoginPage          *login_page;
  /* Built when first needed (ensure_page); NULL until then. */
  TlProgressPage       *progress_page;
  TlExistingPage       *existing_page;
  TlDevicePage         *device_page;
  TlPushPage           *push_page;
  TlChallengePage      *challenge_page;
  TlCodePage           *code_page;
  TlCardPage           *card_page;
  TlLockedPage         *locked_page;
  TlSessionPage        *session_page;
  TlResumePage         *resume_page;

  GSettings            *settings;
  GCancellable         *cancellable;
  TlCredentialStore    *store;
  TlLauncher           *launcher;

  /* The start-up work that waits for the first frame. */
  GdkFrameClock        *first_frame_clock;
  gulong                first_frame_handler;
  guint                 startup_idle_id;
  gboolean              started_up;

  TlAuthClient         *client;
  gulong                state_handler;
  gulong                session_handler;

  /* A session found in the keyring at start, offered for resuming. */
  TlSession            *stored_session;
  /* Whose stored session to delete once the logout went through. */
  char                 *client_username_for_logout;

  char                 *last_toast;
  AdwToast             *toast;         /* weak: the one on screen */
  guint                 tickle_id;
  GCancellable         *tickle_cancellable;
  guint                 usernames_serial;
  gboolean              choosing_device;
  gboolean              resuming;
  gboolean              logged_in_handled;
};

G_DEFINE_FINAL_TYPE (TlWindow, tl_window, ADW_TYPE_APPLICATION_WINDOW)

static void sync_page (TlWindow *self);
static void step_done_cb (TlWindow *self);
static void page_toast_cb (TlWindow   *self,
                           const char *message);

/* The window's pages by name. Only the login page comes with the
 * template: building all eleven at start, with their CSS nodes and text,
 * was a fifth of the start-up work and 11 MB (docs/performance.md). The
 * progress page, which every login shows first, is built right after
 * the first frame instead of in the middle of the first login. */
typedef struct
{
  const char *name;
  GType     (*get_type) (void);
  gsize       offset;
} PageInfo;

static const PageInfo page_infos[] = {
  { "login", tl_login_page_get_type, G_STRUCT_OFFSET (TlWindow, login_page) },
  { "progress", tl_progress_page_get_type, G_STRUCT_OFFSET (TlWindow, progress_page) },
  { "existing", tl_existing_page_get_type, G_STRUCT_OFFSET (TlWindow, existing_page) },
  { "device", tl_device_page_get_type, G_STRUCT_OFFSET (TlWindow, device_page) },
  { "push", tl_push_page_get_type, G_STRUCT_OFFSET (TlWindow, push_page) },
  { "challenge", tl_challenge_page_get_type, G_STRUCT_OFFSET (TlWindow, challenge_page) },
  { "code", tl_code_page_get_type, G_STRUCT_OFFSET (TlWindow, code_page) },
  { "card", tl_card_page_get_type, G_STRUCT_OFFSET (TlWindow, card_page) },
  { "locked", tl_locked_page_get_type, G_STRUCT_OFFSET (TlWindow, locked_page) },
  { "session", tl_session_page_get_type, G_STRUCT_OFFSET (TlWindow, session_page) },
  { "resume", tl_resume_page_get_type, G_STRUCT_OFFSET (TlWindow, resume_page) },
};

static TlPage **
page_slot (TlWindow *self,
           guint     i)
{
  return G_STRUCT_MEMBER_P (self, page_infos[i].offset);
}

/* The page @i if it has been built, else NULL. */
static TlPage *
built_page (TlWindow *self,
            guint     i)
{
  return *page_slot (self, i);
}

static void
setup_page (TlWindow *self,
            TlPage   *page)
{
  tl_page_set_cancellable (page, self->cancellable);
  tl_page_set_client (page, self->client);
  g_signal_connect_object (page, "step-done",
                           G_CALLBACK (step_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "toast",
                           G_CALLBACK (page_toast_cb), self, G_CONNECT_SWAPPED);
}

/* The page called @name, built and added to the stack if this is its
 * first use; NULL for a name the window does not have. */
static TlPage *
ensure_page (TlWindow   *self,
             const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_infos); i++)
    {
      TlPage **slot;

      if (!g_str_equal (page_infos[i].name, name))
        continue;

      slot = page_slot (self, i);
      if (*slot == NULL)
        {
          TlPage *page = g_object_new (page_infos[i].get_type (), NULL);

          setup_page (self, page);
          /* The stack owns it; the slot is a plain pointer, as the
           * template's children are. */
          gtk_stack_add_named (self->stack, GTK_WIDGET (page), name);
          *slot = page;
        }

      return *slot;
    }

  return NULL;
}

static gboolean
is_error_quiet (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

void
tl_window_dismiss_toast (TlWindow *self)
{
  g_return_if_fail (TL_IS_WINDOW (self));

  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_clear_weak_pointer (&self->toast);
}

static void
show_toast (TlWindow *self,
            AdwToast *toast)
{
  /* News replaces news: a queue of stale toasts helps nobody. */
  tl_window_dismiss_toast (self);

  g_free (self->last_toast);
  self->last_toast = g_strdup (adw_toast_get_title (toast));
  g_set_weak_pointer (&self->toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
tl_window_toast (TlWindow   *self,
                 const char *message)
{
  g_return_if_fail (TL_IS_WINDOW (self));

  show_toast (self, adw_toast_new (message));
}

static void
toast_with_preferences (TlWindow   *self,
                        const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_button_label (toast, _("_Preferences"));
  adw_toast_set_action_name (toast, "app.preferences");
  adw_toast_set_timeout (toast, 0);
  show_toast (self, toast);
}

static void
page_toast_cb (TlWindow   *self,
               const char *message)
{
  tl_window_toast (self, message);
}

static TlMode
current_mode (TlWindow *self)
{
  if (self->client != NULL && !g_str_equal (tl_window_get_page_name (self), "login"))
    return tl_server_profile_get_mode (tl_auth_client_get_profile (self->client));

  return tl_login_page_get_mode (self->login_page);
}

/* A revealer measures its child even when it shows none of it, and the
 * banner's wrapped label cost a third of the start-up's text layout. */
static void
paper_revealer_child_revealed_cb (TlWindow    *self,
                                  GParamSpec  *pspec,
                                  GtkRevealer *revealer)
{
  if (!gtk_revealer_get_child_revealed (revealer))
    gtk_widget_set_visible (self->paper_banner, FALSE);
}

static void
update_mode_look (TlWindow *self)
{
  TlMode mode = current_mode (self);

  if (mode == TL_MODE_PAPER)
    gtk_widget_set_visible (self->paper_banner, TRUE);
  gtk_revealer_set_reveal_child (self->paper_revealer, mode == TL_MODE_PAPER);
  adw_window_title_set_subtitle (self->window_title, tl_mode_describe (mode));
  if (mode == TL_MODE_PAPER)
    gtk_widget_add_css_class (GTK_WIDGET (self), "paper");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "paper");
}

static void
set_action_enabled (TlWindow   *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static TlSession *
current_session (TlWindow *self)
{
  if (self->client == NULL || tl_auth_client_get_state (self->client) != TL_AUTH_STATE_LOGGED_IN)
    return NULL;

  return tl_auth_client_get_session (self->client);
}

static void
update_actions (TlWindow *self)
{
  TlAuthState state = self->client != NULL ? tl_auth_client_get_state (self->client)
                                           : TL_AUTH_STATE_IDLE;
  GListModel *devices = self->client != NULL ? tl_auth_client_get_devices (self->client) : NULL;
  TlSession *session = current_session (self);
  g_auto(GStrv) command = NULL;
  gboolean in_login = state >= TL_AUTH_STATE_CONNECTING && state <= TL_AUTH_STATE_NEED_CARD;
  gboolean second_factor = state >= TL_AUTH_STATE_WAITING_PUSH && state <= TL_AUTH_STATE_NEED_CARD;

  if (session != NULL)
    command = tl_server_settings_dup_command (self->settings, session->mode);

  set_action_enabled (self, "log-in", tl_login_page_get_can_log_in (self->login_page));
  set_action_enabled (self, "cancel", in_login || state == TL_AUTH_STATE_LOCKED || self->resuming);
  set_action_enabled (self, "choose-device",
                      second_factor && devices != NULL && g_list_model_get_n_items (devices) > 1);
  set_action_enabled (self, "launch",
                      session != NULL && command != NULL && !tl_launcher_get_running (self->launcher));
  set_action_enabled (self, "log-out", session != NULL);
  set_action_enabled (self, "resume", self->stored_session != NULL && !self->resuming);
  set_action_enabled (self, "skip-resume", self->stored_session != NULL && !self->resuming);
}

static void
show_page (TlWindow   *self,
           const char *name)
{
  TlPage *page = ensure_page (self, name);
  gboolean changed = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) != 0;

  g_return_if_fail (page != NULL);

  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (page));
  gtk_window_set_default_widget (GTK_WINDOW (self), tl_page_get_default_widget (page));

  if (changed)
    tl_page_shown (page);

  update_mode_look (self);
  update_actions (self);
}

/* Launching and keeping the session alive */

static void
set_launch_status (TlWindow   *self,
                   const char *status)
{
  tl_session_page_set_launch_status (TL_SESSION_PAGE (ensure_page (self, "session")), status);
}

static void
update_launch_status (TlWindow *self)
{
  TlSession *session = current_session (self);
  g_auto(GStrv) command = NULL;
  g_autofree char *status = NULL;

  if (session == NULL)
    return;

  command = tl_server_settings_dup_command (self->settings, session->mode);
  if (tl_launcher_get_running (self->launcher))
    /* Translators: %s is the name of the trading program. */
    status = g_strdup_printf (_("%s is running. This session is kept alive while it runs."),
                              tl_launcher_get_program (self->launcher));
  else if (command == NULL)
    status = g_strdup (session->mode == TL_MODE_PAPER
                       ? _("No trading app is set for paper trading. You can choose one in Preferences.")
                       : _("No trading app is set for live trading. You can choose one in Preferences."));

  if (status != NULL)
    set_launch_status (self, status);
}

static void
stop_tickling (TlWindow *self)
{
  g_clear_handle_id (&self->tickle_id, g_source_remove);

  /* A tickle still on its way could come back after a logout and report
   * the session it ended as lost. */
  g_cancellable_cancel (self->tickle_cancellable);
  g_clear_object (&self->tickle_cancellable);
}

static void
tickle_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tl_auth_client_tickle_finish (TL_AUTH_CLIENT (object), result, &error) &&
      !is_error_quiet (error))
    {
      TlWindow *self = user_data;

      if (TL_AUTH_CLIENT (object) == self->client)
        tl_window_toast (self, error->message);
    }
}

static gboolean
tickle_timeout_cb (gpointer user_data)
{
  TlWindow *self = user_data;

  if (current_session (self) == NULL || !tl_launcher_get_running (self->launcher))
    {
      self->tickle_id = 0;
      stop_tickling (self);
      return G_SOURCE_REMOVE;
    }

  /* The window outlives the call: dispose cancels it first. */
  tl_auth_client_tickle_async (self->client, self->tickle_cancellable, tickle_cb, self);

  return G_SOURCE_CONTINUE;
}

static void
launch (TlWindow *self)
{
  TlSession *session = current_session (self);
  g_auto(GStrv) command = NULL;
  g_autoptr(GError) error = NULL;
  const char *base_url;

  if (session == NULL)
    return;

  command = tl_server_settings_dup_command (self->settings, session->mode);
  if (command == NULL)
    {
      update_launch_status (self);
      return;
    }

  base_url = tl_server_profile_get_base_url (tl_auth_client_get_profile (self->client));
  if (!tl_launcher_launch (self->launcher, (const char * const *) command, base_url, session, &error))
    {
      g_autofree char *status = g_strdup_printf (_("The trading app could not be started: %s"),
                                                 error->message);

      set_launch_status (self, status);
      tl_window_toast (self, status);
      update_actions (self);
      return;
    }

  if (self->tickle_id == 0)
    {
      g_clear_object (&self->tickle_cancellable);
      self->tickle_cancellable = g_cancellable_new ();
      self->tickle_id = g_timeout_add_seconds (tickle_interval_seconds, tickle_timeout_cb, self);
    }

  update_launch_status (self);
  update_actions (self);
}

static void
launcher_exited_cb (TlWindow   *self,
                    const char *message)
{
  stop_tickling (self);
  set_launch_status (self, message);
  tl_window_toast (self, message);
  update_actions (self);
}

static void
launch_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  launch (TL_WINDOW (user_data));
}

/* After a login */

static void
report_keyring_error (TlWindow     *self,
                      const GError *error)
{
  g_autofree char *message = NULL;

  if (is_error_quiet (error))
    return;

  /* Not being able to remember is worth knowing, not worth stopping for. */
  message = g_strdup_printf (_("The keyring could not be updated: %s"), error->message);
  tl_window_toast (self, message);
}

static void
save_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TlWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tl_credential_store_save_session_finish (TL_CREDENTIAL_STORE (object), result, &error))
    report_keyring_error (self, error);
}

static void
remember_username_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TlWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tl_credential_store_remember_username_finish (TL_CREDENTIAL_STORE (object), result, &error))
    report_keyring_error (self, error);
}

static void
forget_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Forgetting a name that was never remembered is no news. */
  tl_credential_store_forget_username_finish (TL_CREDENTIAL_STORE (object), result, &error);
}

static void
logged_in (TlWindow *self)
{
  TlSession *session = current_session (self);
  const char *base_url;

  if (session == NULL || self->logged_in_handled)
    return;

  self->logged_in_handled = TRUE;
  base_url = tl_server_profile_get_base_url (tl_auth_client_get_profile (self->client));

  set_launch_status (self, NULL);
  tl_credential_store_save_session_async (self->store, base_url, session, self->cancellable,
                                          save_session_cb, g_object_ref (self));

  if (!self->resuming)
    {
      if (tl_login_page_get_remember (self->login_page))
        tl_credential_store_remember_username_async (self->store, base_url, session->mode,
                                                     session->username, self->cancellable,
                                                     remember_username_cb, g_object_ref (self));
      else
        tl_credential_store_forget_username_async (self->store, base_url, session->mode,
                                                   session->username, self->cancellable,
                                                   forget_done_cb, NULL);
    }

  /* A configured trading program starts at once; otherwise the session
   * page stays with Launch and Log Out. */
  if (!tl_launcher_get_running (self->launcher))
    launch (self);
  update_launch_status (self);
}

/* Following the client */

static void
sync_page (TlWindow *self)
{
  TlAuthState state;

  if (self->client == NULL)
    {
      if (self->stored_session != NULL)
        show_page (self, "resume");
      else
        show_page (self, "login");
      return;
    }

  state = tl_auth_client_get_state (self->client);

  if (self->choosing_device &&
      state >= TL_AUTH_STATE_CHOOSE_DEVICE && state <= TL_AUTH_STATE_NEED_CARD)
    {
      show_page (self, "device");
      return;
    }

  switch (state)
    {
    case TL_AUTH_STATE_IDLE:
      show_page (self, self->resuming ? "progress" : "login");
      break;
    case TL_AUTH_STATE_CONNECTING:
    case TL_AUTH_STATE_AUTHENTICATING:
      show_page (self, "progress");
      break;
    case TL_AUTH_STATE_EXISTING_SESSION:
      show_page (self, "existing");
      break;
    case TL_AUTH_STATE_CHOOSE_DEVICE:
      show_page (self, "device");
      break;
    case TL_AUTH_STATE_WAITING_PUSH:
      show_page (self, "push");
      break;
    case TL_AUTH_STATE_NEED_RESPONSE:
      show_page (self, "challenge");
      break;
    case TL_AUTH_STATE_NEED_CODE:
      show_page (self, "code");
      break;
    case TL_AUTH_STATE_NEED_CARD:
      show_page (self, "card");
      break;
    case TL_AUTH_STATE_LOGGED_IN:
      show_page (self, "session");
      logged_in (self);
      break;
    case TL_AUTH_STATE_LOCKED:
      show_page (self, "locked");
      break;
    case TL_AUTH_STATE_FAILED:
      {
        const GError *error = tl_auth_client_get_error (self->client);

        tl_login_page_set_error (self->login_page,
                                 error != NULL ? error->message
                                               : _("The login did not succeed. Try again."));
        show_page (self, "login");
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
state_changed_cb (TlWindow *self)
{
  TlAuthState state = tl_auth_client_get_state (self->client);
  g_autoptr(GEnumClass) states = g_type_class_ref (TL_TYPE_AUTH_STATE);

  g_debug ("Login state: %s", g_enum_get_value (states, state)->value_nick);

  /* A new state ends a detour to the device list. */
  self->choosing_device = FALSE;
  if (state != TL_AUTH_STATE_LOGGED_IN)
    {
      self->logged_in_handled = FALSE;
      stop_tickling (self);
    }

  sync_page (self);
}

static void
session_changed_cb (TlWindow *self)
{
  update_launch_status (self);
  update_actions (self);
}

static void
set_client (TlWindow     *self,
            TlAuthClient *client)
{
  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->client);
      g_clear_signal_handler (&self->session_handler, self->client);
    }

  g_set_object (&self->client, client);
  self->choosing_device = FALSE;
  self->logged_in_handled = FALSE;
  stop_tickling (self);

  if (client != NULL)
    {
      self->state_handler = g_signal_connect_object (client, "notify::state",
                                                     G_CALLBACK (state_changed_cb), self,
                                                     G_CONNECT_SWAPPED);
      self->session_handler = g_signal_connect_object (client, "notify::session",
                                                       G_CALLBACK (session_changed_cb), self,
                                                       G_CONNECT_SWAPPED);
    }

  /* Pages not built yet get the client when they are. */
  for (guint i = 0; i < G_N_ELEMENTS (page_infos); i++)
    if (built_page (self, i) != NULL)
      tl_page_set_client (built_page (self, i), client);
}

static TlAuthClient *
create_client (TlWindow  *self,
               TlMode     mode,
               GError   **error)
{
  g_autoptr(TlServerProfile) profile = tl_server_settings_dup_profile (self->settings, mode, error);

  if (profile == NULL)
    return NULL;

  return tl_auth_client_new (profile);
}

/* Logging in */

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TlWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TlAuthClient *client = TL_AUTH_CLIENT (object);

  if (tl_auth_client_login_finish (client, result, &error) || is_error_quiet (error))
    return;

  if (client != self->client)
    return;

  switch (tl_auth_client_get_state (client))
    {
    case TL_AUTH_STATE_LOCKED:
      /* The locked page says it, with the countdown. */
      break;

    case TL_AUTH_STATE_IDLE:
    case TL_AUTH_STATE_FAILED:
    default:
      tl_login_page_set_error (self->login_page, error->message);
      show_page (self, "login");
      tl_login_page_focus (self->login_page);
      break;
    }
}

static void
log_in_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TlWindow *self = user_data;

  g_debug ("Log in (page %s)", tl_window_get_page_name (self));
  g_autoptr(TlAuthClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  TlMode mode = tl_login_page_get_mode (self->login_page);

  if (!g_str_equal (tl_window_get_page_name (self), "login"))
    return;

  username = tl_login_page_dup_username (self->login_page, &error);
  if (username == NULL)
    {
      tl_login_page_set_error (self->login_page, error->message);
      return;
    }

  if (tl_login_page_get_password (self->login_page)[0] == '\0')
    {
      tl_login_page_set_error (self->login_page, _("Enter your password."));
      return;
    }

  client = create_client (self, mode, &error);
  if (client == NULL)
    {
      tl_login_page_set_error (self->login_page, error->message);
      toast_with_preferences (self, _("Check the server settings."));
      return;
    }

  tl_login_page_set_error (self->login_page, NULL);
  self->resuming = FALSE;
  set_client (self, client);
  tl_auth_client_login_async (client, username,
                              tl_login_page_get_password (self->login_page),
                              self->cancellable, login_cb, g_object_ref (self));
  /* The client has its own copy; the form never keeps a password. */
  tl_login_page_clear_password (self->login_page);
  /* The keyring's key exchange runs during the login, not after it. */
  tl_credential_store_prepare_save (self->store, self->cancellable);
  sync_page (self);
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TlWindow *self = user_data;

  if (self->client != NULL)
    tl_auth_client_cancel (self->client);

  /* Whatever the old client still finishes is not shown any more. */
  self->resuming = FALSE;
  set_client (self, NULL);
  tl_login_page_set_error (self->login_page, NULL);
  show_page (self, "login");
}

static void
choose_device_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TlWindow *self = user_data;

  self->choosing_device = TRUE;
  sync_page (self);
}

static void
step_done_cb (TlWindow *self)
{
  self->choosing_device = FALSE;
  sync_page (self);
}

/* Logging out */

static void
delete_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tl_credential_store_delete_session_finish (TL_CREDENTIAL_STORE (object), result, &error) &&
      !is_error_quiet (error))
    g_debug ("Could not delete the stored session: %s", error->message);
}

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TlAuthClient *client = TL_AUTH_CLIENT (object);
  TlServerProfile *profile = tl_auth_client_get_profile (client);

  if (!tl_auth_client_logout_finish (client, result, &error))
    {
      if (is_error_quiet (error) || client != self->client)
        return;

      /* An ended session is as good as a logout. */
      if (!g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        {
          tl_window_toast (self, error->message);
          sync_page (self);
          return;
        }
    }

  if (self->client_username_for_logout != NULL)
    tl_credential_store_delete_session_async (self->store,
                                              tl_server_profile_get_base_url (profile),
                                              tl_server_profile_get_mode (profile),
                                              self->client_username_for_logout,
                                              self->cancellable, delete_session_cb, NULL);

  if (client != self->client)
    return;

  set_client (self, NULL);
  tl_window_toast (self, tl_launcher_get_running (self->launcher)
                         ? _("You have logged out. The trading app has lost its session.")
                         : _("You have logged out."));
  show_page (self, "login");
}

static void
log_out (TlWindow *self)
{
  TlSession *session = current_session (self);

  if (session == NULL)
    return;

  g_free (self->client_username_for_logout);
  self->client_username_for_logout = g_strdup (session->username);
  stop_tickling (self);

  tl_progress_page_set_message (TL_PROGRESS_PAGE (ensure_page (self, "progress")), _("Logging Out…"));
  show_page (self, "progress");
  tl_auth_client_logout_async (self->client, self->cancellable, logout_cb, g_object_ref (self));
}

static void
log_out_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     TlWindow         *self)
{
  if (g_str_equal (response, "log-out"))
    log_out (self);
}

static void
log_out_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TlWindow *self = user_data;
  GtkWidget *dialog;

  if (!tl_launcher_get_running (self->launcher))
    {
      log_out (self);
      return;
    }

  /* Logging out under a running trading program pulls its session away. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Log Out?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s is still running. It loses its session when you log out."),
                                  tl_launcher_get_program (self->launcher));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "log-out", _("_Log Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "log-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (log_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Resuming a stored session */

static void
resume_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TlAuthClient *client = TL_AUTH_CLIENT (object);
  TlServerProfile *profile = tl_auth_client_get_profile (client);
  g_autoptr(TlSession) stored = NULL;

  if (client != self->client)
    return;

  self->resuming = FALSE;
  stored = g_steal_pointer (&self->stored_session);
  if (tl_auth_client_resume_finish (client, result, &error))
    {
      sync_page (self);
      return;
    }

  if (is_error_quiet (error))
    return;

  if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION) && stored != NULL)
    {
      tl_credential_store_delete_session_async (self->store,
                                                tl_server_profile_get_base_url (profile),
                                                stored->mode, stored->username,
                                                self->cancellable, delete_session_cb, NULL);
      tl_login_page_set_error (self->login_page, _("Your saved session has ended. Log in again."));
    }
  else
    tl_login_page_set_error (self->login_page, error->message);

  set_client (self, NULL);
  show_page (self, "login");
}

static void
resume_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TlWindow *self = user_data;
  g_autoptr(TlAuthClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (self->stored_session == NULL)
    return;

  client = create_client (self, self->stored_session->mode, &error);
  if (client == NULL)
    {
      g_clear_pointer (&self->stored_session, tl_session_free);
      tl_login_page_set_error (self->login_page, error->message);
      show_page (self, "login");
      return;
    }

  self->resuming = TRUE;
  set_client (self, client);
  tl_progress_page_set_message (TL_PROGRESS_PAGE (ensure_page (self, "progress")), _("Resuming Session…"));
  show_page (self, "progress");
  tl_auth_client_resume_async (client, self->stored_session, self->cancellable,
                               resume_cb, g_object_ref (self));
}

static void
skip_resume_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TlWindow *self = user_data;

  g_clear_pointer (&self->stored_session, tl_session_free);
  show_page (self, "login");
}

static void
lookup_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TlWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;

  session = tl_credential_store_lookup_session_finish (TL_CREDENTIAL_STORE (object), result, &error);
  if (session == NULL)
    {
      if (error != NULL && !is_error_quiet (error))
        g_debug ("No stored session: %s", error->message);
      return;
    }

  /* Only offer it while nobody has started anything else. */
  if (self->client != NULL || !g_str_equal (tl_window_get_page_name (self), "login"))
    return;

  tl_login_page_set_username (self->login_page, session->username);
  tl_resume_page_set_session (TL_RESUME_PAGE (ensure_page (self, "resume")), session);
  self->stored_session = g_steal_pointer (&session);
  show_page (self, "resume");
}

static void
lookup_stored_session (TlWindow *self)
{
  TlMode mode = tl_login_page_get_mode (self->login_page);
  g_autoptr(TlServerProfile) profile = tl_server_settings_dup_profile (self->settings, mode, NULL);

  /* Without a usable server there is nothing to resume. */
  if (profile == NULL)
    return;

  tl_credential_store_lookup_session_async (self->store, tl_server_profile_get_base_url (profile),
                                            mode, NULL, self->cancellable,
                                            lookup_session_cb, g_object_ref (self));
}

/* Remembered usernames */

typedef struct
{
  TlWindow *self;
  guint     serial;
} UsernamesRequest;

static void
list_usernames_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  UsernamesRequest *request = user_data;
  g_autoptr(TlWindow) self = request->self;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) usernames = NULL;
  guint serial = request->serial;

  g_free (request);

  usernames = tl_credential_store_list_usernames_finish (TL_CREDENTIAL_STORE (object), result, &error);
  if (error != NULL)
    {
      if (!is_error_quiet (error))
        g_debug ("No remembered usernames: %s", error->message);
      return;
    }

  /* Only the answer for the mode now chosen counts. */
  if (serial != self->usernames_serial)
    return;

  tl_login_page_set_usernames (self->login_page, (const char * const *) usernames);
}

static void
load_usernames (TlWindow *self)
{
  TlMode mode = tl_login_page_get_mode (self->login_page);
  g_autoptr(TlServerProfile) profile = tl_server_settings_dup_profile (self->settings, mode, NULL);
  UsernamesRequest *request;

  self->usernames_serial++;
  tl_login_page_set_usernames (self->login_page, NULL);

  if (profile == NULL)
    return;

  request = g_new0 (UsernamesRequest, 1);
  request->self = g_object_ref (self);
  request->serial = self->usernames_serial;
  tl_credential_store_list_usernames_async (self->store, tl_server_profile_get_base_url (profile),
                                            mode, self->cancellable, list_usernames_cb, request);
}

static void
mode_changed_cb (TlWindow *self)
{
  TlMode mode = tl_login_page_get_mode (self->login_page);

  g_settings_set_enum (self->settings, "last-mode", mode);
  load_usernames (self);
  update_mode_look (self);
}

static void
can_log_in_changed_cb (TlWindow *self)
{
  update_actions (self);
}

static void
command_changed_cb (TlWindow *self)
{
  update_launch_status (self);
  update_actions (self);
}

/* Window state */

static gboolean
tl_window_close_request (GtkWindow *window)
{
  TlWindow *self = TL_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (tl_window_parent_class)->close_request (window);
}

static void
tl_window_constructed (GObject *object)
{
  TlWindow *self = (TlWindow *) object;

  G_OBJECT_CLASS (tl_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (360, g_settings_get_int (self->settings, "window-width")),
                               MAX (294, g_settings_get_int (self->settings, "window-height")));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tl_login_page_set_mode (self->login_page, g_settings_get_enum (self->settings, "last-mode"));
  g_settings_bind (self->settings, "remember-username", self->login_page, "remember",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->login_page, "notify::mode",
                           G_CALLBACK (mode_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->login_page, "notify::can-log-in",
                           G_CALLBACK (can_log_in_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::launch-command-live",
                           G_CALLBACK (command_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::launch-command-paper",
                           G_CALLBACK (command_changed_cb), self, G_CONNECT_SWAPPED);

  show_page (self, "login");
  /* The keyring lookups wait for the first frame (tl_window_map). */
}

/* Start-up work the first frame does not need */

static gboolean
startup_idle_cb (gpointer user_data)
{
  TlWindow *self = user_data;

  self->startup_idle_id = 0;

  /* The form is on screen already: remembered names fill it in, and a
   * stored session is offered, as soon as the keyring answers. */
  load_usernames (self);
  lookup_stored_session (self);
  /* The first login must not load the TLS module on the main thread. */
  tl_auth_client_load_tls_backend ();
  ensure_page (self, "progress");

  return G_SOURCE_REMOVE;
}

static void
stop_watching_first_frame (TlWindow *self)
{
  /* A surface destroyed before its first frame disposes its clock, and
   * with it every handler. */
  if (self->first_frame_clock != NULL &&
      g_signal_handler_is_connected (self->first_frame_clock, self->first_frame_handler))
    g_signal_handler_disconnect (self->first_frame_clock, self->first_frame_handler);
  self->first_frame_handler = 0;
  g_clear_object (&self->first_frame_clock);
}

static void
first_frame_cb (GdkFrameClock *frame_clock,
                TlWindow      *self)
{
  stop_watching_first_frame (self);
  self->started_up = TRUE;

  /* An idle, not here: the frame is done only when after-paint returns,
   * and input that came in meanwhile goes first. */
  self->startup_idle_id = g_idle_add (startup_idle_cb, self);
}

static void
watch_first_frame (TlWindow *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->started_up || frame_clock == NULL || frame_clock == self->first_frame_clock)
    return;

  /* A new surface (unmapped and mapped again before drawing) has a new
   * clock. */
  stop_watching_first_frame (self);
  self->first_frame_clock = g_object_ref (frame_clock);
  self->first_frame_handler = g_signal_connect (frame_clock, "after-paint",
                                                G_CALLBACK (first_frame_cb), self);
}

/* show_page() tells a page it is shown only when the page changes; the
 * first page is already visible when the window is built, so it hears it
 * here, when it can take the focus. */
/* Without a GPU, each frame of a crossfade renders both pages and blends
 * them: 5 to 10 ms a frame at this size, which made the longest stall of
 * a login (docs/performance.md). There, pages switch at once. */
static void
tl_window_realize (GtkWidget *widget)
{
  TlWindow *self = TL_WINDOW (widget);

  GTK_WIDGET_CLASS (tl_window_parent_class)->realize (widget);

  if (GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (widget))))
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
tl_window_map (GtkWidget *widget)
{
  TlWindow *self = TL_WINDOW (widget);
  GtkWidget *page;

  GTK_WIDGET_CLASS (tl_window_parent_class)->map (widget);

  page = gtk_stack_get_visible_child (self->stack);
  if (page != NULL)
    tl_page_shown (TL_PAGE (page));

  watch_first_frame (self);
}

static void
tl_window_dispose (GObject *object)
{
  TlWindow *self = (TlWindow *) object;

  g_cancellable_cancel (self->cancellable);
  stop_tickling (self);
  stop_watching_first_frame (self);
  g_clear_handle_id (&self->startup_idle_id, g_source_remove);
  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->client);
      g_clear_signal_handler (&self->session_handler, self->client);
    }

  /* The window keeps a pointer to its content: drop it before the
   * template's teardown frees it. */
  gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TL_TYPE_WINDOW);
  /* The pages built later went with the stack. */
  for (guint i = 0; i < G_N_ELEMENTS (page_infos); i++)
    *page_slot (self, i) = NULL;

  g_clear_object (&self->client);
  g_clear_object (&self->launcher);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->stored_session, tl_session_free);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_weak_pointer (&self->toast);
  g_clear_pointer (&self->client_username_for_logout, g_free);

  G_OBJECT_CLASS (tl_window_parent_class)->dispose (object);
}

static guint
read_tickle_interval (void)
{
  const char *text = g_getenv ("TL_TICKLE_INTERVAL_SECONDS");
  g_autoptr(GError) error = NULL;
  guint64 seconds;

  if (text == NULL || text[0] == '\0')
    return TICKLE_INTERVAL_SECONDS;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 3600, &seconds, &error))
    {
      g_warning ("Ignoring TL_TICKLE_INTERVAL_SECONDS: %s", error->message);
      return TICKLE_INTERVAL_SECONDS;
    }

  return (guint) seconds;
}

static void
tl_window_class_init (TlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tl_window_constructed;
  object_class->dispose = tl_window_dispose;
  widget_class->realize = tl_window_realize;
  widget_class->map = tl_window_map;
  window_class->close_request = tl_window_close_request;

  tickle_interval_seconds = read_tickle_interval ();

  /* The template's pages; the others are registered when first built. */
  g_type_ensure (TL_TYPE_LOGIN_PAGE);
  g_type_ensure (TL_TYPE_PROGRESS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, paper_revealer);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, paper_banner);
  gtk_widget_class_bind_template_callback (widget_class, paper_revealer_child_revealed_cb);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TlWindow, login_page);
}

/* The menu and the shortcuts window are built when first asked for:
 * nobody sees them in the first frame. */

static void
create_menu_cb (GtkMenuButton *menu_button,
                gpointer       user_data)
{
  TlWindow *self = user_data;

  if (gtk_menu_button_get_menu_model (menu_button) == NULL)
    gtk_menu_button_set_menu_model (menu_button, self->primary_menu);
}

/* As GtkApplication would set it up from RESOURCE_PATH/gtk/help-overlay.ui,
 * which it builds for every window before the window is shown. */
static void
show_help_overlay_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  GtkApplicationWindow *window = user_data;
  GtkShortcutsWindow *help_overlay = gtk_application_window_get_help_overlay (window);

  if (help_overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PATH "/help-overlay.ui");

      help_overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      /* This action stays: the window's own is added only when it has none. */
      gtk_application_window_set_help_overlay (window, help_overlay);
    }

  gtk_window_present (GTK_WINDOW (help_overlay));
}

static const GActionEntry win_actions[] = {
  { "show-help-overlay", show_help_overlay_action },
  { "log-in", log_in_action },
  { "cancel", cancel_action },
  { "choose-device", choose_device_action },
  { "launch", launch_action },
  { "log-out", log_out_action },
  { "resume", resume_action },
  { "skip-resume", skip_resume_action },
};

static void
tl_window_init (TlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APP_ID);
  self->cancellable = g_cancellable_new ();
  self->store = tl_credential_store_new ();
  self->launcher = tl_launcher_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_menu_cb, self, NULL);

  setup_page (self, TL_PAGE (self->login_page));

  g_signal_connect_object (self->launcher, "exited",
                           G_CALLBACK (launcher_exited_cb), self, G_CONNECT_SWAPPED);

#if DEVELOPMENT
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

TlWindow *
tl_window_new (GtkApplication *application)
{
  return g_object_new (TL_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

const char *
tl_window_get_page_name (TlWindow *self)
{
  g_return_val_if_fail (TL_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

TlPage *
tl_window_get_page (TlWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (TL_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return ensure_page (self, name);
}

TlAuthClient *
tl_window_get_client (TlWindow *self)
{
  g_return_val_if_fail (TL_IS_WINDOW (self), NULL);

  return self->client;
}

TlLauncher *
tl_window_get_launcher (TlWindow *self)
{
  g_return_val_if_fail (TL_IS_WINDOW (self), NULL);

  return self->launcher;
}

gboolean
tl_window_get_paper_marked (TlWindow *self)
{
  g_return_val_if_fail (TL_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->paper_revealer) &&
         gtk_widget_get_visible (self->paper_banner);
}

const char *
tl_window_get_last_toast (TlWindow *self)
{
  g_return_val_if_fail (TL_IS_WINDOW (self), NULL);

  return self->last_toast;
}
