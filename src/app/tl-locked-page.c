/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-locked-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"
#include "tl-format.h"
#include "tl-locked-page.h"

struct _TlLockedPage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkLabel      *countdown_caption;
  GtkLabel      *countdown_label;
  GtkButton     *back_button;

  gint64         retry_after;
  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (TlLockedPage, tl_locked_page, TL_TYPE_PAGE)

static void
update_countdown (TlLockedPage *self)
{
  gint64 left = tl_seconds_until (self->retry_after);
  g_autofree char *text = tl_format_countdown (left);

  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), left > 0);
  gtk_label_set_text (self->countdown_label, text);
  gtk_label_set_text (self->countdown_caption,
                      self->retry_after == 0 ? _("Try again later.")
                      : left > 0 ? _("You can try again in")
                      : _("You can try again now."));
  gtk_button_set_label (self->back_button,
                        left > 0 || self->retry_after == 0 ? _("_Back to Log In") : _("_Try Again"));
}

static gboolean
tick_cb (gpointer user_data)
{
  update_countdown (user_data);

  return G_SOURCE_CONTINUE;
}

static void
tl_locked_page_update (TlPage *page)
{
  TlLockedPage *self = TL_LOCKED_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  const GError *error;

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_LOCKED)
    return;

  error = tl_auth_client_get_error (client);
  if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_THROTTLED))
    {
      adw_status_page_set_title (self->status_page, _("Too Many Attempts"));
      adw_status_page_set_icon_name (self->status_page, "preferences-system-time-symbolic");
    }
  else
    {
      adw_status_page_set_title (self->status_page, _("Login Locked"));
      adw_status_page_set_icon_name (self->status_page, "system-lock-screen-symbolic");
    }

  adw_status_page_set_description (self->status_page,
                                   error != NULL ? error->message
                                                 : _("Logging in is not possible for a while."));

  self->retry_after = tl_auth_client_get_retry_after (client);
  update_countdown (self);
}

static void
tl_locked_page_shown (TlPage *page)
{
  TlLockedPage *self = TL_LOCKED_PAGE (page);

  tl_locked_page_update (page);
  gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
}

static void
tl_locked_page_map (GtkWidget *widget)
{
  TlLockedPage *self = TL_LOCKED_PAGE (widget);

  GTK_WIDGET_CLASS (tl_locked_page_parent_class)->map (widget);
  update_countdown (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
tl_locked_page_unmap (GtkWidget *widget)
{
  TlLockedPage *self = TL_LOCKED_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tl_locked_page_parent_class)->unmap (widget);
}

static void
tl_locked_page_dispose (GObject *object)
{
  TlLockedPage *self = (TlLockedPage *) object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_LOCKED_PAGE);

  G_OBJECT_CLASS (tl_locked_page_parent_class)->dispose (object);
}

static void
tl_locked_page_class_init (TlLockedPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_locked_page_dispose;
  widget_class->map = tl_locked_page_map;
  widget_class->unmap = tl_locked_page_unmap;
  page_class->update = tl_locked_page_update;
  page_class->shown = tl_locked_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-locked-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlLockedPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlLockedPage, countdown_caption);
  gtk_widget_class_bind_template_child (widget_class, TlLockedPage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, TlLockedPage, back_button);
}

static void
tl_locked_page_init (TlLockedPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
tl_locked_page_get_title (TlLockedPage *self)
{
  g_return_val_if_fail (TL_IS_LOCKED_PAGE (self), NULL);

  return adw_status_page_get_title (self->status_page);
}

const char *
tl_locked_page_get_countdown (TlLockedPage *self)
{
  g_return_val_if_fail (TL_IS_LOCKED_PAGE (self), NULL);

  return gtk_label_get_text (self->countdown_label);
}
