/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-db"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-authd-crypto.h"
#include "tl-authd-db.h"

struct _TlAuthdDb
{
  sqlite3    *handle;
  GHashTable *statements;  /* SQL text -> sqlite3_stmt */
  GBytes     *secret;
};

/* Index i brings user_version i to i + 1. Never edit a shipped entry:
 * append a new one. */
static const char * const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value BLOB NOT NULL"
  ") WITHOUT ROWID;"

  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  mode TEXT NOT NULL CHECK (mode IN ('live', 'paper')),"
  "  username TEXT NOT NULL,"
  "  salt BLOB NOT NULL,"
  "  verifier BLOB NOT NULL,"
  "  account TEXT NOT NULL,"
  "  failures INTEGER NOT NULL DEFAULT 0,"
  "  last_failure INTEGER,"
  "  locked_until INTEGER,"
  "  read_only_allowed INTEGER NOT NULL DEFAULT 0,"
  "  phone TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (mode, username)"
  ");"

  /* Failure counters of names that are not users, so that lockout (and
   * attempts_left) look the same for them: no enumeration through it. */
  "CREATE TABLE unknown_failures ("
  "  mode TEXT NOT NULL,"
  "  username TEXT NOT NULL,"
  "  failures INTEGER NOT NULL DEFAULT 0,"
  "  last_failure INTEGER,"
  "  locked_until INTEGER,"
  "  PRIMARY KEY (mode, username)"
  ") WITHOUT ROWID;"

  "CREATE TABLE devices ("
  "  id TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('ibkey', 'totp', 'sms', 'dsc', 'card', 'temp')),"
  "  label TEXT NOT NULL,"
  "  secret BLOB,"
  "  ocra_suite TEXT,"
  "  pin TEXT,"
  "  phone TEXT,"
  "  last_totp_step INTEGER,"
  "  expires_at INTEGER,"
  "  is_default INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX devices_user ON devices (user_id);"

  "CREATE TABLE card_cells ("
  "  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,"
  "  idx INTEGER NOT NULL,"
  "  code TEXT NOT NULL,"
  "  PRIMARY KEY (device_id, idx)"
  ") WITHOUT ROWID;"

  "CREATE TABLE temp_passcodes ("
  "  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,"
  "  code_hash BLOB NOT NULL,"
  "  expires_at INTEGER NOT NULL"
  ");"

  "CREATE TABLE activation_codes ("
  "  code_hash BLOB PRIMARY KEY,"
  "  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER"
  ");"
  "CREATE INDEX activation_codes_device ON activation_codes (device_id);"

  "CREATE TABLE logins ("
  "  id TEXT PRIMARY KEY,"
  "  mode TEXT NOT NULL,"
  "  username TEXT NOT NULL,"
  "  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,"
  "  client TEXT NOT NULL,"
  "  ip TEXT NOT NULL,"
  "  srp_b BLOB,"
  "  state TEXT NOT NULL CHECK (state IN ('password', 'second_factor', 'approved', 'denied')),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  device_id TEXT REFERENCES devices (id) ON DELETE CASCADE,"
  "  method TEXT,"
  "  challenge TEXT,"
  "  code_hash BLOB,"
  "  code_expires_at INTEGER,"
  "  resend_at INTEGER,"
  "  answer_failures INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX logins_expiry ON logins (expires_at);"

  "CREATE TABLE pushes ("
  "  id TEXT PRIMARY KEY,"
  "  login_id TEXT REFERENCES logins (id) ON DELETE SET NULL,"
  "  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'cancelled')),"
  "  decided_at INTEGER"
  ");"
  "CREATE INDEX pushes_device ON pushes (device_id, status);"
  "CREATE INDEX pushes_login ON pushes (login_id);"

  "CREATE TABLE sessions ("
  "  token_hash BLOB PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  client TEXT NOT NULL,"
  "  ip TEXT NOT NULL,"
  "  read_only INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  last_seen INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX sessions_user ON sessions (user_id);"

  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  mode TEXT,"
  "  username TEXT,"
  "  event TEXT NOT NULL,"
  "  outcome TEXT NOT NULL,"
  "  ip TEXT,"
  "  detail TEXT"
  ");"
  "CREATE INDEX audit_user ON audit (mode, username);",

  /* 1 -> 2: PAD(B) as sent at v1/login/start, so that verify restores
   * the SRP state from b and B instead of computing B again. Logins
   * started before have none and are verified the old way. (SQLite's
   * names ignore case: "srp_B" would be srp_b.) */
  "ALTER TABLE logins ADD COLUMN srp_B_pad BLOB;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == TL_AUTHD_SCHEMA_VERSION);

static void
set_sqlite_error (TlAuthdDb   *db,
                  GError     **error,
                  const char  *what)
{
  /* The SQLite message names tables and constraints, never values. */
  g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR,
               _("Database error (%s): %s"), what,
               db->handle != NULL ? sqlite3_errmsg (db->handle) : "no handle");
}

static gboolean
exec (TlAuthdDb   *db,
      const char  *sql,
      GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db->handle, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR,
                   _("Database error: %s"), message != NULL ? message : "?");
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static gint64
get_user_version (TlAuthdDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (db->handle, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
migrate (TlAuthdDb  *db,
         GError    **error)
{
  gint64 version;

  if (!tl_authd_db_begin (db, error))
    return FALSE;

  version = get_user_version (db);
  if (version < 0 || version > TL_AUTHD_SCHEMA_VERSION)
    {
      tl_authd_db_rollback (db);
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR,
                   _("The database has schema version %ld, newer than this server knows (%d). "
                     "Use a newer trading-authd."),
                   (long) version, TL_AUTHD_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < TL_AUTHD_SCHEMA_VERSION; version++)
    {
      g_autofree char *pragma = NULL;

      if (!exec (db, migrations[version], error))
        {
          tl_authd_db_rollback (db);
          return FALSE;
        }

      pragma = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (!exec (db, pragma, error))
        {
          tl_authd_db_rollback (db);
          return FALSE;
        }

      g_message ("Database migrated to schema version %" G_GINT64_FORMAT, version + 1);
    }

  return tl_authd_db_commit (db, error);
}

static gboolean
load_secret (TlAuthdDb  *db,
             GError    **error)
{
  g_autoptr(GBytes) fresh = NULL;

  {
    g_autoptr(TlAuthdStmt) stmt = tl_authd_db_query (db, error,
                                                     "SELECT value FROM meta WHERE key = 'secret'", "");
    int rc;

    if (stmt == NULL || (rc = tl_authd_db_step (db, stmt, error)) < 0)
      return FALSE;
    if (rc == SQLITE_ROW)
      {
        db->secret = tl_authd_stmt_dup_bytes (stmt, 0);
        return TRUE;
      }
  }

  /* INSERT OR IGNORE then read back: two processes creating the same
   * database agree on one secret. */
  fresh = tl_authd_random_bytes (32);
  if (!tl_authd_db_run (db, NULL, error,
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?)",
                        "b", fresh))
    return FALSE;

  return load_secret (db, error);
}

TlAuthdDb *
tl_authd_db_open (const char  *path,
                  gboolean     create,
                  GError     **error)
{
  TlAuthdDb *db = g_new0 (TlAuthdDb, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);

  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) sqlite3_finalize);

  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR,
                   _("No database at “%s”. Run “trading-authd init” first, or pass the right --data-dir."),
                   path);
      tl_authd_db_close (db);
      return NULL;
    }

  if (sqlite3_open_v2 (path, &db->handle, flags, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, error, path);
      tl_authd_db_close (db);
      return NULL;
    }

  /* The file holds verifiers and device secrets: owner only. */
  if (g_chmod (path, 0600) != 0)
    g_warning ("Could not make %s private: %s", path, g_strerror (errno));

  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, 10000);

  /* WAL with synchronous=NORMAL: a commit is in the WAL file (and so
   * survives kill -9 of the server) when it returns; only a power cut
   * can lose the last few, never corrupt the database. A full fsync per
   * login start would cost more than it protects. */
  if (!exec (db, "PRAGMA journal_mode = WAL", error) ||
      !exec (db, "PRAGMA synchronous = NORMAL", error) ||
      !exec (db, "PRAGMA foreign_keys = ON", error) ||
      !exec (db, "PRAGMA secure_delete = ON", error) ||
      !migrate (db, error) ||
      !load_secret (db, error))
    {
      tl_authd_db_close (db);
      return NULL;
    }

  return db;
}

void
tl_authd_db_close (TlAuthdDb *db)
{
  if (db == NULL)
    return;

  g_clear_pointer (&db->statements, g_hash_table_unref);
  g_clear_pointer (&db->secret, g_bytes_unref);
  if (db->handle != NULL)
    sqlite3_close (db->handle);
  g_free (db);
}

static sqlite3_stmt *
prepare (TlAuthdDb   *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, error, "prepare");
      g_critical ("Could not prepare: %s", sql);
      return NULL;
    }

  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

static TlAuthdStmt *
query_valist (TlAuthdDb   *db,
              GError     **error,
              const char  *sql,
              const char  *types,
              va_list      args)
{
  sqlite3_stmt *stmt = prepare (db, sql, error);
  int rc = SQLITE_OK;

  if (stmt == NULL)
    return NULL;

  g_return_val_if_fail ((int) strlen (types) == sqlite3_bind_parameter_count (stmt), NULL);

  for (int i = 0; types[i] != '\0' && rc == SQLITE_OK; i++)
    {
      switch (types[i])
        {
        case 't':
          {
            const char *text = va_arg (args, const char *);

            rc = text != NULL ? sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_TRANSIENT)
                              : sqlite3_bind_null (stmt, i + 1);
          }
          break;

        case 'i':
          rc = sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
          break;

        case 'b':
          {
            GBytes *bytes = va_arg (args, GBytes *);
            gsize length = 0;
            const void *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

            rc = bytes != NULL ? sqlite3_bind_blob64 (stmt, i + 1, data != NULL ? data : "", length,
                                                      SQLITE_TRANSIENT)
                               : sqlite3_bind_null (stmt, i + 1);
          }
          break;

        default:
          g_return_val_if_reached (NULL);
        }
    }

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (db, error, "bind");
      sqlite3_reset (stmt);
      return NULL;
    }

  return stmt;
}

TlAuthdStmt *
tl_authd_db_query (TlAuthdDb   *db,
                   GError     **error,
                   const char  *sql,
                   const char  *types,
                   ...)
{
  TlAuthdStmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = query_valist (db, error, sql, types, args);
  va_end (args);

  return stmt;
}

int
tl_authd_db_step (TlAuthdDb    *db,
                  TlAuthdStmt  *stmt,
                  GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  set_sqlite_error (db, error, "step");
  return -1;
}

gboolean
tl_authd_db_run (TlAuthdDb   *db,
                 gint64      *out_changes,
                 GError     **error,
                 const char  *sql,
                 const char  *types,
                 ...)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  va_list args;
  int rc;

  va_start (args, types);
  stmt = query_valist (db, error, sql, types, args);
  va_end (args);

  if (stmt == NULL)
    return FALSE;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    ;
  if (rc < 0)
    return FALSE;

  if (out_changes != NULL)
    *out_changes = sqlite3_changes64 (db->handle);

  return TRUE;
}

void
tl_authd_stmt_release (TlAuthdStmt *stmt)
{
  if (stmt == NULL)
    return;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

char *
tl_authd_stmt_dup_text (TlAuthdStmt *stmt,
                        int          column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

const char *
tl_authd_stmt_text (TlAuthdStmt *stmt,
                    int          column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

GBytes *
tl_authd_stmt_dup_bytes (TlAuthdStmt *stmt,
                         int          column)
{
  const void *data;
  int length;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  data = sqlite3_column_blob (stmt, column);
  length = sqlite3_column_bytes (stmt, column);

  return g_bytes_new (data, (gsize) length);
}

gint64
tl_authd_stmt_int (TlAuthdStmt *stmt,
                   int          column)
{
  return sqlite3_column_int64 (stmt, column);
}

gboolean
tl_authd_stmt_is_null (TlAuthdStmt *stmt,
                       int          column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL;
}

/* Cached statements like any other: sqlite3_exec() would parse and
 * prepare them again for every transaction. */
gboolean
tl_authd_db_begin (TlAuthdDb  *db,
                   GError    **error)
{
  return tl_authd_db_run (db, NULL, error, "BEGIN IMMEDIATE", "");
}

gboolean
tl_authd_db_commit (TlAuthdDb  *db,
                    GError    **error)
{
  if (tl_authd_db_run (db, NULL, error, "COMMIT", ""))
    return TRUE;

  tl_authd_db_rollback (db);
  return FALSE;
}

void
tl_authd_db_rollback (TlAuthdDb *db)
{
  if (!sqlite3_get_autocommit (db->handle))
    tl_authd_db_run (db, NULL, NULL, "ROLLBACK", "");
}

GBytes *
tl_authd_db_get_secret (TlAuthdDb *db)
{
  return db->secret;
}
