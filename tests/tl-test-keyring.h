/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Tests look at the keyring directly, through libsecret, to check what
 * the programs stored. They search with this instead of
 * secret_password_search_sync().
 *
 * Why: the sync call runs the search in a private main context of its
 * own, so every SecretItem it returns (a GDBusProxy) subscribes its
 * D-Bus signals in that context. When the item is freed, GDBus hands
 * the subscriptions' user data (a GWeakRef each) to an idle source in
 * the subscribing context, which nobody iterates any more: the context
 * is destroyed with the source and the GWeakRefs are lost (GLib
 * 2.74 gdbusconnection.c, call_destroy_notify(); 3 blocks of 8 bytes per
 * item, seen by LeakSanitizer). Searching on the thread-default context,
 * the one the test iterates, lets GDBus free them. */

static inline void
tl_test_keyring_on_search (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Like secret_password_search_sync(): (schema, flags, error, then the
 * attribute name/value pairs and NULL), in @schema only, whichever
 * backend libsecret uses. Returns the SecretItems found
 * (free with g_list_free_full (items, g_object_unref)). */
static inline GList *
tl_test_keyring_search (const SecretSchema  *schema,
                        SecretSearchFlags    flags,
                        GError             **error,
                        ...) G_GNUC_NULL_TERMINATED;

static inline GList *
tl_test_keyring_search (const SecretSchema  *schema,
                        SecretSearchFlags    flags,
                        GError             **error,
                        ...)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  GHashTable *attributes;
  GAsyncResult *result = NULL;
  GList *items;
  va_list args;

  va_start (args, error);
  attributes = secret_attributes_buildv (schema, args);
  va_end (args);
  g_assert_nonnull (attributes);
  /* libsecret's file backend matches no schema name unless it is asked
   * to (src/auth/tl-credential-store.c, new_attributes()). */
  g_hash_table_insert (attributes, g_strdup ("xdg:schema"), g_strdup (schema->name));

  secret_password_searchv (schema, attributes, flags, NULL, tl_test_keyring_on_search, &result);
  g_hash_table_unref (attributes);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  items = secret_password_search_finish (result, error);
  g_object_unref (result);

  return items;
}

G_END_DECLS
