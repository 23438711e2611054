/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-device-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-device-page.h"
#include "tl-format.h"

struct _TlDevicePage
{
  TlPage      parent_instance;

  GtkListBox *device_list;
  GtkLabel   *error_label;
  GtkButton  *continue_button;

  GListModel *devices;
  gboolean    busy;
};

G_DEFINE_FINAL_TYPE (TlDevicePage, tl_device_page, TL_TYPE_PAGE)

static GtkWidget *
create_row (TlDevice  *device,
            GtkWidget *group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (tl_device_kind_icon_name (tl_device_get_kind (device)));
  const char *label = tl_device_get_label (device);
  const char *kind = tl_device_kind_describe (tl_device_get_kind (device));

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (group));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 label != NULL && label[0] != '\0' ? label : kind);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* A device the server names after its kind needs no second line. */
  if (label != NULL && label[0] != '\0' && g_strcmp0 (label, kind) != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), kind);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, kind,
                                  -1);
  {
    g_autofree char *check_label = g_strdup_printf ("%s (%s)",
                                                    label != NULL && label[0] != '\0' ? label : kind,
                                                    kind);

    gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, check_label,
                                    -1);
  }

  g_object_set_data_full (G_OBJECT (row), "device-id", g_strdup (tl_device_get_id (device)), g_free);
  g_object_set_data (G_OBJECT (row), "check", check);

  return row;
}

static void
rebuild (TlDevicePage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));
  TlDevice *in_use = client != NULL ? tl_auth_client_get_device (client) : NULL;
  GtkWidget *child, *group = NULL;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->device_list))) != NULL)
    gtk_list_box_remove (self->device_list, child);

  n = self->devices != NULL ? g_list_model_get_n_items (self->devices) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TlDevice) device = g_list_model_get_item (self->devices, i);
      GtkWidget *row = create_row (device, group);
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
      gboolean selected = in_use != NULL ? device == in_use || g_strcmp0 (tl_device_get_id (device), tl_device_get_id (in_use)) == 0
                                         : tl_device_get_is_default (device);

      if (group == NULL)
        group = check;
      if (selected)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);

      gtk_list_box_append (self->device_list, row);
    }

  /* Nothing marked as default: the first is as good a guess as any. */
  if (group != NULL && tl_device_page_get_selected (self) == NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (group), TRUE);
}

static void
tl_device_page_update (TlPage *page)
{
  TlDevicePage *self = TL_DEVICE_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  GListModel *devices = client != NULL ? tl_auth_client_get_devices (client) : NULL;

  if (devices == self->devices)
    return;

  g_set_object (&self->devices, devices);
  rebuild (self);
}

static void
set_busy (TlDevicePage *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_list), !busy);
}

static void
select_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;
  TlAuthClient *client = TL_AUTH_CLIENT (object);

  set_busy (self, FALSE);

  if (tl_auth_client_select_device_finish (client, result, &error))
    {
      tl_page_step_done (TL_PAGE (self));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      tl_page_get_client (TL_PAGE (self)) != client)
    return;

  /* Switching from a second-factor page may leave the client in that
   * page's state; the error belongs here all the same. */
  tl_page_set_label_text (self->error_label, error->message);
  if (tl_auth_client_get_state (client) != TL_AUTH_STATE_CHOOSE_DEVICE)
    tl_page_step_done (TL_PAGE (self));
}

static void
continue_clicked_cb (TlDevicePage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));
  const char *device_id = tl_device_page_get_selected (self);

  if (client == NULL || device_id == NULL || self->busy)
    return;

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, TRUE);
  tl_auth_client_select_device_async (client, device_id,
                                      tl_page_get_cancellable (TL_PAGE (self)),
                                      select_cb, g_object_ref (self));
}

static void
tl_device_page_shown (TlPage *page)
{
  TlDevicePage *self = TL_DEVICE_PAGE (page);
  GtkListBoxRow *row;

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, FALSE);
  /* The device in use may have changed since the list was built. */
  rebuild (self);

  row = gtk_list_box_get_row_at_index (self->device_list, 0);
  for (int i = 0; row != NULL; row = gtk_list_box_get_row_at_index (self->device_list, ++i))
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");

      if (gtk_check_button_get_active (check))
        {
          gtk_widget_grab_focus (GTK_WIDGET (row));
          break;
        }
    }
}

static void
tl_device_page_dispose (GObject *object)
{
  TlDevicePage *self = (TlDevicePage *) object;

  g_clear_object (&self->devices);
  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_DEVICE_PAGE);

  G_OBJECT_CLASS (tl_device_page_parent_class)->dispose (object);
}

static void
tl_device_page_class_init (TlDevicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_device_page_dispose;
  page_class->update = tl_device_page_update;
  page_class->shown = tl_device_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-device-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlDevicePage, device_list);
  gtk_widget_class_bind_template_child (widget_class, TlDevicePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlDevicePage, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, continue_clicked_cb);
}

static void
tl_device_page_init (TlDevicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
tl_device_page_get_selected (TlDevicePage *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TL_IS_DEVICE_PAGE (self), NULL);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->device_list, i)) != NULL; i++)
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");

      if (gtk_check_button_get_active (check))
        return g_object_get_data (G_OBJECT (row), "device-id");
    }

  return NULL;
}

void
tl_device_page_set_selected (TlDevicePage *self,
                             const char   *device_id)
{
  GtkListBoxRow *row;

  g_return_if_fail (TL_IS_DEVICE_PAGE (self));

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->device_list, i)) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "device-id"), device_id) == 0)
      gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "check"), TRUE);
}
