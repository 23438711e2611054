/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-credential-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tl-credential-store.h"
#include "tl-message.h"

/* Bumped when the attributes or the secret's format change, so that a
 * newer version can find (and migrate or ignore) older items. */
#define SCHEMA_VERSION "1"
/* A version no item ever has. */
#define NO_SCHEMA_VERSION "0"

/* The schema names are the app ID itself, not the Devel one, so that a
 * development build finds what the installed app remembered. */
static const SecretSchema username_schema = {
  BASE_APP_ID ".Username", SECRET_SCHEMA_NONE,
  {
    { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "mode", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "last-used", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static const SecretSchema session_schema = {
  BASE_APP_ID ".Session", SECRET_SCHEMA_NONE,
  {
    { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "mode", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "last-used", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "expires-at", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

struct _TlCredentialStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (TlCredentialStore, tl_credential_store, G_TYPE_OBJECT)

static void
tl_credential_store_class_init (TlCredentialStoreClass *klass)
{
}

static void
tl_credential_store_init (TlCredentialStore *self)
{
}

TlCredentialStore *
tl_credential_store_new (void)
{
  return g_object_new (TL_TYPE_CREDENTIAL_STORE, NULL);
}

/* "last-used" is unix time in microseconds: several items saved within
 * one second must still come back in the order they were saved. Never
 * the same value twice from one process. */
static char *
next_last_used (void)
{
  static gint64 last;
  gint64 now = g_get_real_time ();

  if (now <= last)
    now = last + 1;
  last = now;

  return g_strdup_printf ("%" G_GINT64_FORMAT, now);
}

static gint64
item_last_used (GHashTable *attributes)
{
  const char *text = g_hash_table_lookup (attributes, "last-used");
  gint64 value = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL))
    return 0;

  return value;
}

/* Every table of ours names its schema in "xdg:schema" itself. Over
 * D-Bus libsecret adds it from the schema, but its file backend (the one
 * Flatpak uses, libsecret 0.20) neither stores nor matches the schema
 * name: a session and a username item with the same base URL, mode and
 * username would then be one kind, and saving the one would delete the
 * other (tests/meson.build's *-file-backend tests). */
static GHashTable *
new_attributes (const SecretSchema *schema,
                const char         *base_url,
                TlMode              mode,
                const char         *username)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "xdg:schema", g_strdup (schema->name));
  g_hash_table_insert (attributes, (gpointer) "version", g_strdup (SCHEMA_VERSION));
  g_hash_table_insert (attributes, (gpointer) "base-url", g_strdup (base_url));
  g_hash_table_insert (attributes, (gpointer) "mode", g_strdup (tl_mode_to_string (mode)));
  if (username != NULL)
    g_hash_table_insert (attributes, (gpointer) "username", g_strdup (username));

  return attributes;
}

/* One keyring operation at a time, process-wide. libsecret misbehaves
 * when a search that loads secrets overlaps the deletion of an item it
 * found (two windows saving and listing at once: "No such secret item",
 * then a task returned twice). Each operation's first libsecret call
 * waits here; the operation holds the keyring until its task completes. */
typedef enum
{
  PENDING_SEARCH,
  PENDING_CLEAR,
  PENDING_OPEN_SESSION,
} PendingKind;

typedef struct
{
  PendingKind          kind;
  const SecretSchema  *schema;
  GHashTable          *attributes;
  SecretSearchFlags    flags;
  GAsyncReadyCallback  callback;
} Pending;

static GQueue pending_tasks = G_QUEUE_INIT;
static GTask *running_task;

static void start_next (void);

/* Set once a libsecret call of ours has succeeded: libsecret has then
 * set up its process-wide backend, on the main context. */
static gboolean backend_ready;

/* Opening the session ahead of a save. It must belong to the backend that
 * secret_password_storev() uses (the Secret Service, or the file backend
 * in a sandbox): secret_service_get() would open one on a SecretService
 * of its own. A lookup is the public way to open it; this one, for a
 * schema version never written, finds nothing and loads no secret. */

static void
session_opened (GTask        *task,
                GError       *error,
                char         *nothing)
{
  g_clear_pointer (&nothing, secret_password_free);

  /* The save that follows reports a keyring that cannot be reached. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not open a keyring session ahead of a save: %s", error->message);

  g_task_return_boolean (task, error == NULL);
}

/* libsecret computes the Diffie-Hellman exchange (a few ms of CPU) in
 * the thread that runs the call: a sync call in a worker keeps it off
 * the main thread, which is busy with the login meanwhile. Only once the
 * backend exists: set up by a sync call, its D-Bus subscriptions would
 * belong to the call's private main context, which dies with it. */
static void
open_session_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Pending *pending = g_object_get_data (G_OBJECT (task), "tl-pending");
  g_autoptr(GError) error = NULL;
  char *nothing;

  nothing = secret_password_lookupv_sync (pending->schema, pending->attributes, cancellable, &error);
  session_opened (task, error, nothing);
}

static void
session_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *nothing;

  nothing = secret_password_lookup_finish (result, &error);
  session_opened (task, error, nothing);
}

static void
pending_free (Pending *pending)
{
  g_hash_table_unref (pending->attributes);
  g_free (pending);
}

static void
task_completed_cb (GTask      *task,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  g_signal_handlers_disconnect_by_func (task, task_completed_cb, user_data);
  if (task != running_task)
    return;

  if (!g_task_had_error (task))
    backend_ready = TRUE;

  g_clear_object (&running_task);
  start_next ();
}

static void
start_next (void)
{
  Pending *pending;
  GTask *task;

  if (running_task != NULL || (task = g_queue_pop_head (&pending_tasks)) == NULL)
    return;

  running_task = task;
  g_signal_connect (task, "notify::completed", G_CALLBACK (task_completed_cb), NULL);

  /* Never hand libsecret an operation that is already cancelled: its
   * first call sets up a process-wide service, and a cancelled set-up
   * made the next, unrelated call fail as cancelled too. Every operation
   * passes here, whether it was cancelled before or while it waited. */
  if (g_task_return_error_if_cancelled (task))
    return;

  pending = g_object_get_data (G_OBJECT (task), "tl-pending");
  switch (pending->kind)
    {
    case PENDING_SEARCH:
      secret_password_searchv (pending->schema, pending->attributes, pending->flags,
                               g_task_get_cancellable (task), pending->callback, g_object_ref (task));
      break;

    case PENDING_CLEAR:
      secret_password_clearv (pending->schema, pending->attributes, g_task_get_cancellable (task),
                              pending->callback, g_object_ref (task));
      break;

    case PENDING_OPEN_SESSION:
      if (backend_ready)
        g_task_run_in_thread (task, open_session_thread);
      else
        secret_password_lookupv (pending->schema, pending->attributes, g_task_get_cancellable (task),
                                 session_opened_cb, g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Takes @task and @attributes. */
static void
enqueue (GTask               *task,
         PendingKind          kind,
         const SecretSchema  *schema,
         GHashTable          *attributes,
         SecretSearchFlags    flags,
         GAsyncReadyCallback  callback)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->kind = kind;
  pending->schema = schema;
  pending->attributes = attributes;
  pending->flags = flags;
  pending->callback = callback;
  g_object_set_data_full (G_OBJECT (task), "tl-pending", pending, (GDestroyNotify) pending_free);

  g_queue_push_tail (&pending_tasks, task);
  start_next ();
}

/* Cancelling is the caller's own doing: it passes through unchanged.
 * Anything else gets a sentence saying it was the keyring that failed. */
static void
return_keyring_error (GTask  *task,
                      GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&error, _("Could not use the keyring (is a keyring service such as GNOME Keyring running?): "));
  g_task_return_error (task, error);
}

static int
compare_last_used_desc (gconstpointer a,
                        gconstpointer b)
{
  g_autoptr(GHashTable) attributes_a = secret_retrievable_get_attributes ((SecretRetrievable *) a);
  g_autoptr(GHashTable) attributes_b = secret_retrievable_get_attributes ((SecretRetrievable *) b);
  gint64 used_a = item_last_used (attributes_a);
  gint64 used_b = item_last_used (attributes_b);

  return (used_a < used_b) - (used_a > used_b);
}

/* Replacing an item ---------------------------------------------------- */

/* One item per (base URL, mode, username). The new item differs from the
 * old one in "last-used" (and "expires-at"), so storing does not replace
 * it in place: store the new one first, then delete the old ones by their
 * exact attributes. Interrupted half-way, this leaves a duplicate (the
 * newer one wins, the next save removes the other), never nothing. */
typedef struct
{
  const SecretSchema *schema;
  GHashTable         *match;       /* (version, base URL, mode, username) */
  GHashTable         *attributes;  /* match + last-used (+ expires-at) */
  char               *label;
  char               *secret;      /* wiped once libsecret has its copy */
  GList              *old_items;   /* SecretRetrievable still to delete */
} ReplaceData;

static void
replace_data_free (ReplaceData *data)
{
  g_clear_pointer (&data->match, g_hash_table_unref);
  g_clear_pointer (&data->attributes, g_hash_table_unref);
  g_free (data->label);
  if (data->secret != NULL)
    OPENSSL_cleanse (data->secret, strlen (data->secret));
  g_free (data->secret);
  g_list_free_full (data->old_items, g_object_unref);
  g_free (data);
}

static gboolean
attributes_equal (GHashTable *a,
                  GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_has_prefix (key, "xdg:") &&
        g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;

  g_hash_table_iter_init (&iter, b);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_has_prefix (key, "xdg:") &&
        g_strcmp0 (value, g_hash_table_lookup (a, key)) != 0)
      return FALSE;

  return TRUE;
}

/* Exactly @item's attributes, as libsecret wants them for a match. It
 * keeps a reference to the table, not a copy, until it is done. */
static GHashTable *
item_match_attributes (const SecretSchema *schema,
                       SecretRetrievable  *item)
{
  g_autoptr(GHashTable) item_attributes = secret_retrievable_get_attributes (item);
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "xdg:schema", g_strdup (schema->name));
  for (guint i = 0; schema->attributes[i].name != NULL; i++)
    {
      const char *name = schema->attributes[i].name;
      const char *value = g_hash_table_lookup (item_attributes, name);

      if (value != NULL)
        g_hash_table_insert (attributes, (gpointer) name, g_strdup (value));
    }

  return attributes;
}

static void replace_delete_next (GTask *task);

static void
replace_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }

  replace_delete_next (task);
}

static void
replace_delete_next (GTask *task)
{
  ReplaceData *data = g_task_get_task_data (task);
  g_autoptr(SecretRetrievable) item = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  if (data->old_items == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  item = data->old_items->data;
  data->old_items = g_list_delete_link (data->old_items, data->old_items);

  attributes = item_match_attributes (data->schema, item);
  /* Same attributes: the store replaced this one in place already. */
  if (attributes_equal (attributes, data->attributes))
    {
      replace_delete_next (task);
      return;
    }

  secret_password_clearv (data->schema, attributes, g_task_get_cancellable (task),
                          replace_deleted_cb, g_object_ref (task));
}

static void
replace_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_keyring_error (task, error);
      return;
    }

  replace_delete_next (task);
}

static void
replace_searched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReplaceData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->old_items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }

  g_hash_table_insert (data->attributes, (gpointer) "last-used", next_last_used ());
  /* libsecret copies the secret into its own non-swappable memory here. */
  secret_password_storev (data->schema, data->attributes, SECRET_COLLECTION_DEFAULT,
                          data->label, data->secret,
                          g_task_get_cancellable (task),
                          replace_stored_cb, g_object_ref (task));
  OPENSSL_cleanse (data->secret, strlen (data->secret));
  g_clear_pointer (&data->secret, g_free);
}

/* Takes @data. */
static void
replace_item (GTask       *task,
              ReplaceData *data)
{
  g_task_set_task_data (task, data, (GDestroyNotify) replace_data_free);
  enqueue (g_object_ref (task), PENDING_SEARCH, data->schema, g_hash_table_ref (data->match),
           SECRET_SEARCH_ALL, replace_searched_cb);
}

/* Ahead of a save ---------------------------------------------------- */

/* Nothing to report: the session stays with libsecret's shared service,
 * which the next save uses. */
static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
}

void
tl_credential_store_prepare_save (TlCredentialStore *self,
                                  GCancellable      *cancellable)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (TL_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, prepared_cb, NULL);
  g_task_set_source_tag (task, tl_credential_store_prepare_save);
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "version", (gpointer) NO_SCHEMA_VERSION);
  enqueue (g_steal_pointer (&task), PENDING_OPEN_SESSION, &session_schema,
           g_steal_pointer (&attributes), SECRET_SEARCH_NONE, NULL);
}

/* Remembering a username ------------------------------------------------ */

void
tl_credential_store_remember_username_async (TlCredentialStore   *self,
                                             const char          *base_url,
                                             TlMode               mode,
                                             const char          *username,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReplaceData *data;

  g_return_if_fail (TL_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_credential_store_remember_username_async);

  data = g_new0 (ReplaceData, 1);
  data->schema = &username_schema;
  data->match = new_attributes (data->schema, base_url, mode, username);
  data->attributes = new_attributes (data->schema, base_url, mode, username);
  /* Translators: the label of a keyring item, as Passwords and Keys shows it. */
  data->label = g_strdup_printf (_("Trading Login username “%s” (%s, %s)"),
                                 username, tl_mode_to_string (mode), base_url);
  /* libsecret needs a secret; the username is not one, and nothing else
   * would be any use to whoever reads the item. */
  data->secret = g_strdup (username);

  replace_item (task, data);
}

gboolean
tl_credential_store_remember_username_finish (TlCredentialStore  *self,
                                              GAsyncResult       *result,
                                              GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_credential_store_remember_username_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Listing usernames ----------------------------------------------------- */

static void
list_searched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) usernames = g_ptr_array_new_with_free_func (g_free);
  GList *items;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }

  items = g_list_sort (items, compare_last_used_desc);
  for (const GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *username = g_hash_table_lookup (attributes, "username");
      gboolean seen = FALSE;

      /* Items written by hand (secret-tool) may break the rules. */
      if (username == NULL || !tl_username_is_valid (username))
        continue;

      for (guint i = 0; i < usernames->len && !seen; i++)
        seen = g_str_equal (g_ptr_array_index (usernames, i), username);
      if (!seen)
        g_ptr_array_add (usernames, g_strdup (username));
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_add (usernames, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (usernames, NULL), (GDestroyNotify) g_strfreev);
}

void
tl_credential_store_list_usernames_async (TlCredentialStore   *self,
                                          const char          *base_url,
                                          TlMode               mode,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (TL_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_credential_store_list_usernames_async);

  attributes = new_attributes (&username_schema, base_url, mode, NULL);
  /* The attributes are all that is needed: the secrets stay where they are. */
  enqueue (g_steal_pointer (&task), PENDING_SEARCH, &username_schema, g_steal_pointer (&attributes),
           SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, list_searched_cb);
}

char **
tl_credential_store_list_usernames_finish (TlCredentialStore  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_credential_store_list_usernames_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Forgetting a username ------------------------------------------------- */

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to remove, which is what
   * the caller wanted anyway. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    return_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Forgetting a username and deleting a session differ only in schema. */
static void
clear_item_async (TlCredentialStore   *self,
                  const SecretSchema  *schema,
                  const char          *base_url,
                  TlMode               mode,
                  const char          *username,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (TL_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  attributes = new_attributes (schema, base_url, mode, username);
  enqueue (g_steal_pointer (&task), PENDING_CLEAR, schema, g_steal_pointer (&attributes),
           SECRET_SEARCH_NONE, cleared_cb);
}

void
tl_credential_store_forget_username_async (TlCredentialStore   *self,
                                           const char          *base_url,
                                           TlMode               mode,
                                           const char          *username,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  clear_item_async (self, &username_schema, base_url, mode, username,
                    tl_credential_store_forget_username_async,
                    cancellable, callback, user_data);
}

gboolean
tl_credential_store_forget_username_finish (TlCredentialStore  *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_credential_store_forget_username_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Saving a session ------------------------------------------------------ */

void
tl_credential_store_save_session_async (TlCredentialStore   *self,
                                        const char          *base_url,
                                        const TlSession     *session,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GDateTime) expires_utc = NULL;
  JsonNode *node;
  ReplaceData *data;

  g_return_if_fail (TL_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (session != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_credential_store_save_session_async);

  if (session->token == NULL || session->username == NULL || session->expires_at == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The session has no token, username or expiry time; there is nothing to keep."));
      return;
    }

  data = g_new0 (ReplaceData, 1);
  data->schema = &session_schema;
  data->match = new_attributes (data->schema, base_url, session->mode, session->username);
  data->attributes = new_attributes (data->schema, base_url, session->mode, session->username);
  expires_utc = g_date_time_to_utc (session->expires_at);
  g_hash_table_insert (data->attributes, (gpointer) "expires-at",
                       g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (expires_utc)));
  /* Translators: the label of a keyring item, as Passwords and Keys shows it. */
  data->label = g_strdup_printf (_("Trading Login session for “%s” (%s, %s)"),
                                 session->username, tl_mode_to_string (session->mode), base_url);

  object = tl_session_to_json (session, TRUE);
  node = json_node_init_object (json_node_alloc (), object);
  data->secret = json_to_string (node, FALSE);
  json_node_unref (node);

  replace_item (task, data);
}

gboolean
tl_credential_store_save_session_finish (TlCredentialStore  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_credential_store_save_session_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Looking a session up -------------------------------------------------- */

typedef struct
{
  char  *base_url;
  TlMode mode;
  GList *items;       /* SecretRetrievable, most recent first, still to try */
  GList *doomed;      /* SecretRetrievable: expired or unreadable, to delete */
  TlSession *found;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_free (data->base_url);
  g_list_free_full (data->items, g_object_unref);
  g_list_free_full (data->doomed, g_object_unref);
  g_clear_pointer (&data->found, tl_session_free);
  g_free (data);
}

static void lookup_next (GTask *task);

static void
lookup_finish_task (GTask *task)
{
  LookupData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&data->found), (GDestroyNotify) tl_session_free);
}

static void
lookup_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* A stale item that cannot be removed now is tried again next time;
   * the lookup itself has its answer. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("Could not remove a stale session item: %s", error->message);
    }

  lookup_next (task);
}

/* Deletes the doomed items one at a time, then answers. */
static void
lookup_delete_next (GTask *task)
{
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(SecretRetrievable) item = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  if (data->doomed == NULL)
    {
      lookup_finish_task (task);
      return;
    }

  item = data->doomed->data;
  data->doomed = g_list_delete_link (data->doomed, data->doomed);

  /* Exactly this item: a newer one for the same user differs in "last-used". */
  attributes = item_match_attributes (&session_schema, item);
  secret_password_clearv (&session_schema, attributes, g_task_get_cancellable (task),
                          lookup_deleted_cb, g_object_ref (task));
}

static void
lookup_retrieved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  SecretRetrievable *item = SECRET_RETRIEVABLE (object);
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(TlSession) session = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gsize length = 0;

  value = secret_retrievable_retrieve_secret_finish (item, result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, g_steal_pointer (&error));
      return;
    }

  text = value != NULL ? secret_value_get (value, &length) : NULL;
  if (text != NULL)
    json = tl_message_parse (text, length, &error);
  if (json != NULL)
    session = tl_session_from_json (json, TRUE, &error);

  /* An item that does not hold what this version wrote is of no use to
   * anyone: delete it rather than fail every lookup after it. */
  if (session == NULL ||
      session->mode != data->mode ||
      tl_session_seconds_left (session) <= 0)
    {
      g_debug ("Dropping an unusable session item: %s",
               error != NULL ? error->message : "expired or for another mode");
      data->doomed = g_list_prepend (data->doomed, g_object_ref (item));
      lookup_next (task);
      return;
    }

  data->found = g_steal_pointer (&session);
  lookup_next (task);
}

/* Tries the unexpired items, most recent first, until one holds a
 * usable session; then deletes what turned out stale. */
static void
lookup_next (GTask *task)
{
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(SecretRetrievable) item = NULL;

  if (data->found != NULL || data->items == NULL)
    {
      lookup_delete_next (task);
      return;
    }

  item = data->items->data;
  data->items = g_list_delete_link (data->items, data->items);
  secret_retrievable_retrieve_secret (item, g_task_get_cancellable (task),
                                      lookup_retrieved_cb, g_object_ref (task));
}

static gboolean
item_has_expired (SecretRetrievable *item,
                  gint64             now_unix)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
  const char *text = g_hash_table_lookup (attributes, "expires-at");
  gint64 expires_at = 0;

  return text == NULL ||
         !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &expires_at, NULL) ||
         expires_at <= now_unix;
}

static void
lookup_searched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GList *items;
  gint64 now_unix;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }

  /* Expired items go whether or not a newer session is found. */
  now_unix = g_get_real_time () / G_USEC_PER_SEC;
  for (GList *l = items; l != NULL; l = l->next)
    {
      if (item_has_expired (l->data, now_unix))
        data->doomed = g_list_prepend (data->doomed, l->data);
      else
        data->items = g_list_prepend (data->items, l->data);
    }
  g_list_free (items);

  data->items = g_list_sort (data->items, compare_last_used_desc);
  lookup_next (task);
}

void
tl_credential_store_lookup_session_async (TlCredentialStore   *self,
                                          const char          *base_url,
                                          TlMode               mode,
                                          const char          *username,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  LookupData *data;

  g_return_if_fail (TL_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_credential_store_lookup_session_async);

  data = g_new0 (LookupData, 1);
  data->base_url = g_strdup (base_url);
  data->mode = mode;
  g_task_set_task_data (task, data, (GDestroyNotify) lookup_data_free);

  attributes = new_attributes (&session_schema, base_url, mode, username);
  enqueue (g_steal_pointer (&task), PENDING_SEARCH, &session_schema, g_steal_pointer (&attributes),
           SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
           lookup_searched_cb);
}

TlSession *
tl_credential_store_lookup_session_finish (TlCredentialStore  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_credential_store_lookup_session_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Deleting a session ---------------------------------------------------- */

void
tl_credential_store_delete_session_async (TlCredentialStore   *self,
                                          const char          *base_url,
                                          TlMode               mode,
                                          const char          *username,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  clear_item_async (self, &session_schema, base_url, mode, username,
                    tl_credential_store_delete_session_async,
                    cancellable, callback, user_data);
}

gboolean
tl_credential_store_delete_session_finish (TlCredentialStore  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_credential_store_delete_session_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
