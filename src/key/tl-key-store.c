/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "tl-key-error.h"
#include "tl-key-store.h"
#include "tl-key-vault.h"

#define SCHEMA_VERSION "1"

struct _TlKeyStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (TlKeyStore, tl_key_store, G_TYPE_OBJECT)

static const SecretSchema device_schema = {
  "io.github.tradinglogin.TradingLogin.Device",
  SECRET_SCHEMA_NONE,
  {
    { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "device-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void
tl_key_store_class_init (TlKeyStoreClass *klass)
{
}

static void
tl_key_store_init (TlKeyStore *self)
{
}

TlKeyStore *
tl_key_store_new (void)
{
  return g_object_new (TL_TYPE_KEY_STORE, NULL);
}

static GHashTable *
device_attributes (TlKeyDevice *device)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "version", (gpointer) SCHEMA_VERSION);
  g_hash_table_insert (attributes, (gpointer) "server",
                       (gpointer) tl_key_device_get_server (device));
  g_hash_table_insert (attributes, (gpointer) "username",
                       (gpointer) tl_key_device_get_username (device));
  g_hash_table_insert (attributes, (gpointer) "device-id",
                       (gpointer) tl_key_device_get_device_id (device));

  return attributes;
}

static void
keyring_error (GError       **error,
               const GError  *cause)
{
  g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_KEYRING,
               _("Could not use the keyring: %s. Check that a keyring service (such as GNOME Keyring) is running and unlocked."),
               cause->message);
}

/* Listing: search, then read each item's secret in turn. */

typedef struct
{
  GList     *items;     /* SecretRetrievable, owned */
  GList     *next;
  GPtrArray *devices;
  GPtrArray *damaged;   /* char* labels, NULL-terminated at the end */
} ListData;

static void
list_data_free (ListData *data)
{
  g_list_free_full (data->items, g_object_unref);
  g_clear_pointer (&data->devices, g_ptr_array_unref);
  g_clear_pointer (&data->damaged, g_ptr_array_unref);
  g_free (data);
}

static int
compare_devices (gconstpointer a,
                 gconstpointer b)
{
  TlKeyDevice *da = *(TlKeyDevice * const *) a;
  TlKeyDevice *db = *(TlKeyDevice * const *) b;
  int cmp;

  if ((cmp = g_strcmp0 (tl_key_device_get_server (da), tl_key_device_get_server (db))) != 0)
    return cmp;
  if ((cmp = g_strcmp0 (tl_key_device_get_username (da), tl_key_device_get_username (db))) != 0)
    return cmp;

  return (tl_key_device_get_activated_at (da) > tl_key_device_get_activated_at (db)) -
         (tl_key_device_get_activated_at (da) < tl_key_device_get_activated_at (db));
}

static void list_read_next (GTask *task);

static void
list_retrieve_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  SecretRetrievable *item = SECRET_RETRIEVABLE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(TlKeyDevice) device = NULL;
  g_autofree char *json = NULL;
  const char *bytes;
  gsize length = 0;

  value = secret_retrievable_retrieve_secret_finish (item, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (value != NULL)
    {
      bytes = secret_value_get (value, &length);
      if (g_utf8_validate_len (bytes, length, NULL))
        json = g_strndup (bytes, length);
    }

  if (json != NULL)
    device = tl_key_device_new_from_json (json, NULL);

  if (device != NULL)
    g_ptr_array_add (data->devices, g_steal_pointer (&device));
  else
    g_ptr_array_add (data->damaged, secret_retrievable_get_label (item));

  list_read_next (g_steal_pointer (&task));
}

static void
list_read_next (GTask *task)
{
  ListData *data = g_task_get_task_data (task);
  SecretRetrievable *item;

  if (data->next == NULL)
    {
      g_ptr_array_sort (data->devices, compare_devices);
      g_task_return_pointer (task, g_ptr_array_ref (data->devices),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  item = data->next->data;
  data->next = data->next->next;
  secret_retrievable_retrieve_secret (item, g_task_get_cancellable (task),
                                      list_retrieve_cb, task);
}

static void
list_search_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          GError *wrapped = NULL;
          keyring_error (&wrapped, error);
          g_task_return_error (task, wrapped);
        }
      return;
    }

  data->next = data->items;
  list_read_next (g_steal_pointer (&task));
}

void
tl_key_store_list_async (TlKeyStore          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListData *data;

  g_return_if_fail (TL_IS_KEY_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_store_list_async);

  data = g_new0 (ListData, 1);
  data->devices = g_ptr_array_new_with_free_func (g_object_unref);
  data->damaged = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  secret_password_search (&device_schema,
                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                          cancellable, list_search_cb, g_steal_pointer (&task),
                          "version", SCHEMA_VERSION,
                          NULL);
}

GPtrArray *
tl_key_store_list_finish (TlKeyStore    *self,
                          GAsyncResult  *result,
                          GStrv         *out_damaged,
                          GError       **error)
{
  GPtrArray *devices;

  g_return_val_if_fail (TL_IS_KEY_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  devices = g_task_propagate_pointer (G_TASK (result), error);

  if (out_damaged != NULL)
    {
      ListData *data = g_task_get_task_data (G_TASK (result));
      GStrvBuilder *builder = g_strv_builder_new ();

      for (guint i = 0; devices != NULL && i < data->damaged->len; i++)
        g_strv_builder_add (builder, g_ptr_array_index (data->damaged, i));
      *out_damaged = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }

  return devices;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          GError *wrapped = NULL;
          keyring_error (&wrapped, error);
          g_task_return_error (task, wrapped);
        }
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
tl_key_store_save_async (TlKeyStore          *self,
                         TlKeyDevice         *device,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *label = NULL;
  char *json;

  g_return_if_fail (TL_IS_KEY_STORE (self));
  g_return_if_fail (TL_IS_KEY_DEVICE (device));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_store_save_async);
  g_task_set_task_data (task, g_object_ref (device), g_object_unref);

  attributes = device_attributes (device);
  label = tl_key_device_dup_label (device);
  json = tl_key_device_to_json (device);
  value = secret_value_new_full (json, -1, "application/json",
                                 (GDestroyNotify) tl_key_secret_free);

  secret_password_storev_binary (&device_schema, attributes, SECRET_COLLECTION_DEFAULT,
                                 label, value, cancellable, store_cb,
                                 g_steal_pointer (&task));
}

gboolean
tl_key_store_save_finish (TlKeyStore    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (TL_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          GError *wrapped = NULL;
          keyring_error (&wrapped, error);
          g_task_return_error (task, wrapped);
        }
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
tl_key_store_remove_async (TlKeyStore          *self,
                           TlKeyDevice         *device,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (TL_IS_KEY_STORE (self));
  g_return_if_fail (TL_IS_KEY_DEVICE (device));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_store_remove_async);
  g_task_set_task_data (task, g_object_ref (device), g_object_unref);

  attributes = device_attributes (device);
  secret_password_clearv (&device_schema, attributes, cancellable, clear_cb,
                          g_steal_pointer (&task));
}

gboolean
tl_key_store_remove_finish (TlKeyStore    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TL_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
