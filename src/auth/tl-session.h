/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tl-types.h"

G_BEGIN_DECLS

/* The contract's session object. The token is a secret: it goes to the
 * keyring and to a launched command's pipe, nowhere else. */
typedef struct
{
  char      *token;       /* may be NULL (v1/session answers carry none) */
  char      *username;
  TlMode     mode;
  char      *account;
  gboolean   read_only;
  GDateTime *expires_at;
} TlSession;

#define TL_TYPE_SESSION (tl_session_get_type ())

GType       tl_session_get_type      (void) G_GNUC_CONST;
TlSession  *tl_session_copy          (const TlSession *session);
void        tl_session_free          (TlSession       *session);

/* @require_token: whether "token" must be present (login answers) or
 * not (v1/session). TL_AUTH_ERROR_BAD_REQUEST when the object breaks the
 * contract. */
TlSession  *tl_session_from_json     (JsonObject      *object,
                                      gboolean         require_token,
                                      GError         **error);
/* The contract's session object, with the token when @include_token. */
JsonObject *tl_session_to_json       (const TlSession *session,
                                      gboolean         include_token);
/* Seconds until expiry (negative when expired). */
gint64      tl_session_seconds_left  (const TlSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlSession, tl_session_free)

G_END_DECLS
