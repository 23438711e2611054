/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-db.h"

G_BEGIN_DECLS

/* A session as stored: the token itself is never kept, only SHA-256 of it. */
typedef struct
{
  GBytes   *token_hash;
  gint64    user_id;
  char     *client;
  char     *ip;
  gboolean  read_only;
  gint64    created_at;
  gint64    last_seen;
  gint64    expires_at;
} TlAuthdSessionRow;

void               tl_authd_session_row_free   (TlAuthdSessionRow *row);

/* Ends the user's other sessions (one session per user and mode) and
 * makes a new one; returns its token. Call inside a transaction. */
char              *tl_authd_session_create     (TlAuthdDb   *db,
                                                gint64       user_id,
                                                const char  *client,
                                                const char  *ip,
                                                gboolean     read_only,
                                                gint64       now,
                                                gint64       lifetime,
                                                gint64      *out_expires_at,
                                                GError     **error);
/* NULL without @error when the token is unknown, malformed or expired. */
TlAuthdSessionRow *tl_authd_session_lookup     (TlAuthdDb   *db,
                                                const char  *token,
                                                gint64       now,
                                                GError     **error);
gboolean           tl_authd_session_touch      (TlAuthdDb   *db,
                                                TlAuthdSessionRow *row,
                                                gint64       now,
                                                gint64       expires_at,
                                                GError     **error);
gboolean           tl_authd_session_end        (TlAuthdDb   *db,
                                                GBytes      *token_hash,
                                                GError     **error);
/* The user's newest live session, or NULL. */
TlAuthdSessionRow *tl_authd_session_find_live  (TlAuthdDb   *db,
                                                gint64       user_id,
                                                gint64       now,
                                                GError     **error);
/* Elements are TlAuthdSessionRow, live ones only. */
GPtrArray         *tl_authd_session_list       (TlAuthdDb   *db,
                                                gint64       user_id,
                                                gint64       now,
                                                GError     **error);
gboolean           tl_authd_session_end_all    (TlAuthdDb   *db,
                                                gint64       user_id,
                                                gint64      *out_count,
                                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdSessionRow, tl_authd_session_row_free)

G_END_DECLS
