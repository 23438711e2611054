/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-lockout"

#include "config.h"

#include "tl-authd-lockout.h"

#define MAX_FAILURES G_STRINGIFY (TL_AUTHD_LOCKOUT_MAX_FAILURES)
#define WINDOW G_STRINGIFY (TL_AUTHD_LOCKOUT_WINDOW)

/* ?1 = now. The failure count restarts when the previous failure is
 * older than the window; the lock is set by the failure that reaches the
 * limit, in the same statement. */
#define NEW_COUNT \
  "(CASE WHEN last_failure > ?1 - " WINDOW " THEN failures + 1 ELSE 1 END)"
#define SET_FAILURE \
  "failures = " NEW_COUNT ", " \
  "locked_until = CASE WHEN " NEW_COUNT " >= " MAX_FAILURES " THEN ?1 + " WINDOW " ELSE NULL END, " \
  "last_failure = ?1 "
#define NOT_LOCKED "(locked_until IS NULL OR locked_until <= ?1)"

gint64
tl_authd_lockout_remaining (TlAuthdDb          *db,
                            const TlAuthdUser  *user,
                            gint64              now,
                            GError            **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  gint64 locked_until = 0;
  int rc;

  if (user->id != 0)
    stmt = tl_authd_db_query (db, error, "SELECT locked_until FROM users WHERE id = ?",
                              "i", user->id);
  else
    stmt = tl_authd_db_query (db, error,
                              "SELECT locked_until FROM unknown_failures WHERE mode = ? AND username = ?",
                              "tt", tl_mode_to_string (user->mode), user->username);

  if (stmt == NULL || (rc = tl_authd_db_step (db, stmt, error)) < 0)
    return -1;

  if (rc == SQLITE_ROW)
    locked_until = tl_authd_stmt_int (stmt, 0);

  return locked_until > now ? locked_until - now : 0;
}

gboolean
tl_authd_lockout_fail (TlAuthdDb          *db,
                       const TlAuthdUser  *user,
                       gint64              now,
                       gboolean           *out_counted,
                       gint64             *out_attempts_left,
                       GError            **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  if (user->id != 0)
    stmt = tl_authd_db_query (db, error,
                              "UPDATE users SET " SET_FAILURE
                              "WHERE id = ?2 AND " NOT_LOCKED " RETURNING failures",
                              "ii", now, user->id);
  else
    stmt = tl_authd_db_query (db, error,
                              "INSERT INTO unknown_failures (mode, username, failures, last_failure) "
                              "VALUES (?2, ?3, 1, ?1) "
                              "ON CONFLICT (mode, username) DO UPDATE SET " SET_FAILURE
                              "WHERE " NOT_LOCKED " RETURNING failures",
                              "itt", now, tl_mode_to_string (user->mode), user->username);

  if (stmt == NULL || (rc = tl_authd_db_step (db, stmt, error)) < 0)
    return FALSE;

  *out_counted = rc == SQLITE_ROW;
  *out_attempts_left = 0;
  if (rc == SQLITE_ROW)
    *out_attempts_left = MAX (0, TL_AUTHD_LOCKOUT_MAX_FAILURES - tl_authd_stmt_int (stmt, 0));

  return TRUE;
}

gboolean
tl_authd_lockout_reset (TlAuthdDb          *db,
                        const TlAuthdUser  *user,
                        GError            **error)
{
  if (user->id == 0)
    return TRUE;

  return tl_authd_db_run (db, NULL, error,
                          "UPDATE users SET failures = 0, last_failure = NULL, locked_until = NULL "
                          "WHERE id = ? AND failures != 0",
                          "i", user->id);
}

gboolean
tl_authd_lockout_unlock (TlAuthdDb   *db,
                         TlMode       mode,
                         const char  *username,
                         GError     **error)
{
  return tl_authd_db_run (db, NULL, error,
                          "UPDATE users SET failures = 0, last_failure = NULL, locked_until = NULL "
                          "WHERE mode = ? AND username = ?",
                          "tt", tl_mode_to_string (mode), username) &&
         tl_authd_db_run (db, NULL, error,
                          "DELETE FROM unknown_failures WHERE mode = ? AND username = ?",
                          "tt", tl_mode_to_string (mode), username);
}
