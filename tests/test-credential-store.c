/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-credential-store"

#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "tl-credential-store.h"
#include "tl-test-keyring.h"

/* The real keyring of this test's private session (build-aux/test-session).
 * Each test uses its own base URL, so that the tests share the keyring
 * without seeing each other's items. */

/* Written out here, not taken from the store: these are what other
 * programs (secret-tool, Passwords and Keys, a later version) rely on. */
static const SecretSchema expected_session_schema = {
  "io.github.tradinglogin.TradingLogin.Session", SECRET_SCHEMA_NONE,
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

static const SecretSchema expected_username_schema = {
  "io.github.tradinglogin.TradingLogin.Username", SECRET_SCHEMA_NONE,
  {
    { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "mode", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "last-used", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

#define TOKEN_ALICE "q7Zt0bVb3bq1Jw0R8c4mYyHk2fN5pXeLsAaT9uWvD_E"
#define TOKEN_BOB   "Bb7Zt0bVb3bq1Jw0R8c4mYyHk2fN5pXeLsAaT9uW-xy"

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
remember (TlCredentialStore *store,
          const char        *base_url,
          TlMode             mode,
          const char        *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  tl_credential_store_remember_username_async (store, base_url, mode, username, NULL,
                                               store_result_cb, &result);
  /* The error first: when the keyring fails, its message says why. */
  ok = tl_credential_store_remember_username_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
forget (TlCredentialStore *store,
        const char        *base_url,
        TlMode             mode,
        const char        *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tl_credential_store_forget_username_async (store, base_url, mode, username, NULL,
                                             store_result_cb, &result);
  g_assert_true (tl_credential_store_forget_username_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

static char *
list_joined (TlCredentialStore *store,
             const char        *base_url,
             TlMode             mode)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) usernames = NULL;

  tl_credential_store_list_usernames_async (store, base_url, mode, NULL, store_result_cb, &result);
  usernames = tl_credential_store_list_usernames_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (usernames);

  return g_strjoinv (",", usernames);
}

static TlSession *
make_session (const char *token,
              const char *username,
              TlMode      mode,
              gint64      seconds_from_now)
{
  TlSession *session = g_new0 (TlSession, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  session->token = g_strdup (token);
  session->username = g_strdup (username);
  session->mode = mode;
  session->account = g_strdup (mode == TL_MODE_PAPER ? "DU1234567" : "U1234567");
  session->expires_at = g_date_time_add_seconds (now, seconds_from_now);

  return session;
}

static void
save_session (TlCredentialStore *store,
              const char        *base_url,
              const TlSession   *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tl_credential_store_save_session_async (store, base_url, session, NULL, store_result_cb, &result);
  g_assert_true (tl_credential_store_save_session_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

static TlSession *
lookup_session (TlCredentialStore *store,
                const char        *base_url,
                TlMode             mode,
                const char        *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TlSession *session;

  tl_credential_store_lookup_session_async (store, base_url, mode, username, NULL,
                                            store_result_cb, &result);
  session = tl_credential_store_lookup_session_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);

  return session;
}

static void
delete_session (TlCredentialStore *store,
                const char        *base_url,
                TlMode             mode,
                const char        *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tl_credential_store_delete_session_async (store, base_url, mode, username, NULL,
                                            store_result_cb, &result);
  g_assert_true (tl_credential_store_delete_session_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

/* How many items of @schema the keyring holds for (base URL, username),
 * seen through libsecret directly rather than through the store. */
static guint
count_items (const SecretSchema *schema,
             const char         *base_url,
             const char         *username)
{
  g_autoptr(GError) error = NULL;
  GList *items;
  guint count;

  if (username != NULL)
    items = tl_test_keyring_search (schema, SECRET_SEARCH_ALL, &error,
                                    "version", "1", "base-url", base_url,
                                    "username", username, NULL);
  else
    items = tl_test_keyring_search (schema, SECRET_SEARCH_ALL, &error,
                                    "version", "1", "base-url", base_url, NULL);
  g_assert_no_error (error);
  count = g_list_length (items);
  g_list_free_full (items, g_object_unref);

  return count;
}

static void
test_usernames_recent_first (void)
{
  const char *url = "https://127.0.0.1:4443/recent/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;

  remember (store, url, TL_MODE_PAPER, "alice");
  remember (store, url, TL_MODE_PAPER, "bob");
  remember (store, url, TL_MODE_PAPER, "carol");
  first = list_joined (store, url, TL_MODE_PAPER);
  g_assert_cmpstr (first, ==, "carol,bob,alice");

  /* Using alice again moves her to the front, once. */
  remember (store, url, TL_MODE_PAPER, "alice");
  again = list_joined (store, url, TL_MODE_PAPER);
  g_assert_cmpstr (again, ==, "alice,carol,bob");
  g_assert_cmpuint (count_items (&expected_username_schema, url, "alice"), ==, 1);
}

static void
test_usernames_separate (void)
{
  const char *url = "https://127.0.0.1:4443/separate/";
  const char *other_url = "https://example.com/separate/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autofree char *paper = NULL;
  g_autofree char *live = NULL;
  g_autofree char *other = NULL;
  g_autofree char *none = NULL;

  remember (store, url, TL_MODE_PAPER, "alice");
  remember (store, url, TL_MODE_LIVE, "bob");
  remember (store, other_url, TL_MODE_PAPER, "carol");

  paper = list_joined (store, url, TL_MODE_PAPER);
  live = list_joined (store, url, TL_MODE_LIVE);
  other = list_joined (store, other_url, TL_MODE_PAPER);
  none = list_joined (store, other_url, TL_MODE_LIVE);
  g_assert_cmpstr (paper, ==, "alice");
  g_assert_cmpstr (live, ==, "bob");
  g_assert_cmpstr (other, ==, "carol");
  g_assert_cmpstr (none, ==, "");
}

static void
test_usernames_forget (void)
{
  const char *url = "https://127.0.0.1:4443/forget/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *live = NULL;

  remember (store, url, TL_MODE_PAPER, "alice");
  remember (store, url, TL_MODE_PAPER, "bob");
  remember (store, url, TL_MODE_LIVE, "alice");
  before = list_joined (store, url, TL_MODE_PAPER);
  g_assert_cmpstr (before, ==, "bob,alice");

  forget (store, url, TL_MODE_PAPER, "alice");
  after = list_joined (store, url, TL_MODE_PAPER);
  g_assert_cmpstr (after, ==, "bob");
  /* Only the paper one: the live account is another account. */
  live = list_joined (store, url, TL_MODE_LIVE);
  g_assert_cmpstr (live, ==, "alice");

  /* Forgetting what is not there is not an error. */
  forget (store, url, TL_MODE_PAPER, "nobody");
}

static void
assert_sessions_equal (const TlSession *a,
                       const TlSession *b)
{
  g_assert_cmpstr (a->token, ==, b->token);
  g_assert_cmpstr (a->username, ==, b->username);
  g_assert_cmpint (a->mode, ==, b->mode);
  g_assert_cmpstr (a->account, ==, b->account);
  g_assert_cmpint (a->read_only, ==, b->read_only);
  g_assert_cmpint (g_date_time_to_unix (a->expires_at), ==, g_date_time_to_unix (b->expires_at));
}

static void
test_session_save_lookup_delete (void)
{
  const char *url = "https://127.0.0.1:4443/session/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) alice = make_session (TOKEN_ALICE, "alice", TL_MODE_PAPER, 3600);
  g_autoptr(TlSession) bob = make_session (TOKEN_BOB, "bob", TL_MODE_PAPER, 3600);
  g_autoptr(TlSession) found = NULL;
  g_autoptr(TlSession) latest = NULL;
  g_autoptr(TlSession) live = NULL;
  g_autoptr(TlSession) after = NULL;
  g_autoptr(TlSession) gone = NULL;

  g_assert_null (lookup_session (store, url, TL_MODE_PAPER, NULL));

  alice->read_only = TRUE;
  save_session (store, url, alice);
  save_session (store, url, bob);

  found = lookup_session (store, url, TL_MODE_PAPER, "alice");
  g_assert_nonnull (found);
  assert_sessions_equal (found, alice);

  /* No username: the most recently saved one. */
  latest = lookup_session (store, url, TL_MODE_PAPER, NULL);
  g_assert_nonnull (latest);
  assert_sessions_equal (latest, bob);

  live = lookup_session (store, url, TL_MODE_LIVE, NULL);
  g_assert_null (live);

  /* Saving again replaces: one item per user. */
  save_session (store, url, alice);
  g_assert_cmpuint (count_items (&expected_session_schema, url, "alice"), ==, 1);
  g_clear_pointer (&latest, tl_session_free);
  latest = lookup_session (store, url, TL_MODE_PAPER, NULL);
  assert_sessions_equal (latest, alice);

  delete_session (store, url, TL_MODE_PAPER, "alice");
  g_assert_cmpuint (count_items (&expected_session_schema, url, "alice"), ==, 0);
  gone = lookup_session (store, url, TL_MODE_PAPER, "alice");
  g_assert_null (gone);
  after = lookup_session (store, url, TL_MODE_PAPER, NULL);
  g_assert_nonnull (after);
  g_assert_cmpstr (after->username, ==, "bob");

  /* Deleting what is not there is not an error. */
  delete_session (store, url, TL_MODE_PAPER, "alice");
}

static void
test_session_expired (void)
{
  const char *url = "https://127.0.0.1:4443/expired/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) old = make_session (TOKEN_ALICE, "alice", TL_MODE_PAPER, -60);
  g_autoptr(TlSession) live = make_session (TOKEN_BOB, "bob", TL_MODE_PAPER, 3600);
  g_autoptr(TlSession) found = NULL;
  g_autoptr(TlSession) any = NULL;

  save_session (store, url, old);
  g_assert_cmpuint (count_items (&expected_session_schema, url, "alice"), ==, 1);

  found = lookup_session (store, url, TL_MODE_PAPER, "alice");
  g_assert_null (found);
  g_assert_cmpuint (count_items (&expected_session_schema, url, "alice"), ==, 0);

  /* An expired session saved after a live one: the lookup skips it,
   * answers with the live one, and still removes the expired one. */
  save_session (store, url, live);
  save_session (store, url, old);
  any = lookup_session (store, url, TL_MODE_PAPER, NULL);
  g_assert_nonnull (any);
  g_assert_cmpstr (any->username, ==, "bob");
  g_assert_cmpuint (count_items (&expected_session_schema, url, "alice"), ==, 0);
  g_assert_cmpuint (count_items (&expected_session_schema, url, "bob"), ==, 1);
}

/* An item whose secret is not a session (written by another program or
 * a broken version) is dropped, not returned and not fatal. */
static void
test_session_garbage (void)
{
  const char *url = "https://127.0.0.1:4443/garbage/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autoptr(GHashTable) attributes = secret_attributes_build (&expected_session_schema,
                                                              "version", "1", "base-url", url, "mode", "paper",
                                                              "username", "mallory", "last-used", "1",
                                                              "expires-at", expires, NULL);

  /* With its schema's name, as the store writes its items, so that the
   * file backend (which does not add it) sees one of ours too. */
  g_hash_table_insert (attributes, g_strdup ("xdg:schema"), g_strdup (expected_session_schema.name));
  secret_password_storev_sync (&expected_session_schema, attributes, SECRET_COLLECTION_DEFAULT,
                               "garbage", "{\"not\": \"a session\"", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (&expected_session_schema, url, NULL), ==, 1);

  found = lookup_session (store, url, TL_MODE_PAPER, NULL);
  g_assert_null (found);
  g_assert_cmpuint (count_items (&expected_session_schema, url, NULL), ==, 0);
}

static void
test_cancelled (void)
{
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;

  g_cancellable_cancel (cancellable);
  tl_credential_store_lookup_session_async (store, "https://127.0.0.1:4443/cancel/", TL_MODE_PAPER,
                                            NULL, cancellable, store_result_cb, &result);
  session = tl_credential_store_lookup_session_finish (store, wait_for_result (&result), &error);
  g_assert_null (session);
  /* Unchanged, so that callers can recognise it and stay quiet. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* What a person sees in secret-tool: both items, with labels that say
 * whose, which mode and which server. */
static void
test_secret_tool_labels (void)
{
  const char *url = "https://127.0.0.1:4443/labels/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) session = make_session (TOKEN_ALICE, "alice", TL_MODE_PAPER, 3600);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "secret-tool", "search", "--all", "base-url", url, NULL };
  int status = -1;

  remember (store, url, TL_MODE_PAPER, "alice");
  save_session (store, url, session);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* secret-tool prints the attributes on stderr and the rest on stdout
   * (it has changed between versions): look at both. */
  {
    g_autofree char *all = g_strconcat (out, err, NULL);

    g_test_message ("secret-tool: %s", all);
    g_assert_nonnull (strstr (all, "label = Trading Login username “alice” (paper, https://127.0.0.1:4443/labels/)"));
    g_assert_nonnull (strstr (all, "label = Trading Login session for “alice” (paper, https://127.0.0.1:4443/labels/)"));
    g_assert_nonnull (strstr (all, "schema = io.github.tradinglogin.TradingLogin.Username"));
    g_assert_nonnull (strstr (all, "schema = io.github.tradinglogin.TradingLogin.Session"));
    g_assert_nonnull (strstr (all, "attribute.version = 1"));
    g_assert_nonnull (strstr (all, "attribute.mode = paper"));
  }

  /* And the contract's version search finds them. */
  {
    const char *version_argv[] = { "secret-tool", "search", "--all", "version", "1", NULL };
    g_autofree char *vout = NULL;
    g_autofree char *verr = NULL;
    g_autofree char *all = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) version_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &vout, &verr, &status, &error));
    g_assert_no_error (error);
    all = g_strconcat (vout, verr, NULL);
    g_assert_nonnull (strstr (all, "Trading Login session for “alice” (paper, https://127.0.0.1:4443/labels/)"));
  }
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize needle_length = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  /* Binary files too: no string functions that stop at a NUL. */
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_no_file_contains (const char *dir,
                         const char *skip,
                         const char *needle,
                         guint      *n_files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (skip != NULL && g_str_equal (path, skip))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          assert_no_file_contains (path, skip, needle, n_files);
          continue;
        }
      if (file_contains (path, needle))
        g_error ("%s contains the session token", path);
      (*n_files)++;
    }
}

/* The token goes to the keyring and nowhere else in the session's files. */
static void
test_token_only_in_keyring (void)
{
  const char *url = "https://127.0.0.1:4443/files/";
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) session = make_session (TOKEN_BOB, "bob", TL_MODE_LIVE, 3600);
  g_autoptr(TlSession) found = NULL;
  g_autofree char *keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  const char *dirs[] = {
    g_get_home_dir (), g_get_user_config_dir (), g_get_user_data_dir (),
    g_get_user_cache_dir (), g_get_user_state_dir (), g_get_user_runtime_dir (),
  };
  guint n_files = 0;

  /* Only meaningful inside test-session's throw-away directories. */
  if (g_getenv ("TL_TEST_SESSION_INNER") == NULL)
    {
      g_test_skip ("Not in a private test session (build-aux/test-session)");
      return;
    }

  save_session (store, url, session);
  found = lookup_session (store, url, TL_MODE_LIVE, "bob");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->token, ==, TOKEN_BOB);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    assert_no_file_contains (dirs[i], keyrings, TOKEN_BOB, &n_files);

  /* The keyring file itself is encrypted: not even there in the clear. */
  assert_no_file_contains (keyrings, NULL, TOKEN_BOB, &n_files);
  g_assert_cmpuint (n_files, >, 0);
}

typedef struct
{
  guint pending;
  guint failed;
} Overlap;

static void
overlap_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Overlap *overlap = user_data;
  g_autoptr(GError) error = NULL;
  gpointer source_tag = g_task_get_source_tag (G_TASK (result));

  if (source_tag == tl_credential_store_list_usernames_async)
    g_strfreev (tl_credential_store_list_usernames_finish (TL_CREDENTIAL_STORE (object), result, &error));
  else if (source_tag == tl_credential_store_lookup_session_async)
    tl_session_free (tl_credential_store_lookup_session_finish (TL_CREDENTIAL_STORE (object), result, &error));
  else
    g_task_propagate_boolean (G_TASK (result), &error);

  if (error != NULL)
    {
      g_test_message ("overlapping keyring call failed: %s", error->message);
      overlap->failed++;
    }
  overlap->pending--;
}

/* What two windows do at once after a login: save the session, remember
 * the username, list usernames and look sessions up, all overlapping.
 * Every call must succeed, and none may return twice (that is fatal
 * under G_DEBUG=fatal-warnings). */
static void
test_overlapping_calls (void)
{
  const char *url = "https://127.0.0.1:4443/overlap/";
  g_autoptr(TlCredentialStore) first = tl_credential_store_new ();
  g_autoptr(TlCredentialStore) second = tl_credential_store_new ();
  Overlap overlap = { 0, 0 };
  g_autofree char *listed = NULL;

  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(TlSession) session = make_session (TOKEN_ALICE, "alice", TL_MODE_PAPER, 3600);
      TlCredentialStore *store = round % 2 == 0 ? first : second;
      TlCredentialStore *other = round % 2 == 0 ? second : first;

      overlap.pending += 5;
      tl_credential_store_save_session_async (store, url, session, NULL, overlap_done_cb, &overlap);
      tl_credential_store_remember_username_async (store, url, TL_MODE_PAPER, "alice", NULL,
                                                   overlap_done_cb, &overlap);
      tl_credential_store_list_usernames_async (other, url, TL_MODE_PAPER, NULL,
                                                overlap_done_cb, &overlap);
      tl_credential_store_lookup_session_async (other, url, TL_MODE_PAPER, NULL, NULL,
                                                overlap_done_cb, &overlap);
      tl_credential_store_remember_username_async (other, url, TL_MODE_PAPER, "bob", NULL,
                                                   overlap_done_cb, &overlap);
    }

  while (overlap.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (overlap.failed, ==, 0);
  /* Replacing kept one item per user, whatever the interleaving. */
  listed = list_joined (first, url, TL_MODE_PAPER);
  g_assert_cmpstr (listed, ==, "bob,alice");
}

/* Prepared saves -------------------------------------------------------- */

static gint open_session_calls;

/* Runs in GDBus's worker thread: counts our OpenSession calls. */
static GDBusMessage *
count_open_session (GDBusConnection *connection,
                    GDBusMessage    *message,
                    gboolean         incoming,
                    gpointer         user_data)
{
  if (!incoming &&
      g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_strcmp0 (g_dbus_message_get_member (message), "OpenSession") == 0)
    g_atomic_int_inc (&open_session_calls);

  return message;
}

/* Whether libsecret keeps the items in its file backend, as inside
 * Flatpak (the *-file-backend tests in tests/meson.build), rather than in
 * the Secret Service of this session's gnome-keyring. */
static gboolean
file_backend (void)
{
  return g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0;
}

/* prepare_save() opens the session the save then uses: one key exchange
 * in all (none with the file backend, which has no Secret Service to talk
 * to), and nothing stored by the preparation itself. In a process of its
 * own, so that no earlier test opened libsecret's session. */
static void
assert_prepared_save (gboolean backend_first)
{
  const int key_exchanges = file_backend () ? 0 : 1;
  const char *url = backend_first ? "https://127.0.0.1:4443/prepared-after/"
                                  : "https://127.0.0.1:4443/prepared-first/";
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) alice = make_session (TOKEN_ALICE, "alice", TL_MODE_PAPER, 3600);
  g_autoptr(TlSession) found = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;
  guint filter;
  gint64 deadline;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  filter = g_dbus_connection_add_filter (bus, count_open_session, NULL, NULL);

  /* A search first sets up libsecret without a session, as a lookup
   * before a login does: the preparation then runs in a thread. */
  if (backend_first)
    {
      g_autofree char *none = list_joined (store, url, TL_MODE_PAPER);

      g_assert_cmpstr (none, ==, "");
      g_assert_cmpint (g_atomic_int_get (&open_session_calls), ==, 0);
    }

  tl_credential_store_prepare_save (store, NULL);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_atomic_int_get (&open_session_calls) < key_exchanges && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (g_atomic_int_get (&open_session_calls), ==, key_exchanges);

  /* Queued behind the preparation, and needs no session of its own. */
  save_session (store, url, alice);
  g_assert_cmpint (g_atomic_int_get (&open_session_calls), ==, key_exchanges);

  found = lookup_session (store, url, TL_MODE_PAPER, "alice");
  g_assert_nonnull (found);
  assert_sessions_equal (found, alice);
  g_assert_cmpint (g_atomic_int_get (&open_session_calls), ==, key_exchanges);

  /* The preparation's lookup left nothing behind. */
  items = tl_test_keyring_search (&expected_session_schema, SECRET_SEARCH_ALL, &error,
                                  "base-url", url, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_list_free_full (items, g_object_unref);

  g_dbus_connection_remove_filter (bus, filter);
}

/* @data: TRUE to set libsecret up with a search first. */
static void
test_prepared_save (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      assert_prepared_save (GPOINTER_TO_INT (data));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Inside Flatpak there is no Secret Service on the bus: libsecret keeps
 * the items in its own encrypted file. A username and a session for the
 * same account are two items there too (libsecret 0.20's file backend
 * does not tell schemas apart by itself), the file is where the sandbox
 * keeps it, and nothing reached or started a Secret Service. */
static void
test_file_backend (void)
{
  const char *url = "https://127.0.0.1:4443/file-backend/";
  const char *path = g_getenv ("SECRET_FILE_TEST_PATH");
  g_autoptr(TlCredentialStore) store = tl_credential_store_new ();
  g_autoptr(TlSession) session = make_session (TOKEN_ALICE, "alice", TL_MODE_LIVE, 3600);
  g_autoptr(TlSession) found = NULL;
  g_autoptr(TlSession) after_forget = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *usernames = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean has_owner = TRUE;

  if (!file_backend ())
    {
      g_test_skip ("libsecret uses the Secret Service here (SECRET_BACKEND is not file)");
      return;
    }

  /* The username first, then the session, then the username again: each
   * save replaces only its own kind. */
  remember (store, url, TL_MODE_LIVE, "alice");
  save_session (store, url, session);
  remember (store, url, TL_MODE_LIVE, "alice");
  usernames = list_joined (store, url, TL_MODE_LIVE);
  g_assert_cmpstr (usernames, ==, "alice");
  found = lookup_session (store, url, TL_MODE_LIVE, "alice");
  g_assert_nonnull (found);
  assert_sessions_equal (found, session);
  g_assert_cmpuint (count_items (&expected_username_schema, url, "alice"), ==, 1);
  g_assert_cmpuint (count_items (&expected_session_schema, url, "alice"), ==, 1);

  /* Forgetting the username leaves the session, and the other way round. */
  forget (store, url, TL_MODE_LIVE, "alice");
  after_forget = lookup_session (store, url, TL_MODE_LIVE, "alice");
  g_assert_nonnull (after_forget);
  remember (store, url, TL_MODE_LIVE, "alice");
  delete_session (store, url, TL_MODE_LIVE, "alice");
  g_clear_pointer (&usernames, g_free);
  usernames = list_joined (store, url, TL_MODE_LIVE);
  g_assert_cmpstr (usernames, ==, "alice");

  /* Where Flatpak's libsecret keeps it: XDG_DATA_HOME, which is the app's
   * own ~/.var/app/ID/data inside the sandbox. */
  expected_path = g_build_filename (g_get_user_data_dir (), "keyrings", "default.keyring", NULL);
  g_assert_cmpstr (path, ==, expected_path);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 0);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &has_owner);
  g_assert_false (has_owner);
}

int
main (int   argc,
      char *argv[])
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: the keyring daemon of this session
   * keeps its files in test-session's XDG_DATA_HOME, which the file
   * check must look at. */
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tl/credential-store/usernames/recent-first", test_usernames_recent_first);
  g_test_add_func ("/tl/credential-store/usernames/separate", test_usernames_separate);
  g_test_add_func ("/tl/credential-store/usernames/forget", test_usernames_forget);
  g_test_add_func ("/tl/credential-store/session/save-lookup-delete", test_session_save_lookup_delete);
  g_test_add_func ("/tl/credential-store/session/expired", test_session_expired);
  g_test_add_func ("/tl/credential-store/session/garbage", test_session_garbage);
  g_test_add_data_func ("/tl/credential-store/session/prepared-save-first",
                        GINT_TO_POINTER (FALSE), test_prepared_save);
  g_test_add_data_func ("/tl/credential-store/session/prepared-save-after-search",
                        GINT_TO_POINTER (TRUE), test_prepared_save);
  g_test_add_func ("/tl/credential-store/cancelled", test_cancelled);
  g_test_add_func ("/tl/credential-store/overlapping-calls", test_overlapping_calls);
  g_test_add_func ("/tl/credential-store/secret-tool-labels", test_secret_tool_labels);
  g_test_add_func ("/tl/credential-store/token-only-in-keyring", test_token_only_in_keyring);
  g_test_add_func ("/tl/credential-store/file-backend", test_file_backend);

  return g_test_run ();
}
