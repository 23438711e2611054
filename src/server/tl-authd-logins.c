/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-logins"

#include "config.h"

#include <json-glib/json-glib.h>

#include "tl-authd-clock.h"
#include "tl-authd-crypto.h"
#include "tl-authd-logins.h"

static const char * const state_names[] = { "password", "second_factor", "approved", "denied" };
static const char * const push_status_names[] = { "pending", "approved", "denied", "cancelled" };

#define LOGIN_COLUMNS \
  "id, mode, username, coalesce (user_id, 0), client, ip, srp_b, state, created_at, " \
  "expires_at, device_id, method, challenge, code_hash, coalesce (code_expires_at, 0), " \
  "coalesce (resend_at, 0), answer_failures, srp_B_pad"

void
tl_authd_login_free (TlAuthdLogin *login)
{
  if (login == NULL)
    return;

  g_free (login->id);
  g_free (login->username);
  g_free (login->client);
  g_free (login->ip);
  g_clear_pointer (&login->srp_b, g_bytes_unref);
  g_clear_pointer (&login->srp_B, g_bytes_unref);
  g_free (login->device_id);
  g_free (login->method);
  g_free (login->challenge);
  g_clear_pointer (&login->code_hash, g_bytes_unref);
  g_free (login);
}

static guint
name_index (const char * const *names,
            guint               n_names,
            const char         *name)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (names[i], name) == 0)
      return i;

  return 0;
}

TlAuthdLogin *
tl_authd_login_lookup (TlAuthdDb   *db,
                       TlMode       mode,
                       const char  *id,
                       gint64       now,
                       GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  TlAuthdLogin *login;

  stmt = tl_authd_db_query (db, error,
                            "SELECT " LOGIN_COLUMNS " FROM logins "
                            "WHERE id = ? AND mode = ? AND expires_at > ?",
                            "tti", id, tl_mode_to_string (mode), now);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  login = g_new0 (TlAuthdLogin, 1);
  login->id = tl_authd_stmt_dup_text (stmt, 0);
  tl_mode_from_string (tl_authd_stmt_text (stmt, 1), &login->mode);
  login->username = tl_authd_stmt_dup_text (stmt, 2);
  login->user_id = tl_authd_stmt_int (stmt, 3);
  login->client = tl_authd_stmt_dup_text (stmt, 4);
  login->ip = tl_authd_stmt_dup_text (stmt, 5);
  login->srp_b = tl_authd_stmt_dup_bytes (stmt, 6);
  login->state = name_index (state_names, G_N_ELEMENTS (state_names), tl_authd_stmt_text (stmt, 7));
  login->created_at = tl_authd_stmt_int (stmt, 8);
  login->expires_at = tl_authd_stmt_int (stmt, 9);
  login->device_id = tl_authd_stmt_dup_text (stmt, 10);
  login->method = tl_authd_stmt_dup_text (stmt, 11);
  login->challenge = tl_authd_stmt_dup_text (stmt, 12);
  login->code_hash = tl_authd_stmt_dup_bytes (stmt, 13);
  login->code_expires_at = tl_authd_stmt_int (stmt, 14);
  login->resend_at = tl_authd_stmt_int (stmt, 15);
  login->answer_failures = tl_authd_stmt_int (stmt, 16);
  login->srp_B = tl_authd_stmt_dup_bytes (stmt, 17);

  return login;
}

char *
tl_authd_login_create (TlAuthdDb   *db,
                       TlMode       mode,
                       const char  *username,
                       gint64       user_id,
                       const char  *client,
                       const char  *ip,
                       GBytes      *srp_b,
                       GBytes      *srp_B,
                       gint64       now,
                       gint64       lifetime,
                       GError     **error)
{
  g_autofree char *id = tl_authd_random_token (18);

  if (!tl_authd_db_run (db, NULL, error,
                        "INSERT INTO logins (id, mode, username, user_id, client, ip, srp_b, srp_B_pad, "
                        "state, created_at, expires_at) "
                        "VALUES (?, ?, ?, nullif (?, 0), ?, ?, ?, ?, 'password', ?, ?)",
                        "tttittbbii", id, tl_mode_to_string (mode), username, user_id, client, ip,
                        srp_b, srp_B, now, now + lifetime))
    return NULL;

  return g_steal_pointer (&id);
}

gboolean
tl_authd_login_delete (TlAuthdDb   *db,
                       const char  *id,
                       GError     **error)
{
  return tl_authd_db_run (db, NULL, error, "DELETE FROM logins WHERE id = ?", "t", id);
}

gboolean
tl_authd_login_set_state (TlAuthdDb          *db,
                          const char         *id,
                          TlAuthdLoginState   state,
                          gint64              expires_at,
                          GError            **error)
{
  return tl_authd_db_run (db, NULL, error,
                          "UPDATE logins SET state = ?, expires_at = ?, srp_b = NULL, srp_B_pad = NULL "
                          "WHERE id = ?",
                          "tit", state_names[state], expires_at, id);
}

gboolean
tl_authd_login_set_factor (TlAuthdDb     *db,
                           TlAuthdLogin  *login,
                           const char    *device_id,
                           const char    *method,
                           const char    *challenge,
                           GBytes        *code_hash,
                           gint64         code_expires_at,
                           gint64         resend_at,
                           gint64         expires_at,
                           GError       **error)
{
  return tl_authd_db_run (db, NULL, error,
                          "UPDATE logins SET device_id = ?, method = ?, challenge = ?, code_hash = ?, "
                          "code_expires_at = nullif (?, 0), resend_at = nullif (?, 0), expires_at = ? "
                          "WHERE id = ?",
                          "tttbiiit", device_id, method, challenge, code_hash, code_expires_at,
                          resend_at, expires_at, login->id);
}

gint64
tl_authd_login_count_failure (TlAuthdDb   *db,
                              const char  *id,
                              GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, error,
                            "UPDATE logins SET answer_failures = answer_failures + 1 WHERE id = ? "
                            "RETURNING answer_failures",
                            "t", id);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;

  return tl_authd_stmt_int (stmt, 0);
}

void
tl_authd_push_free (TlAuthdPush *push)
{
  if (push == NULL)
    return;

  g_free (push->id);
  g_free (push->login_id);
  g_free (push->device_id);
  g_free (push);
}

char *
tl_authd_push_create (TlAuthdDb   *db,
                      const char  *login_id,
                      const char  *device_id,
                      gint64       now,
                      gint64       lifetime,
                      GError     **error)
{
  g_autofree char *id = tl_authd_random_token (18);

  if (!tl_authd_push_cancel_for_login (db, login_id, NULL, error) ||
      !tl_authd_db_run (db, NULL, error,
                        "INSERT INTO pushes (id, login_id, device_id, created_at, expires_at, status) "
                        "VALUES (?, ?, ?, ?, ?, 'pending')",
                        "tttii", id, login_id, device_id, now, now + lifetime))
    return NULL;

  return g_steal_pointer (&id);
}

TlAuthdPush *
tl_authd_push_lookup (TlAuthdDb   *db,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  TlAuthdPush *push;

  stmt = tl_authd_db_query (db, error,
                            "SELECT id, login_id, device_id, created_at, expires_at, status "
                            "FROM pushes WHERE id = ?",
                            "t", id);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  push = g_new0 (TlAuthdPush, 1);
  push->id = tl_authd_stmt_dup_text (stmt, 0);
  push->login_id = g_strdup (tl_authd_stmt_is_null (stmt, 1) ? "" : tl_authd_stmt_text (stmt, 1));
  push->device_id = tl_authd_stmt_dup_text (stmt, 2);
  push->created_at = tl_authd_stmt_int (stmt, 3);
  push->expires_at = tl_authd_stmt_int (stmt, 4);
  push->status = name_index (push_status_names, G_N_ELEMENTS (push_status_names),
                             tl_authd_stmt_text (stmt, 5));

  return push;
}

gboolean
tl_authd_push_cancel_for_login (TlAuthdDb   *db,
                                const char  *login_id,
                                GPtrArray  **out_ids,
                                GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "UPDATE pushes SET status = 'cancelled', decided_at = ?1 "
                            "WHERE login_id = ?2 AND status = 'pending' RETURNING id",
                            "it", tl_authd_clock_now (), login_id);
  if (stmt == NULL)
    return FALSE;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (ids, tl_authd_stmt_dup_text (stmt, 0));
  if (rc < 0)
    return FALSE;

  if (out_ids != NULL)
    *out_ids = g_steal_pointer (&ids);
  return TRUE;
}

gboolean
tl_authd_push_decide (TlAuthdDb   *db,
                      const char  *push_id,
                      const char  *device_id,
                      gboolean     approve,
                      gint64       now,
                      gboolean    *out_decided,
                      GError     **error)
{
  gint64 changes = 0;

  if (!tl_authd_db_begin (db, error))
    return FALSE;

  if (!tl_authd_db_run (db, &changes, error,
                        "UPDATE pushes SET status = ?1, decided_at = ?2 "
                        "WHERE id = ?3 AND device_id = ?4 AND status = 'pending' AND expires_at > ?2",
                        "titt",
                        approve ? "approved" : "denied", now, push_id, device_id))
    goto fail;

  if (changes == 1 &&
      !tl_authd_db_run (db, NULL, error,
                        "UPDATE logins SET state = ?1 WHERE id = (SELECT login_id FROM pushes WHERE id = ?2) "
                        "AND state = 'second_factor'",
                        "tt", approve ? "approved" : "denied", push_id))
    goto fail;

  if (!tl_authd_db_commit (db, error))
    return FALSE;

  *out_decided = changes == 1;
  return TRUE;

fail:
  tl_authd_db_rollback (db);
  return FALSE;
}

gint64
tl_authd_push_build_pending (TlAuthdDb   *db,
                             const char  *device_id,
                             gint64       now,
                             JsonBuilder *builder,
                             GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;
  gint64 count = 0;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT pushes.id, logins.username, logins.mode, logins.client, logins.ip, "
                            "pushes.created_at FROM pushes JOIN logins ON logins.id = pushes.login_id "
                            "WHERE pushes.device_id = ?1 AND pushes.status = 'pending' "
                            "AND pushes.expires_at > ?2 AND logins.expires_at > ?2 "
                            "AND logins.state = 'second_factor' ORDER BY pushes.created_at",
                            "ti", device_id, now);
  if (stmt == NULL)
    return -1;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *created_at = tl_authd_clock_format (tl_authd_stmt_int (stmt, 5));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "push_id");
      json_builder_add_string_value (builder, tl_authd_stmt_text (stmt, 0));
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, tl_authd_stmt_text (stmt, 1));
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, tl_authd_stmt_text (stmt, 2));
      json_builder_set_member_name (builder, "client");
      json_builder_add_string_value (builder, tl_authd_stmt_text (stmt, 3));
      json_builder_set_member_name (builder, "ip");
      json_builder_add_string_value (builder, tl_authd_stmt_text (stmt, 4));
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, created_at);
      json_builder_end_object (builder);
      count++;
    }

  return rc < 0 ? -1 : count;
}
