/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The device secret, sealed with a key derived from the PIN:
 * scrypt (N = 2^17, r = 8, p = 1, random 16-byte salt) and AES-256-GCM
 * (random 12-byte nonce), with @context as additional authenticated data
 * so that a sealed secret cannot be moved to another device's record.
 * A wrong PIN fails the GCM tag: TL_KEY_ERROR_WRONG_PIN. */
JsonObject *tl_key_vault_seal        (const char   *pin,
                                      GBytes       *secret,
                                      const char   *context,
                                      GError      **error);
GBytes     *tl_key_vault_open        (JsonObject   *sealed,
                                      const char   *pin,
                                      const char   *context,
                                      GError      **error);

/* A GBytes whose memory is wiped when it is freed. */
GBytes     *tl_key_secret_bytes_new  (gconstpointer data,
                                      gsize         size);
/* A NUL-terminated secret (PIN, activation code): g_autoptr(TlKeySecret)
 * wipes it before freeing. */
typedef char TlKeySecret;

void        tl_key_secret_free       (TlKeySecret  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlKeySecret, tl_key_secret_free)

G_END_DECLS
