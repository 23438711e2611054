/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-devices"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-authd-clock.h"
#include "tl-authd-crypto.h"
#include "tl-authd-devices.h"

#define DEVICE_COLUMNS \
  "id, user_id, kind, label, secret, ocra_suite, pin, phone, " \
  "coalesce (last_totp_step, -1), coalesce (expires_at, 0), is_default"

void
tl_authd_device_free (TlAuthdDevice *device)
{
  if (device == NULL)
    return;

  g_free (device->id);
  g_free (device->label);
  g_clear_pointer (&device->secret, g_bytes_unref);
  g_free (device->ocra_suite);
  g_free (device->pin);
  g_free (device->phone);
  g_free (device);
}

gboolean
tl_authd_device_is_usable (const TlAuthdDevice *device,
                           gint64               now)
{
  if (device->kind == TL_DEVICE_KIND_IBKEY && device->secret == NULL)
    return FALSE;

  return device->expires_at == 0 || device->expires_at > now;
}

static TlAuthdDevice *
device_from_row (TlAuthdStmt *stmt)
{
  TlAuthdDevice *device = g_new0 (TlAuthdDevice, 1);

  device->id = tl_authd_stmt_dup_text (stmt, 0);
  device->user_id = tl_authd_stmt_int (stmt, 1);
  tl_device_kind_from_string (tl_authd_stmt_text (stmt, 2), &device->kind);
  device->label = tl_authd_stmt_dup_text (stmt, 3);
  device->secret = tl_authd_stmt_dup_bytes (stmt, 4);
  device->ocra_suite = tl_authd_stmt_dup_text (stmt, 5);
  device->pin = tl_authd_stmt_dup_text (stmt, 6);
  device->phone = tl_authd_stmt_dup_text (stmt, 7);
  device->last_totp_step = tl_authd_stmt_int (stmt, 8);
  device->expires_at = tl_authd_stmt_int (stmt, 9);
  device->is_default = tl_authd_stmt_int (stmt, 10) != 0;

  return device;
}

TlAuthdDevice *
tl_authd_device_lookup (TlAuthdDb   *db,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, error, "SELECT " DEVICE_COLUMNS " FROM devices WHERE id = ?",
                            "t", id);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  return device_from_row (stmt);
}

GPtrArray *
tl_authd_device_list (TlAuthdDb  *db,
                      gint64      user_id,
                      GError    **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) tl_authd_device_free);
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT " DEVICE_COLUMNS " FROM devices WHERE user_id = ? "
                            "ORDER BY created_at, rowid",
                            "i", user_id);
  if (stmt == NULL)
    return NULL;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (devices, device_from_row (stmt));

  return rc < 0 ? NULL : g_steal_pointer (&devices);
}

char *
tl_authd_device_add (TlAuthdDb     *db,
                     gint64         user_id,
                     TlDeviceKind   kind,
                     const char    *label,
                     GBytes        *secret,
                     const char    *ocra_suite,
                     const char    *pin,
                     const char    *phone,
                     gint64         expires_at,
                     GError       **error)
{
  /* Public ids: they travel in login answers and device calls, and
   * operators type them as command arguments, where a leading '-' would
   * read as an option. */
  g_autofree char *id = tl_authd_random_token (12);

  while (id[0] == '-')
    {
      g_free (id);
      id = tl_authd_random_token (12);
    }

  if (!tl_authd_db_run (db, NULL, error,
                        "INSERT INTO devices (id, user_id, kind, label, secret, ocra_suite, pin, "
                        "phone, expires_at, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, nullif (?, 0), ?)",
                        "tittbtttii",
                        id, user_id, tl_device_kind_to_string (kind), label, secret,
                        ocra_suite, pin, phone, expires_at, tl_authd_clock_now ()))
    return NULL;

  return g_steal_pointer (&id);
}

gboolean
tl_authd_device_delete (TlAuthdDb   *db,
                        const char  *id,
                        GError     **error)
{
  gint64 changes = 0;

  if (!tl_authd_db_run (db, &changes, error, "DELETE FROM devices WHERE id = ?", "t", id))
    return FALSE;

  if (changes == 0)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("There is no device “%s”. See “trading-authd device list USER”."), id);
      return FALSE;
    }

  return TRUE;
}

gboolean
tl_authd_device_use_step (TlAuthdDb   *db,
                          const char  *id,
                          gint64       step,
                          gboolean    *out_accepted,
                          GError     **error)
{
  gint64 changes = 0;

  /* One statement: two answers racing for the same step cannot both win. */
  if (!tl_authd_db_run (db, &changes, error,
                        "UPDATE devices SET last_totp_step = ?1 "
                        "WHERE id = ?2 AND (last_totp_step IS NULL OR last_totp_step < ?1)",
                        "it", step, id))
    return FALSE;

  *out_accepted = changes == 1;
  return TRUE;
}

gboolean
tl_authd_card_store (TlAuthdDb   *db,
                     const char  *device_id,
                     GStrv        codes,
                     GError     **error)
{
  if (!tl_authd_db_run (db, NULL, error, "DELETE FROM card_cells WHERE device_id = ?",
                        "t", device_id))
    return FALSE;

  for (guint i = 0; codes[i] != NULL; i++)
    if (!tl_authd_db_run (db, NULL, error,
                          "INSERT INTO card_cells (device_id, idx, code) VALUES (?, ?, ?)",
                          "tit", device_id, (gint64) i + 1, codes[i]))
      return FALSE;

  return TRUE;
}

char *
tl_authd_card_get_cell (TlAuthdDb   *db,
                        const char  *device_id,
                        gint64       index,
                        GError     **error)
{
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, error,
                            "SELECT code FROM card_cells WHERE device_id = ? AND idx = ?",
                            "ti", device_id, index);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  return tl_authd_stmt_dup_text (stmt, 0);
}

GStrv
tl_authd_card_get_cells (TlAuthdDb   *db,
                         const char  *device_id,
                         GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(TlAuthdStmt) stmt = NULL;
  int rc;

  stmt = tl_authd_db_query (db, error,
                            "SELECT code FROM card_cells WHERE device_id = ? ORDER BY idx",
                            "t", device_id);
  if (stmt == NULL)
    return NULL;

  while ((rc = tl_authd_db_step (db, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, tl_authd_stmt_text (stmt, 0));

  return rc < 0 ? NULL : g_strv_builder_end (builder);
}

GBytes *
tl_authd_code_hash (TlAuthdDb  *db,
                    const char *purpose,
                    const char *code)
{
  g_autofree char *text = g_strconcat (purpose, ":", code, NULL);
  GBytes *hash = tl_authd_hmac_sha256 (tl_authd_db_get_secret (db), text, strlen (text));

  memset (text, 0, strlen (text));
  return hash;
}

gboolean
tl_authd_temp_store (TlAuthdDb   *db,
                     const char  *device_id,
                     const char  *code,
                     gint64       expires_at,
                     GError     **error)
{
  g_autoptr(GBytes) hash = tl_authd_code_hash (db, "temp", code);

  return tl_authd_db_run (db, NULL, error,
                          "INSERT OR REPLACE INTO temp_passcodes (device_id, code_hash, expires_at) "
                          "VALUES (?, ?, ?)",
                          "tbi", device_id, hash, expires_at) &&
         tl_authd_db_run (db, NULL, error,
                          "UPDATE devices SET expires_at = ? WHERE id = ?",
                          "it", expires_at, device_id);
}

gboolean
tl_authd_temp_check (TlAuthdDb   *db,
                     const char  *device_id,
                     const char  *code,
                     GError     **error)
{
  g_autoptr(GBytes) hash = tl_authd_code_hash (db, "temp", code);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, error,
                            "SELECT code_hash FROM temp_passcodes WHERE device_id = ?",
                            "t", device_id);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;

  stored = tl_authd_stmt_dup_bytes (stmt, 0);
  return tl_authd_bytes_equal (hash, stored);
}

char *
tl_authd_normalize_code (const char *typed)
{
  GString *code = g_string_new (NULL);

  for (const char *p = typed; p != NULL && *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '-')
        continue;
      g_string_append_c (code, g_ascii_toupper (*p));
    }

  return g_string_free (code, FALSE);
}

char *
tl_authd_activation_issue (TlAuthdDb   *db,
                           const char  *device_id,
                           gint64       now,
                           GError     **error)
{
  g_autofree char *code = tl_authd_random_code (12, TL_AUTHD_ACTIVATION_ALPHABET);
  g_autoptr(GBytes) hash = tl_authd_code_hash (db, "activation", code);

  /* A new code replaces the unused ones: only the last printed works. */
  if (!tl_authd_db_run (db, NULL, error,
                        "DELETE FROM activation_codes WHERE device_id = ? AND used_at IS NULL",
                        "t", device_id) ||
      !tl_authd_db_run (db, NULL, error,
                        "INSERT INTO activation_codes (code_hash, device_id, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?)",
                        "btii", hash, device_id, now, now + TL_AUTHD_ACTIVATION_SECONDS))
    return NULL;

  return g_steal_pointer (&code);
}

gboolean
tl_authd_activation_is_live (TlAuthdDb   *db,
                             const char  *device_id,
                             const char  *code,
                             gint64       now)
{
  g_autofree char *normalized = tl_authd_normalize_code (code);
  g_autoptr(GBytes) hash = tl_authd_code_hash (db, "activation", normalized);
  g_autoptr(TlAuthdStmt) stmt = NULL;

  stmt = tl_authd_db_query (db, NULL,
                            "SELECT 1 FROM activation_codes WHERE code_hash = ? AND device_id = ? "
                            "AND used_at IS NULL AND expires_at > ?",
                            "bti", hash, device_id, now);

  return stmt != NULL && tl_authd_db_step (db, stmt, NULL) == SQLITE_ROW;
}

char *
tl_authd_activation_redeem (TlAuthdDb   *db,
                            TlMode       mode,
                            const char  *username,
                            const char  *code,
                            gint64       now,
                            GError     **error)
{
  g_autofree char *normalized = tl_authd_normalize_code (code);
  g_autoptr(GBytes) hash = tl_authd_code_hash (db, "activation", normalized);
  g_autoptr(TlAuthdStmt) stmt = NULL;

  /* Single use even under concurrent attempts: the UPDATE only matches
   * an unused code, and RETURNING tells whether this call used it. */
  stmt = tl_authd_db_query (db, error,
                            "UPDATE activation_codes SET used_at = ?1 "
                            "WHERE code_hash = ?2 AND used_at IS NULL AND expires_at > ?1 "
                            "AND device_id IN (SELECT devices.id FROM devices "
                            "  JOIN users ON users.id = devices.user_id "
                            "  WHERE users.mode = ?3 AND users.username = ?4 AND devices.kind = 'ibkey') "
                            "RETURNING device_id",
                            "ibtt", now, hash, tl_mode_to_string (mode), username);
  if (stmt == NULL || tl_authd_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  return tl_authd_stmt_dup_text (stmt, 0);
}
