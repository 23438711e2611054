/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-audit"

#include "config.h"

#include "tl-authd-audit.h"
#include "tl-authd-clock.h"

void
tl_authd_audit (TlAuthdDb   *db,
                TlMode       mode,
                const char  *username,
                const char  *event,
                const char  *outcome,
                const char  *ip,
                const char  *detail)
{
  g_autoptr(GError) error = NULL;

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                    "MESSAGE", "%s %s/%s from %s: %s%s%s", event, tl_mode_to_string (mode),
                    username != NULL ? username : "-", ip != NULL ? ip : "-", outcome,
                    detail != NULL ? " — " : "", detail != NULL ? detail : "",
                    "TL_EVENT", event,
                    "TL_OUTCOME", outcome,
                    "TL_MODE", tl_mode_to_string (mode),
                    "TL_USER", username != NULL ? username : "",
                    "TL_PEER", ip != NULL ? ip : "");

  if (!tl_authd_db_run (db, NULL, &error,
                        "INSERT INTO audit (at, mode, username, event, outcome, ip, detail) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        "ittttt" "t", tl_authd_clock_now (), tl_mode_to_string (mode), username,
                        event, outcome, ip, detail))
    g_warning ("Could not write the audit log: %s", error->message);
}

gboolean
tl_authd_audit_print (TlAuthdDb   *db,
                      const char  *username,
                      int          mode_filter,
                      guint        limit,
                      GString     *out,
                      GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT * FROM (SELECT id, at, mode, coalesce (username, '-'), event, "
                            "outcome, coalesce (ip, '-'), coalesce (detail, '') FROM audit "
                            "WHERE (?1 IS NULL OR username = ?1) AND (?2 IS NULL OR mode = ?2) "
                            "ORDER BY id DESC LIMIT ?3) ORDER BY id",
                            "tti", username,
                            mode_filter < 0 ? NULL : tl_mode_to_string ((TlMode) mode_filter),
                            (gint64) limit);
  if (stmt == NULL)
    return FALSE;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *when = tl_authd_clock_format (tl_authd_stmt_int (stmt, 1));

      g_string_append_printf (out, "%s  %-5s  %-16s  %-22s  %-8s  %-15s  %s\n", when,
                              tl_authd_stmt_text (stmt, 2), tl_authd_stmt_text (stmt, 3),
                              tl_authd_stmt_text (stmt, 4), tl_authd_stmt_text (stmt, 5),
                              tl_authd_stmt_text (stmt, 6), tl_authd_stmt_text (stmt, 7));
    }

  return rc >= 0;
}
