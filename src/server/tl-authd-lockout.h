/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-users.h"

G_BEGIN_DECLS

/* The contract's lockout: 10 consecutive failed logins within 24 hours
 * lock the name until 24 hours after the last failure. Unknown names are
 * counted the same way in a table of their own, so the lock does not
 * tell who exists. */
#define TL_AUTHD_LOCKOUT_MAX_FAILURES 10
#define TL_AUTHD_LOCKOUT_WINDOW       (24 * 60 * 60)

/* Seconds until @user unlocks; 0 when not locked. -1 on error. */
gint64    tl_authd_lockout_remaining (TlAuthdDb          *db,
                                      const TlAuthdUser  *user,
                                      gint64              now,
                                      GError            **error);
/* Counts one failure in one statement, so concurrent failures can never
 * add up to more than the limit. @out_counted is FALSE when the name was
 * locked already (nothing was counted): answer `locked`. */
gboolean  tl_authd_lockout_fail      (TlAuthdDb          *db,
                                      const TlAuthdUser  *user,
                                      gint64              now,
                                      gboolean           *out_counted,
                                      gint64             *out_attempts_left,
                                      GError            **error);
/* A successful login. */
gboolean  tl_authd_lockout_reset     (TlAuthdDb          *db,
                                      const TlAuthdUser  *user,
                                      GError            **error);
/* Admin: clears the count of a user or of an unknown name. */
gboolean  tl_authd_lockout_unlock    (TlAuthdDb          *db,
                                      TlMode              mode,
                                      const char         *username,
                                      GError            **error);

G_END_DECLS
