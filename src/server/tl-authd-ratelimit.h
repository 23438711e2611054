/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A token bucket per client address: @burst requests at once, then
 * @rate per second. Monotonic time, so the test clock does not touch it. */
typedef struct _TlAuthdRateLimit TlAuthdRateLimit;

TlAuthdRateLimit *tl_authd_rate_limit_new   (guint              burst,
                                             double             rate);
void              tl_authd_rate_limit_free  (TlAuthdRateLimit  *limit);
/* TRUE and one token taken, or FALSE with the seconds to wait. */
gboolean          tl_authd_rate_limit_take  (TlAuthdRateLimit  *limit,
                                             const char        *address,
                                             gint64            *out_retry_after);
/* Forgets addresses whose bucket is full again. */
void              tl_authd_rate_limit_prune (TlAuthdRateLimit  *limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdRateLimit, tl_authd_rate_limit_free)

G_END_DECLS
