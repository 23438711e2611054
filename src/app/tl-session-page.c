/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-session-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-format.h"
#include "tl-session-page.h"

struct _TlSessionPage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkLabel      *username_label;
  GtkLabel      *account_label;
  GtkLabel      *mode_label;
  GtkLabel      *access_label;
  GtkLabel      *time_left_label;
  GtkLabel      *launch_label;
  GtkButton     *launch_button;
  GtkButton     *log_out_button;

  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (TlSessionPage, tl_session_page, TL_TYPE_PAGE)

static TlSession *
get_session (TlSessionPage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_LOGGED_IN)
    return NULL;

  return tl_auth_client_get_session (client);
}

static void
update_time_left (TlSessionPage *self)
{
  TlSession *session = get_session (self);
  gint64 left;
  g_autofree char *text = NULL;

  if (session == NULL || session->expires_at == NULL)
    {
      gtk_label_set_text (self->time_left_label, "");
      return;
    }

  left = tl_session_seconds_left (session);
  text = left > 0 ? tl_format_countdown (left) : g_strdup (_("Expired"));
  gtk_label_set_text (self->time_left_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_time_left (user_data);

  return G_SOURCE_CONTINUE;
}

static void
tl_session_page_update (TlPage *page)
{
  TlSessionPage *self = TL_SESSION_PAGE (page);
  TlSession *session = get_session (self);
  gboolean paper;

  if (session == NULL)
    return;

  paper = session->mode == TL_MODE_PAPER;
  gtk_label_set_text (self->username_label, session->username);
  gtk_label_set_text (self->account_label, session->account);
  gtk_label_set_text (self->mode_label, tl_mode_describe (session->mode));
  if (paper)
    gtk_widget_add_css_class (GTK_WIDGET (self->mode_label), "paper-badge");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->mode_label), "paper-badge");

  gtk_label_set_text (self->access_label, session->read_only ? _("Read Only") : _("Full Access"));
  if (session->read_only)
    gtk_widget_add_css_class (GTK_WIDGET (self->access_label), "read-only-badge");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->access_label), "read-only-badge");

  adw_status_page_set_title (self->status_page,
                             paper ? _("You Are Logged In to Paper Trading")
                                   : _("You Are Logged In to Live Trading"));
  adw_status_page_set_description (self->status_page,
                                   session->read_only
                                   ? _("You can see your account but not trade.")
                                   : NULL);
  update_time_left (self);
}

static void
tl_session_page_shown (TlPage *page)
{
  TlSessionPage *self = TL_SESSION_PAGE (page);

  tl_session_page_update (page);
  gtk_widget_grab_focus (GTK_WIDGET (self->launch_button));
}

static void
tl_session_page_map (GtkWidget *widget)
{
  TlSessionPage *self = TL_SESSION_PAGE (widget);

  GTK_WIDGET_CLASS (tl_session_page_parent_class)->map (widget);
  update_time_left (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
tl_session_page_unmap (GtkWidget *widget)
{
  TlSessionPage *self = TL_SESSION_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tl_session_page_parent_class)->unmap (widget);
}

static void
tl_session_page_dispose (GObject *object)
{
  TlSessionPage *self = (TlSessionPage *) object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_SESSION_PAGE);

  G_OBJECT_CLASS (tl_session_page_parent_class)->dispose (object);
}

static void
tl_session_page_class_init (TlSessionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_session_page_dispose;
  widget_class->map = tl_session_page_map;
  widget_class->unmap = tl_session_page_unmap;
  page_class->update = tl_session_page_update;
  page_class->shown = tl_session_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-session-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, username_label);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, mode_label);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, access_label);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, time_left_label);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, launch_label);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, launch_button);
  gtk_widget_class_bind_template_child (widget_class, TlSessionPage, log_out_button);
}

static void
tl_session_page_init (TlSessionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
tl_session_page_set_launch_status (TlSessionPage *self,
                                   const char    *status)
{
  g_return_if_fail (TL_IS_SESSION_PAGE (self));

  tl_page_set_label_text (self->launch_label, status);
}

const char *
tl_session_page_get_launch_status (TlSessionPage *self)
{
  g_return_val_if_fail (TL_IS_SESSION_PAGE (self), NULL);

  return gtk_label_get_text (self->launch_label);
}

const char *
tl_session_page_get_field (TlSessionPage *self,
                           const char    *name)
{
  g_return_val_if_fail (TL_IS_SESSION_PAGE (self), NULL);

  if (g_str_equal (name, "username"))
    return gtk_label_get_text (self->username_label);
  if (g_str_equal (name, "account"))
    return gtk_label_get_text (self->account_label);
  if (g_str_equal (name, "mode"))
    return gtk_label_get_text (self->mode_label);
  if (g_str_equal (name, "access"))
    return gtk_label_get_text (self->access_label);
  if (g_str_equal (name, "time-left"))
    return gtk_label_get_text (self->time_left_label);

  g_return_val_if_reached (NULL);
}
