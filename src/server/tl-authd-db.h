/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The server's SQLite database: one connection, WAL, foreign keys,
 * prepared statements cached by their SQL text. */
typedef struct _TlAuthdDb TlAuthdDb;

/* A cached statement, bound and ready to step. Releasing it (the
 * g_autoptr cleanup) resets it so it holds no lock and no snapshot. */
typedef sqlite3_stmt TlAuthdStmt;

#define TL_AUTHD_DB_FILE_NAME "authd.sqlite3"
#define TL_AUTHD_SCHEMA_VERSION 2

/* Opens (creating when @create) and migrates @path. */
TlAuthdDb    *tl_authd_db_open         (const char   *path,
                                        gboolean      create,
                                        GError      **error);
void          tl_authd_db_close        (TlAuthdDb    *db);

/* Prepares (or reuses) @sql and binds the variadic values; @types has
 * one letter per '?': 't' const char * (NULL binds NULL), 'i' gint64,
 * 'b' GBytes * (NULL binds NULL). Returns NULL with @error set. */
TlAuthdStmt  *tl_authd_db_query        (TlAuthdDb    *db,
                                        GError      **error,
                                        const char   *sql,
                                        const char   *types,
                                        ...);
/* SQLITE_ROW, SQLITE_DONE, or -1 with @error set. */
int           tl_authd_db_step         (TlAuthdDb    *db,
                                        TlAuthdStmt  *stmt,
                                        GError      **error);
/* Runs a statement that returns no rows; the number of changed rows in
 * @out_changes (optional). */
gboolean      tl_authd_db_run          (TlAuthdDb    *db,
                                        gint64       *out_changes,
                                        GError      **error,
                                        const char   *sql,
                                        const char   *types,
                                        ...);
void          tl_authd_stmt_release    (TlAuthdStmt  *stmt);

char         *tl_authd_stmt_dup_text   (TlAuthdStmt  *stmt,
                                        int           column);
const char   *tl_authd_stmt_text       (TlAuthdStmt  *stmt,
                                        int           column);
GBytes       *tl_authd_stmt_dup_bytes  (TlAuthdStmt  *stmt,
                                        int           column);
gint64        tl_authd_stmt_int        (TlAuthdStmt  *stmt,
                                        int           column);
gboolean      tl_authd_stmt_is_null    (TlAuthdStmt  *stmt,
                                        int           column);

/* BEGIN IMMEDIATE: the write lock is taken at once, so concurrent
 * writers (other processes too) queue on busy_timeout instead of failing
 * half-way. */
gboolean      tl_authd_db_begin        (TlAuthdDb    *db,
                                        GError      **error);
gboolean      tl_authd_db_commit       (TlAuthdDb    *db,
                                        GError      **error);
void          tl_authd_db_rollback     (TlAuthdDb    *db);

/* 32 random bytes made once per database: keys the stable salts and
 * verifiers of unknown usernames and the hashes of short codes. */
GBytes       *tl_authd_db_get_secret   (TlAuthdDb    *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdStmt, tl_authd_stmt_release)

G_END_DECLS
