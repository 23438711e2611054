/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-db.h"
#include "tl-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64    id;             /* 0 for the stand-in of an unknown name */
  TlMode    mode;
  char     *username;
  GBytes   *salt;
  GBytes   *verifier;
  char     *account;
  gint64    failures;
  gint64    last_failure;   /* 0 when none */
  gint64    locked_until;   /* 0 when none */
  gboolean  read_only_allowed;
  char     *phone;
} TlAuthdUser;

void         tl_authd_user_free        (TlAuthdUser  *user);

/* NULL without @error when there is no such user. */
TlAuthdUser *tl_authd_user_lookup      (TlAuthdDb    *db,
                                        TlMode        mode,
                                        const char   *username,
                                        GError      **error);
TlAuthdUser *tl_authd_user_lookup_id   (TlAuthdDb    *db,
                                        gint64        id,
                                        GError      **error);
/* What an unknown name looks like: a salt and a verifier derived from
 * the server secret, stable for the name, of the same sizes as real
 * ones. Nobody knows a password for it. */
TlAuthdUser *tl_authd_user_new_phantom (TlAuthdDb    *db,
                                        TlMode        mode,
                                        const char   *username);

/* @account NULL: a fresh one ("U1234567" live, "DU1234567" paper).
 * TL_AUTH_ERROR_INVALID_INPUT when the name is taken or invalid. */
gboolean     tl_authd_user_add         (TlAuthdDb    *db,
                                        TlMode        mode,
                                        const char   *username,
                                        const char   *password,
                                        const char   *account,
                                        gboolean      read_only_allowed,
                                        const char   *phone,
                                        gint64       *out_id,
                                        GError      **error);
gboolean     tl_authd_user_set_password(TlAuthdDb    *db,
                                        TlMode        mode,
                                        const char   *username,
                                        const char   *password,
                                        GError      **error);
gboolean     tl_authd_user_delete      (TlAuthdDb    *db,
                                        TlMode        mode,
                                        const char   *username,
                                        GError      **error);
/* Elements are TlAuthdUser; @mode_filter -1 lists both modes. */
GPtrArray   *tl_authd_user_list        (TlAuthdDb    *db,
                                        int           mode_filter,
                                        GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdUser, tl_authd_user_free)

G_END_DECLS
