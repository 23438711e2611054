/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-sessions"

#include "config.h"

#include <string.h>

#include "tl-authd-crypto.h"
#include "tl-authd-sessions.h"

#define TOKEN_LENGTH 43
#define SESSION_COLUMNS "token_hash, user_id, client, ip, read_only, created_at, last_seen, expires_at"

void
tl_authd_session_row_free (TlAuthdSessionRow *row)
{
  if (row == NULL)
    return;

  g_clear_pointer (&row->token_hash, g_bytes_unref);
  g_free (row->client);
  g_free (row->ip);
  g_free (row);
}

static TlAuthdSessionRow *
row_from_stmt (TlAuthdStmt *stmt)
{
  TlAuthdSessionRow *row = g_new0 (TlAuthdSessionRow, 1);

  row->token_hash = tl_authd_stmt_dup_bytes (stmt, 0);
  row->user_id = tl_authd_stmt_int (stmt, 1);
  row->client = tl_authd_stmt_dup_text (stmt, 2);
  row->ip = tl_authd_stmt_dup_text (stmt, 3);
  row->read_only = tl_authd_stmt_int (stmt, 4) != 0;
  row->created_at = tl_authd_stmt_int (stmt, 5);
  row->last_seen = tl_authd_stmt_int (stmt, 6);
  row->expires_at = tl_authd_stmt_int (stmt, 7);

  return row;
}

static gboolean
token_is_wellformed (const char *token)
{
  if (token == NULL || strlen (token) != TOKEN_LENGTH)
    return FALSE;

  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

char *
tl_authd_session_create (TlAuthdDb   *db,
                         gint64       user_id,
                         const char  *client,
                         const char  *ip,
                         gboolean     read_only,
                         gint64       now,
                         gint64       lifetime,
                         gint64      *out_expires_at,
                         GError     **error)
{
  g_autofree char *token = tl_authd_random_token (32);
  g_autoptr(GBytes) hash = tl_authd_sha256 (token, strlen (token));

  g_assert (strlen (token) == TOKEN_LENGTH);

  if (!tl_authd_db_run (db, NULL, error, "DELETE FROM sessions WHERE user_id = ?", "i", user_id) ||
      !tl_authd_db_run (db, NULL, error,
                        "INSERT INTO sessions (token_hash, user_id, client, ip, read_only, "
                        "created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        "bittiiii", hash, user_id, client, ip, (gint64) read_only,
                        now, now, now + lifetime))
    return NULL;

  *out_expires_at = now + lifetime;
  return g_steal_pointer (&token);
}

TlAuthdSessionRow *
tl_authd_session_lookup (TlAuthdDb   *db,
                         const char  *token,
                         gint64       now,
                         GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  g_autoptr(GBytes) hash = NULL;

  if (!token_is_wellformed (token))
    return NULL;

  hash = tl_authd_sha256 (token, strlen (token));
  stmt = tl_authd_db_query (db, error,
                            "SELECT " SESSION_COLUMNS " FROM sessions "
                            "WHERE token_hash = ? AND expires_at > ?",
                            "bi", hash, now);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  return row_from_stmt (stmt);
}

gboolean
tl_authd_session_touch (TlAuthdDb          *db,
                        TlAuthdSessionRow  *row,
                        gint64              now,
                        gint64              expires_at,
                        GError            **error)
{
  if (!tl_authd_db_run (db, NULL, error,
                        "UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?",
                        "iib", now, expires_at, row->token_hash))
    return FALSE;

  row->last_seen = now;
  row->expires_at = expires_at;
  return TRUE;
}

gboolean
tl_authd_session_end (TlAuthdDb   *db,
                      GBytes      *token_hash,
                      GError     **error)
{
  return tl_authd_db_run (db, NULL, error, "DELETE FROM sessions WHERE token_hash = ?",
                          "b", token_hash);
}

TlAuthdSessionRow *
tl_authd_session_find_live (TlAuthdDb   *db,
                            gint64       user_id,
                            gint64       now,
                            GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, error,
                            "SELECT " SESSION_COLUMNS " FROM sessions "
                            "WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
                            "ii", user_id, now);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  return row_from_stmt (stmt);
}

GPtrArray *
tl_authd_session_list (TlAuthdDb   *db,
                       gint64       user_id,
                       gint64       now,
                       GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tl_authd_session_row_free);
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT " SESSION_COLUMNS " FROM sessions "
                            "WHERE user_id = ? AND expires_at > ? ORDER BY created_at",
                            "ii", user_id, now);
  if (stmt == NULL)
    return NULL;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_from_stmt (stmt));

  return rc < 0 ? NULL : g_steal_pointer (&rows);
}

gboolean
tl_authd_session_end_all (TlAuthdDb   *db,
                          gint64       user_id,
                          gint64      *out_count,
                          GError     **error)
{
  return tl_authd_db_run (db, out_count, error, "DELETE FROM sessions WHERE user_id = ?",
                          "i", user_id);
}
