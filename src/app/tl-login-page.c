/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-login-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-login-page.h"
#include "tl-types.h"

struct _TlLoginPage
{
  TlPage       parent_instance;

  GtkToggleButton *live_button;
  GtkToggleButton *paper_button;
  GtkLabel    *title_label;
  GtkLabel    *subtitle_label;
  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
  GtkSwitch   *remember_switch;
  GtkMenuButton *usernames_button;
  GtkListBox  *usernames_list;   /* built with the first remembered name */
  GtkLabel    *username_hint;
  GtkWidget   *caps_lock_box;
  GtkLabel    *caps_lock_label;
  GtkLabel    *error_label;
  GtkButton   *log_in_button;

  GdkDevice   *keyboard;
  gulong       caps_lock_handler;

  /* The username entry holds a remembered name nobody typed: switching
   * mode may replace it with that mode's name. */
  gboolean     username_autofilled;
  gboolean     filling;
  gboolean     can_log_in;
};

G_DEFINE_FINAL_TYPE (TlLoginPage, tl_login_page, TL_TYPE_PAGE)

enum {
  PROP_0,
  PROP_MODE,
  PROP_REMEMBER,
  PROP_CAN_LOG_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_can_log_in (TlLoginPage *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autofree char *username = tl_username_normalize (typed, NULL, NULL);
  gboolean can_log_in = username != NULL && password[0] != '\0';

  if (can_log_in == self->can_log_in)
    return;

  self->can_log_in = can_log_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_LOG_IN]);
}

static void
update_mode_look (TlLoginPage *self)
{
  gboolean paper = tl_login_page_get_mode (self) == TL_MODE_PAPER;

  /* Paper and live must never be mistaken for each other: the button,
   * the texts and the accent all change. */
  gtk_button_set_label (self->log_in_button, paper ? _("Paper Log _In") : _("Log _In"));
  gtk_label_set_label (self->title_label, paper ? _("Log In to Paper Trading")
                                                : _("Log In to Live Trading"));
  gtk_label_set_label (self->subtitle_label,
                       paper ? _("A simulated account: no real money is at risk. Paper accounts have their own username and password.")
                             : _("Your live account trades with real money."));

  if (paper)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->log_in_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->log_in_button), "paper-action");
      gtk_widget_add_css_class (GTK_WIDGET (self), "paper");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->log_in_button), "paper-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->log_in_button), "suggested-action");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "paper");
    }
}

static void
mode_toggled_cb (TlLoginPage     *self,
                 GtkToggleButton *button)
{
  /* Both buttons of the group report; the active one speaks. */
  if (!gtk_toggle_button_get_active (button))
    return;

  update_mode_look (self);
  tl_login_page_set_error (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

static void
username_changed_cb (TlLoginPage *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  gboolean changed = FALSE;

  if (!self->filling)
    self->username_autofilled = FALSE;

  tl_login_page_set_error (self, NULL);

  username = tl_username_normalize (typed, &changed, &error);
  if (typed[0] == '\0')
    {
      /* An empty entry is not a mistake yet. */
      tl_page_set_label_text (self->username_hint, NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->username_row), "error");
    }
  else if (username == NULL)
    {
      tl_page_set_label_text (self->username_hint, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->username_hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->username_hint), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->username_row), "error");
    }
  else if (changed)
    {
      g_autofree char *text = g_strdup_printf (_("You will log in as “%s”."), username);

      tl_page_set_label_text (self->username_hint, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->username_hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->username_hint), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->username_row), "error");
    }
  else
    {
      tl_page_set_label_text (self->username_hint, NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->username_row), "error");
    }

  update_can_log_in (self);
}

static void
password_changed_cb (TlLoginPage *self)
{
  if (gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] != '\0')
    tl_login_page_set_error (self, NULL);

  update_can_log_in (self);
}

static void
username_activated_cb (TlLoginPage   *self,
                       GtkListBoxRow *row)
{
  const char *username = g_object_get_data (G_OBJECT (row), "username");

  gtk_menu_button_popdown (self->usernames_button);
  tl_login_page_set_username (self, username);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
caps_lock_changed_cb (TlLoginPage *self)
{
  gboolean on = self->keyboard != NULL && gdk_device_get_caps_lock_state (self->keyboard);

  gtk_widget_set_visible (self->caps_lock_box, on);

  /* A screen reader hears it with the password entry, and only while it
   * is true: a described-by relation would still point at the hidden
   * label. */
  if (on)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    gtk_label_get_text (self->caps_lock_label),
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->password_row),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
tl_login_page_map (GtkWidget *widget)
{
  TlLoginPage *self = TL_LOGIN_PAGE (widget);
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (widget));

  GTK_WIDGET_CLASS (tl_login_page_parent_class)->map (widget);

  self->keyboard = seat != NULL ? gdk_seat_get_keyboard (seat) : NULL;
  if (self->keyboard != NULL)
    self->caps_lock_handler =
      g_signal_connect_object (self->keyboard, "notify::caps-lock-state",
                               G_CALLBACK (caps_lock_changed_cb), self, G_CONNECT_SWAPPED);
  caps_lock_changed_cb (self);
}

static void
tl_login_page_unmap (GtkWidget *widget)
{
  TlLoginPage *self = TL_LOGIN_PAGE (widget);

  g_clear_signal_handler (&self->caps_lock_handler, self->keyboard);
  self->keyboard = NULL;

  GTK_WIDGET_CLASS (tl_login_page_parent_class)->unmap (widget);
}

static void
tl_login_page_shown (TlPage *page)
{
  tl_login_page_focus (TL_LOGIN_PAGE (page));
}

static void
tl_login_page_dispose (GObject *object)
{
  TlLoginPage *self = (TlLoginPage *) object;

  if (self->keyboard != NULL)
    g_clear_signal_handler (&self->caps_lock_handler, self->keyboard);

  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_LOGIN_PAGE);

  G_OBJECT_CLASS (tl_login_page_parent_class)->dispose (object);
}

static void
tl_login_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TlLoginPage *self = TL_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_int (value, tl_login_page_get_mode (self));
      break;
    case PROP_REMEMBER:
      g_value_set_boolean (value, tl_login_page_get_remember (self));
      break;
    case PROP_CAN_LOG_IN:
      g_value_set_boolean (value, self->can_log_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_login_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TlLoginPage *self = TL_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      tl_login_page_set_mode (self, g_value_get_int (value));
      break;
    case PROP_REMEMBER:
      tl_login_page_set_remember (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_login_page_class_init (TlLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_login_page_dispose;
  object_class->get_property = tl_login_page_get_property;
  object_class->set_property = tl_login_page_set_property;

  widget_class->map = tl_login_page_map;
  widget_class->unmap = tl_login_page_unmap;

  page_class->shown = tl_login_page_shown;

  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL,
                      TL_MODE_LIVE, TL_MODE_PAPER, TL_MODE_LIVE,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REMEMBER] =
    g_param_spec_boolean ("remember", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_LOG_IN] =
    g_param_spec_boolean ("can-log-in", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, live_button);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, paper_button);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, usernames_button);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, username_hint);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, caps_lock_box);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, caps_lock_label);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlLoginPage, log_in_button);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, username_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
}

static void
remember_notify_cb (TlLoginPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBER]);
}

/* Built in code, not in the template: the menu button owns its popover and
 * the template must not dispose it a second time. And only once there is
 * a name to list: the keyring answers after the window is on screen. */
static void
ensure_usernames_list (TlLoginPage *self)
{
  GtkWidget *popover;

  if (self->usernames_list != NULL)
    return;

  self->usernames_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->usernames_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->usernames_list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->usernames_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remembered usernames"),
                                  -1);
  g_signal_connect_object (self->usernames_list, "row-activated",
                           G_CALLBACK (username_activated_cb), self, G_CONNECT_SWAPPED);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->usernames_list));
  gtk_menu_button_set_popover (self->usernames_button, popover);
}

static void
tl_login_page_init (TlLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->remember_switch, "notify::active",
                           G_CALLBACK (remember_notify_cb), self, G_CONNECT_SWAPPED);

  /* The rows' titles name the entries for screen readers too. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->username_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Username"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Password"),
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->username_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->username_hint, NULL,
                                  -1);

  update_mode_look (self);
}

TlMode
tl_login_page_get_mode (TlLoginPage *self)
{
  g_return_val_if_fail (TL_IS_LOGIN_PAGE (self), TL_MODE_LIVE);

  return gtk_toggle_button_get_active (self->paper_button) ? TL_MODE_PAPER : TL_MODE_LIVE;
}

void
tl_login_page_set_mode (TlLoginPage *self,
                        TlMode       mode)
{
  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  /* The toggled handler notifies. */
  if (mode == TL_MODE_PAPER)
    gtk_toggle_button_set_active (self->paper_button, TRUE);
  else
    gtk_toggle_button_set_active (self->live_button, TRUE);
}

gboolean
tl_login_page_get_remember (TlLoginPage *self)
{
  g_return_val_if_fail (TL_IS_LOGIN_PAGE (self), FALSE);

  return gtk_switch_get_active (self->remember_switch);
}

void
tl_login_page_set_remember (TlLoginPage *self,
                            gboolean     remember)
{
  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  gtk_switch_set_active (self->remember_switch, remember);
}

gboolean
tl_login_page_get_can_log_in (TlLoginPage *self)
{
  g_return_val_if_fail (TL_IS_LOGIN_PAGE (self), FALSE);

  return self->can_log_in;
}

char *
tl_login_page_dup_username (TlLoginPage  *self,
                            GError      **error)
{
  g_return_val_if_fail (TL_IS_LOGIN_PAGE (self), NULL);

  return tl_username_normalize (gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                                NULL, error);
}

void
tl_login_page_set_username (TlLoginPage *self,
                            const char  *username)
{
  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username != NULL ? username : "");
}

const char *
tl_login_page_get_password (TlLoginPage *self)
{
  g_return_val_if_fail (TL_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->password_row));
}

void
tl_login_page_clear_password (TlLoginPage *self)
{
  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  /* Deleting (not replacing) lets the password buffer wipe its memory. */
  gtk_editable_delete_text (GTK_EDITABLE (self->password_row), 0, -1);
}

void
tl_login_page_set_usernames (TlLoginPage        *self,
                             const char * const *usernames)
{
  GtkWidget *child;
  const char *typed;

  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  if (usernames != NULL && usernames[0] != NULL)
    ensure_usernames_list (self);

  while (self->usernames_list != NULL &&
         (child = gtk_widget_get_first_child (GTK_WIDGET (self->usernames_list))) != NULL)
    gtk_list_box_remove (self->usernames_list, child);

  for (guint i = 0; usernames != NULL && usernames[i] != NULL; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (usernames[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "username", g_strdup (usernames[i]), g_free);
      gtk_list_box_append (self->usernames_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->usernames_button),
                          usernames != NULL && usernames[0] != NULL);

  typed = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  if (typed[0] == '\0' || self->username_autofilled)
    {
      self->filling = TRUE;
      tl_login_page_set_username (self, usernames != NULL ? usernames[0] : NULL);
      self->filling = FALSE;
      self->username_autofilled = usernames != NULL && usernames[0] != NULL;
    }
}

void
tl_login_page_set_error (TlLoginPage *self,
                         const char  *message)
{
  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  tl_page_set_label_text (self->error_label, message);
}

void
tl_login_page_focus (TlLoginPage *self)
{
  const char *typed;

  g_return_if_fail (TL_IS_LOGIN_PAGE (self));

  typed = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  if (typed[0] != '\0' && tl_username_is_valid (typed))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
}
