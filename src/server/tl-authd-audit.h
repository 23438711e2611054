/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-db.h"
#include "tl-types.h"

G_BEGIN_DECLS

/* One line of the audit log: who, when, from where, what, outcome.
 * Never a secret: @detail names devices and reasons, not codes. Also
 * logged through GLib structured logging. A failure to write is logged
 * and otherwise ignored: the audit must not break logins. */
void       tl_authd_audit       (TlAuthdDb   *db,
                                 TlMode       mode,
                                 const char  *username,
                                 const char  *event,
                                 const char  *outcome,
                                 const char  *ip,
                                 const char  *detail);

/* Prints the newest @limit entries (oldest first), optionally for one
 * user, to @out. */
gboolean   tl_authd_audit_print (TlAuthdDb   *db,
                                 const char  *username,
                                 int          mode_filter,
                                 guint        limit,
                                 GString     *out,
                                 GError     **error);

G_END_DECLS
