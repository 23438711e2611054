/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-push-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-format.h"
#include "tl-push-page.h"

struct _TlPushPage
{
  TlPage          parent_instance;

  AdwStatusPage  *status_page;
  GtkLabel       *countdown_label;
  GtkLabel       *countdown_caption;
  GtkProgressBar *progress_bar;
  GtkLabel       *error_label;
  GtkButton      *challenge_button;
  GtkButton      *read_only_button;
  GtkButton      *other_button;

  guint           tick_id;
  gint64          deadline;
  gint64          total;
};

G_DEFINE_FINAL_TYPE (TlPushPage, tl_push_page, TL_TYPE_PAGE)

static void
update_countdown (TlPushPage *self)
{
  gint64 left = tl_seconds_until (self->deadline);
  g_autofree char *text = tl_format_countdown (left);

  if (self->deadline == 0)
    {
      gtk_label_set_text (self->countdown_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_caption), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      return;
    }

  gtk_label_set_text (self->countdown_label, text);
  gtk_label_set_text (self->countdown_caption,
                      left > 0 ? _("left to approve") : _("The notification has expired."));
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_caption), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 self->total > 0 ? CLAMP ((double) left / (double) self->total, 0, 1) : 0);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_countdown (user_data);

  return G_SOURCE_CONTINUE;
}

static void
set_busy (TlPushPage *self,
          gboolean    busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->challenge_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->read_only_button), !busy);
}

static void
tl_push_page_update (TlPage *page)
{
  TlPushPage *self = TL_PUSH_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  TlDevice *device;
  GListModel *devices;
  g_autofree char *description = NULL;
  gint64 deadline;

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_WAITING_PUSH)
    return;

  device = tl_auth_client_get_device (client);
  devices = tl_auth_client_get_devices (client);

  if (device != NULL && tl_device_get_label (device) != NULL && tl_device_get_label (device)[0] != '\0')
    /* Translators: %s is the name of the person's phone, e.g. "Pixel 8". */
    description = g_strdup_printf (_("A notification was sent to “%s”. Open it and approve this login."),
                                   tl_device_get_label (device));
  else
    description = g_strdup (_("A notification was sent to your authenticator app. Open it and approve this login."));
  adw_status_page_set_description (self->status_page, description);

  gtk_widget_set_visible (GTK_WIDGET (self->read_only_button),
                          tl_auth_client_get_read_only_allowed (client));
  gtk_widget_set_visible (GTK_WIDGET (self->other_button),
                          devices != NULL && g_list_model_get_n_items (devices) > 1);

  deadline = tl_auth_client_get_deadline (client);
  if (deadline != self->deadline)
    {
      self->deadline = deadline;
      self->total = tl_seconds_until (deadline);
    }
  update_countdown (self);
}

static void
wait_push_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TlPushPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The outcome shows as the client's state; a failure there is the
   * window's to show. This page only reports what leaves the state. */
  if (!tl_auth_client_wait_push_finish (TL_AUTH_CLIENT (object), result, &error) &&
      tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_WAITING_PUSH))
    tl_page_set_label_text (self->error_label, error->message);
}

static void
challenge_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TlPushPage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!tl_auth_client_request_challenge_finish (TL_AUTH_CLIENT (object), result, &error) &&
      tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_WAITING_PUSH))
    tl_page_set_label_text (self->error_label, error->message);
}

static void
challenge_clicked_cb (TlPushPage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));

  if (client == NULL)
    return;

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, TRUE);
  tl_auth_client_request_challenge_async (client, tl_page_get_cancellable (TL_PAGE (self)),
                                          challenge_cb, g_object_ref (self));
}

static void
read_only_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TlPushPage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!tl_auth_client_read_only_finish (TL_AUTH_CLIENT (object), result, &error) &&
      tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_WAITING_PUSH))
    tl_page_set_label_text (self->error_label, error->message);
}

static void
read_only_clicked_cb (TlPushPage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));

  if (client == NULL)
    return;

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, TRUE);
  tl_auth_client_read_only_async (client, tl_page_get_cancellable (TL_PAGE (self)),
                                  read_only_cb, g_object_ref (self));
}

static void
tl_push_page_shown (TlPage *page)
{
  TlPushPage *self = TL_PUSH_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, FALSE);
  self->deadline = 0;
  tl_push_page_update (page);

  if (client != NULL)
    tl_auth_client_wait_push_async (client, tl_page_get_cancellable (page),
                                    wait_push_cb, g_object_ref (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->challenge_button));
}

static void
tl_push_page_map (GtkWidget *widget)
{
  TlPushPage *self = TL_PUSH_PAGE (widget);

  GTK_WIDGET_CLASS (tl_push_page_parent_class)->map (widget);
  update_countdown (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
tl_push_page_unmap (GtkWidget *widget)
{
  TlPushPage *self = TL_PUSH_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tl_push_page_parent_class)->unmap (widget);
}

static void
tl_push_page_dispose (GObject *object)
{
  TlPushPage *self = (TlPushPage *) object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_PUSH_PAGE);

  G_OBJECT_CLASS (tl_push_page_parent_class)->dispose (object);
}

static void
tl_push_page_class_init (TlPushPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_push_page_dispose;
  widget_class->map = tl_push_page_map;
  widget_class->unmap = tl_push_page_unmap;
  page_class->update = tl_push_page_update;
  page_class->shown = tl_push_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-push-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, countdown_caption);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, challenge_button);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, read_only_button);
  gtk_widget_class_bind_template_child (widget_class, TlPushPage, other_button);
  gtk_widget_class_bind_template_callback (widget_class, challenge_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, read_only_clicked_cb);
}

static void
tl_push_page_init (TlPushPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
tl_push_page_get_countdown (TlPushPage *self)
{
  g_return_val_if_fail (TL_IS_PUSH_PAGE (self), NULL);

  return gtk_label_get_text (self->countdown_label);
}
