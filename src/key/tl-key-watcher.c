/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-watcher"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"
#include "tl-key-client.h"
#include "tl-key-watcher.h"
#include "tl-message.h"

/* The server answers a pending poll at once while a request it already
 * listed is still open (the person may still be deciding); polling again
 * at once would spin. */
#define REPEAT_DELAY_SECONDS 2
#define MAX_REQUESTS 64

struct _TlKeyWatcher
{
  GObject       parent_instance;

  TlKeyDevice  *device;
  GBytes       *secret;
  TlKeyClient  *client;
  GCancellable *cancellable;
  GHashTable   *seen;          /* push_id set */
  guint         retry_id;
  guint         retry_delay;   /* seconds; 0 while connected */
  guint         reported_delay;
  gboolean      connected;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (TlKeyWatcher, tl_key_watcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEVICE,
  PROP_CONNECTED,
  N_PROPS
};

enum {
  SIGNAL_REQUEST,
  SIGNAL_CONNECTION_LOST,
  SIGNAL_FAILED,
  SIGNAL_WITHDRAWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void poll_now (TlKeyWatcher *self);

static void
tl_key_watcher_dispose (GObject *object)
{
  TlKeyWatcher *self = (TlKeyWatcher *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_object (&self->client);
  g_clear_object (&self->device);
  g_clear_pointer (&self->secret, g_bytes_unref);

  G_OBJECT_CLASS (tl_key_watcher_parent_class)->dispose (object);
}

static void
tl_key_watcher_finalize (GObject *object)
{
  TlKeyWatcher *self = (TlKeyWatcher *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->seen, g_hash_table_unref);

  G_OBJECT_CLASS (tl_key_watcher_parent_class)->finalize (object);
}

static void
tl_key_watcher_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TlKeyWatcher *self = TL_KEY_WATCHER (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_key_watcher_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TlKeyWatcher *self = TL_KEY_WATCHER (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      self->device = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_key_watcher_class_init (TlKeyWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tl_key_watcher_dispose;
  object_class->finalize = tl_key_watcher_finalize;
  object_class->get_property = tl_key_watcher_get_property;
  object_class->set_property = tl_key_watcher_set_property;

  properties[PROP_DEVICE] =
    g_param_spec_object ("device", NULL, NULL,
                         TL_TYPE_KEY_DEVICE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_REQUEST] =
    g_signal_new ("request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TL_TYPE_KEY_REQUEST);
  signals[SIGNAL_CONNECTION_LOST] =
    g_signal_new ("connection-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_WITHDRAWN] =
    g_signal_new ("withdrawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tl_key_watcher_init (TlKeyWatcher *self)
{
  self->cancellable = g_cancellable_new ();
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TlKeyWatcher *
tl_key_watcher_new (TlKeyDevice *device,
                    GBytes      *secret)
{
  TlKeyWatcher *self;

  g_return_val_if_fail (TL_IS_KEY_DEVICE (device), NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  self = g_object_new (TL_TYPE_KEY_WATCHER, "device", device, NULL);
  self->secret = g_bytes_ref (secret);
  self->client = tl_key_client_new (tl_key_device_get_server (device),
                                    tl_key_device_get_pin_sha256 (device));

  return self;
}

TlKeyDevice *
tl_key_watcher_get_device (TlKeyWatcher *self)
{
  g_return_val_if_fail (TL_IS_KEY_WATCHER (self), NULL);

  return self->device;
}

gboolean
tl_key_watcher_get_connected (TlKeyWatcher *self)
{
  g_return_val_if_fail (TL_IS_KEY_WATCHER (self), FALSE);

  return self->connected;
}

static void
set_connected (TlKeyWatcher *self,
               gboolean      connected)
{
  if (self->connected == connected)
    return;

  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static JsonNode *
signed_body (TlKeyWatcher *self,
             const char   *action,
             const char   *push_id,
             const char   *decision)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *device_id = tl_key_device_get_device_id (self->device);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *proof = tl_key_client_proof (self->secret, action, device_id, push_id, now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  if (push_id != NULL)
    {
      json_builder_set_member_name (builder, "push_id");
      json_builder_add_string_value (builder, push_id);
    }
  if (decision != NULL)
    {
      json_builder_set_member_name (builder, "decision");
      json_builder_add_string_value (builder, decision);
    }
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "proof");
  json_builder_add_string_value (builder, proof != NULL ? proof : "");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
retry_cb (gpointer user_data)
{
  TlKeyWatcher *self = user_data;

  self->retry_id = 0;
  poll_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (TlKeyWatcher *self,
               guint         seconds)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);

  if (seconds == 0)
    poll_now (self);
  else
    self->retry_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds, retry_cb,
                                                 g_object_ref (self), g_object_unref);
}

static void
poll_failed (TlKeyWatcher *self,
             const GError *error)
{
  set_connected (self, FALSE);

  if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE))
    {
      self->running = FALSE;
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
      return;
    }

  self->retry_delay = self->retry_delay == 0
                      ? TL_KEY_WATCHER_MIN_RETRY
                      : MIN (self->retry_delay * 2, TL_KEY_WATCHER_MAX_RETRY);

  if (self->retry_delay != self->reported_delay)
    {
      self->reported_delay = self->retry_delay;
      g_signal_emit (self, signals[SIGNAL_CONNECTION_LOST], 0, self->retry_delay, error);
    }

  schedule_poll (self, self->retry_delay);
}

/* Every open request is in each answer, so one that was shown before and
 * is missing now is over: answered, expired, or the login went on with a
 * code instead (the challenge cancels the push). */
static void
withdraw_unlisted (TlKeyWatcher *self,
                   GHashTable   *listed)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  const char *push_id;

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, (gpointer *) &push_id, NULL))
    if (!g_hash_table_contains (listed, push_id))
      {
        g_ptr_array_add (gone, g_strdup (push_id));
        g_hash_table_iter_remove (&iter);
      }

  for (guint i = 0; i < gone->len && self->running; i++)
    g_signal_emit (self, signals[SIGNAL_WITHDRAWN], 0, g_ptr_array_index (gone, i));
}

static void
pending_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TlKeyWatcher) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GHashTable) listed_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *requests = NULL;
  guint listed = 0;
  guint fresh = 0;

  answer = tl_key_client_post_finish (TL_KEY_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
    return;

  if (answer != NULL)
    {
      requests = tl_message_get_array (answer, "requests", MAX_REQUESTS, &error);
      if (requests == NULL)
        g_prefix_error (&error, "%s", _("The server's list of login requests is not valid: "));
      else
        listed = json_array_get_length (requests);

      for (guint i = 0; requests != NULL && i < listed; i++)
        {
          JsonNode *node = json_array_get_element (requests, i);
          g_autoptr(TlKeyRequest) request = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;

          request = tl_key_request_new_from_json (json_node_get_object (node), NULL);
          if (request == NULL)
            continue;
          g_hash_table_add (listed_ids, g_strdup (request->push_id));
          if (g_hash_table_contains (self->seen, request->push_id))
            continue;

          g_hash_table_add (self->seen, g_strdup (request->push_id));
          fresh++;
          g_signal_emit (self, signals[SIGNAL_REQUEST], 0, request);
          if (!self->running)
            return;
        }
    }

  if (error != NULL)
    {
      poll_failed (self, error);
      return;
    }

  /* A full list only: a longer one is cut at MAX_REQUESTS. */
  if (listed < MAX_REQUESTS)
    withdraw_unlisted (self, listed_ids);
  if (!self->running)
    return;

  self->retry_delay = 0;
  self->reported_delay = 0;
  set_connected (self, TRUE);

  schedule_poll (self, listed > 0 && fresh == 0 ? REPEAT_DELAY_SECONDS : 0);
}

static void
poll_now (TlKeyWatcher *self)
{
  g_autoptr(JsonNode) body = NULL;

  if (!self->running)
    return;

  body = signed_body (self, "pending", NULL, NULL);
  tl_key_client_post_async (self->client, "v1/device/pending", body,
                            self->cancellable, pending_cb, g_object_ref (self));
}

void
tl_key_watcher_start (TlKeyWatcher *self)
{
  g_return_if_fail (TL_IS_KEY_WATCHER (self));

  if (self->running)
    return;

  self->running = TRUE;
  poll_now (self);
}

void
tl_key_watcher_stop (TlKeyWatcher *self)
{
  g_return_if_fail (TL_IS_KEY_WATCHER (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}

static void
respond_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  answer = tl_key_client_post_finish (TL_KEY_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
tl_key_watcher_respond_async (TlKeyWatcher        *self,
                              const char          *push_id,
                              gboolean             approve,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (TL_IS_KEY_WATCHER (self));
  g_return_if_fail (push_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_watcher_respond_async);

  g_hash_table_add (self->seen, g_strdup (push_id));
  body = signed_body (self, "respond", push_id, approve ? "approve" : "deny");
  tl_key_client_post_async (self->client, "v1/device/respond", body,
                            cancellable, respond_cb, g_steal_pointer (&task));
}

gboolean
tl_key_watcher_respond_finish (TlKeyWatcher  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (TL_IS_KEY_WATCHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tl_key_watcher_forget (TlKeyWatcher *self,
                       const char   *push_id)
{
  g_return_if_fail (TL_IS_KEY_WATCHER (self));

  g_hash_table_remove (self->seen, push_id);
}
