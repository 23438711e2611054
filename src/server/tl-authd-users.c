/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-users"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-authd-clock.h"
#include "tl-authd-crypto.h"
#include "tl-authd-users.h"
#include "tl-srp.h"

#define USER_COLUMNS \
  "id, mode, username, salt, verifier, account, failures, last_failure, " \
  "locked_until, read_only_allowed, phone"

void
tl_authd_user_free (TlAuthdUser *user)
{
  if (user == NULL)
    return;

  g_free (user->username);
  g_clear_pointer (&user->salt, g_bytes_unref);
  g_clear_pointer (&user->verifier, g_bytes_unref);
  g_free (user->account);
  g_free (user->phone);
  g_free (user);
}

static TlAuthdUser *
user_from_row (TlAuthdStmt *stmt)
{
  TlAuthdUser *user = g_new0 (TlAuthdUser, 1);

  user->id = tl_authd_stmt_int (stmt, 0);
  tl_mode_from_string (tl_authd_stmt_text (stmt, 1), &user->mode);
  user->username = tl_authd_stmt_dup_text (stmt, 2);
  user->salt = tl_authd_stmt_dup_bytes (stmt, 3);
  user->verifier = tl_authd_stmt_dup_bytes (stmt, 4);
  user->account = tl_authd_stmt_dup_text (stmt, 5);
  user->failures = tl_authd_stmt_int (stmt, 6);
  user->last_failure = tl_authd_stmt_int (stmt, 7);
  user->locked_until = tl_authd_stmt_int (stmt, 8);
  user->read_only_allowed = tl_authd_stmt_int (stmt, 9) != 0;
  user->phone = tl_authd_stmt_dup_text (stmt, 10);

  return user;
}

TlAuthdUser *
tl_authd_user_lookup (TlAuthdDb   *db,
                      TlMode       mode,
                      const char  *username,
                      GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT " USER_COLUMNS " FROM users WHERE mode = ? AND username = ?",
                            "tt", tl_mode_to_string (mode), username);
  if (stmt == NULL || (rc = tl_authd_db_step (db, stmt, error)) != SQLITE_ROW)
    return NULL;

  return user_from_row (stmt);
}

TlAuthdUser *
tl_authd_user_lookup_id (TlAuthdDb   *db,
                         gint64       id,
                         GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, error, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", "i", id);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  return user_from_row (stmt);
}

static GBytes *
derive (TlAuthdDb  *db,
        const char *purpose,
        TlMode      mode,
        const char *username,
        guint       counter)
{
  g_autofree char *label = g_strdup_printf ("%s:%s:%s:%u", purpose, tl_mode_to_string (mode),
                                            username, counter);

  return tl_authd_hmac_sha256 (tl_authd_db_get_secret (db), label, strlen (label));
}

TlAuthdUser *
tl_authd_user_new_phantom (TlAuthdDb  *db,
                           TlMode      mode,
                           const char *username)
{
  TlAuthdUser *user = g_new0 (TlAuthdUser, 1);
  gsize length = tl_srp_group_length (TL_SRP_DEFAULT_GROUP);
  g_autoptr(GByteArray) verifier = g_byte_array_sized_new (length);
  g_autoptr(GBytes) salt = derive (db, "salt", mode, username, 0);

  user->mode = mode;
  user->username = g_strdup (username);
  user->salt = g_bytes_new_from_bytes (salt, 0, TL_SRP_SALT_LENGTH);
  user->account = g_strdup ("");

  /* Any value in [1, N) is a verifier nobody can log in with, and it
   * costs the same modular exponentiations as a real one. Clearing the
   * top bit keeps it below N. */
  for (guint i = 0; verifier->len < length; i++)
    {
      g_autoptr(GBytes) block = derive (db, "verifier", mode, username, i);
      gsize block_length;
      const guint8 *data = g_bytes_get_data (block, &block_length);

      g_byte_array_append (verifier, data, (guint) MIN (block_length, length - verifier->len));
    }
  verifier->data[0] &= 0x7f;
  verifier->data[length - 1] |= 0x01;
  user->verifier = g_byte_array_free_to_bytes (g_steal_pointer (&verifier));

  return user;
}

static char *
new_account (TlMode mode)
{
  g_autofree char *digits = tl_authd_random_code (7, TL_AUTHD_DIGITS);

  return g_strconcat (mode == TL_MODE_PAPER ? "DU" : "U", digits, NULL);
}

static GBytes *
make_verifier (const char  *username,
               const char  *password,
               GBytes     **out_salt,
               GError     **error)
{
  g_autoptr(GBytes) salt = tl_srp_random_salt (error);
  GBytes *verifier;

  if (salt == NULL)
    return NULL;

  verifier = tl_srp_compute_verifier (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      username, password, salt, error);
  if (verifier != NULL)
    *out_salt = g_steal_pointer (&salt);

  return verifier;
}

gboolean
tl_authd_user_add (TlAuthdDb   *db,
                   TlMode       mode,
                   const char  *username,
                   const char  *password,
                   const char  *account,
                   gboolean     read_only_allowed,
                   const char  *phone,
                   gint64      *out_id,
                   GError     **error)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(TlAuthdUser) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *fresh_account = NULL;
  g_autoptr(TlAuthdStmt) stmt = NULL;

  if (!tl_username_is_valid (username))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid username: use 1 to 64 lower-case letters and digits."),
                   username);
      return FALSE;
    }

  existing = tl_authd_user_lookup (db, mode, username, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (existing != NULL)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("The %s user “%s” exists already."), tl_mode_to_string (mode), username);
      return FALSE;
    }

  if ((verifier = make_verifier (username, password, &salt, error)) == NULL)
    return FALSE;

  if (account == NULL)
    account = fresh_account = new_account (mode);

  stmt = tl_authd_db_query (db, error,
                            "INSERT INTO users (mode, username, salt, verifier, account, "
                            "read_only_allowed, phone, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            "ttbbtiti", tl_mode_to_string (mode), username, salt, verifier,
                            account, (gint64) read_only_allowed, phone, tl_authd_clock_now ());
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;

  if (out_id != NULL)
    *out_id = tl_authd_stmt_int (stmt, 0);

  return TRUE;
}

static gboolean
no_such_user (TlMode       mode,
              const char  *username,
              gint64       changes,
              GError     **error)
{
  if (changes > 0)
    return TRUE;

  g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
               _("There is no %s user “%s”."), tl_mode_to_string (mode), username);
  return FALSE;
}

gboolean
tl_authd_user_set_password (TlAuthdDb   *db,
                            TlMode       mode,
                            const char  *username,
                            const char  *password,
                            GError     **error)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  gint64 changes = 0;

  if ((verifier = make_verifier (username, password, &salt, error)) == NULL)
    return FALSE;

  if (!tl_authd_db_run (db, &changes, error,
                        "UPDATE users SET salt = ?, verifier = ? WHERE mode = ? AND username = ?",
                        "bbtt", salt, verifier, tl_mode_to_string (mode), username))
    return FALSE;

  return no_such_user (mode, username, changes, error);
}

gboolean
tl_authd_user_delete (TlAuthdDb   *db,
                      TlMode       mode,
                      const char  *username,
                      GError     **error)
{
  gint64 changes = 0;

  if (!tl_authd_db_run (db, &changes, error,
                        "DELETE FROM users WHERE mode = ? AND username = ?",
                        "tt", tl_mode_to_string (mode), username))
    return FALSE;

  return no_such_user (mode, username, changes, error);
}

GPtrArray *
tl_authd_user_list (TlAuthdDb  *db,
                    int         mode_filter,
                    GError    **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) tl_authd_user_free);
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT " USER_COLUMNS " FROM users WHERE ? OR mode = ? "
                            "ORDER BY mode, username",
                            "it", (gint64) (mode_filter < 0),
                            mode_filter < 0 ? "" : tl_mode_to_string ((TlMode) mode_filter));
  if (stmt == NULL)
    return NULL;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));

  return rc < 0 ? NULL : g_steal_pointer (&users);
}
