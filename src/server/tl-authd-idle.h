/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Closes kept-alive connections that have been idle for @timeout_seconds.
 * libsoup before 3.3 never notices a client closing an idle kept-alive
 * connection (libsoup commit d20c6601): the socket would stay in
 * CLOSE_WAIT and keep its descriptor for good. Closing idle connections
 * ourselves bounds that by time, so the server can keep connections
 * alive (one TLS handshake per login instead of one per request). */
typedef struct _TlAuthdIdle TlAuthdIdle;

TlAuthdIdle *tl_authd_idle_new  (SoupServer  *soup,
                                 guint        timeout_seconds);
void         tl_authd_idle_free (TlAuthdIdle *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdIdle, tl_authd_idle_free)

G_END_DECLS
