/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Small wrappers over OpenSSL for the server. Random functions abort
 * only if the system has no entropy source at all. */
GBytes   *tl_authd_random_bytes      (gsize         length);
/* @n_bytes random bytes as unpadded base64url (43 chars for 32 bytes). */
char     *tl_authd_random_token      (gsize         n_bytes);
/* @length characters drawn uniformly from @alphabet. */
char     *tl_authd_random_code       (guint         length,
                                      const char   *alphabet);
/* Uniform in [0, bound). */
guint32   tl_authd_random_uniform    (guint32       bound);

GBytes   *tl_authd_sha256            (const void   *data,
                                      gsize         length);
GBytes   *tl_authd_hmac_sha256       (GBytes       *key,
                                      const void   *data,
                                      gsize         length);
gboolean  tl_authd_bytes_equal       (GBytes       *a,
                                      GBytes       *b);
gboolean  tl_authd_str_equal         (const char   *a,
                                      const char   *b);

#define TL_AUTHD_UPPER_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define TL_AUTHD_DIGITS      "0123456789"

G_END_DECLS
