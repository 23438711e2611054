/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tl-otp.h"
#include "tl-types.h"

G_BEGIN_DECLS

#define TL_TYPE_KEY_DEVICE (tl_key_device_get_type ())

G_DECLARE_FINAL_TYPE (TlKeyDevice, tl_key_device, TL, KEY_DEVICE, GObject)

/* One enrolled device: where it was activated, for whom, and its secret
 * sealed with the PIN (see tl-key-vault.h). Immutable. It is kept in
 * the keyring as the JSON of tl_key_device_to_json(). */
typedef struct
{
  const char *server;         /* canonical base URL */
  const char *pin_sha256;     /* NULL: trust the system CAs */
  const char *username;
  TlMode      mode;
  const char *device_id;
  const char *name;
  const char *ocra_suite;
  TlOtpHash   totp_hash;
  guint       totp_digits;
  guint       totp_period;
} TlKeyDeviceInfo;

/* Seals @secret with @pin; slow on purpose (scrypt). */
TlKeyDevice *tl_key_device_new               (const TlKeyDeviceInfo *info,
                                              GBytes                *secret,
                                              const char            *pin,
                                              GError               **error);
/* TL_KEY_ERROR_KEYRING when the stored record is damaged. */
TlKeyDevice *tl_key_device_new_from_json     (const char            *json,
                                              GError               **error);
char        *tl_key_device_to_json           (TlKeyDevice           *self);

const char  *tl_key_device_get_server        (TlKeyDevice           *self);
const char  *tl_key_device_get_pin_sha256    (TlKeyDevice           *self);
const char  *tl_key_device_get_username      (TlKeyDevice           *self);
TlMode       tl_key_device_get_mode          (TlKeyDevice           *self);
const char  *tl_key_device_get_device_id     (TlKeyDevice           *self);
const char  *tl_key_device_get_name          (TlKeyDevice           *self);
const char  *tl_key_device_get_ocra_suite    (TlKeyDevice           *self);
TlOtpHash    tl_key_device_get_totp_hash     (TlKeyDevice           *self);
guint        tl_key_device_get_totp_digits   (TlKeyDevice           *self);
guint        tl_key_device_get_totp_period   (TlKeyDevice           *self);
gint64       tl_key_device_get_activated_at  (TlKeyDevice           *self);

/* "alice (live) on https://…/live/" */
char        *tl_key_device_describe          (TlKeyDevice           *self);
/* The keyring item's label. */
char        *tl_key_device_dup_label         (TlKeyDevice           *self);

/* The secret, or TL_KEY_ERROR_WRONG_PIN. Free the result promptly: its
 * memory is wiped when freed. */
GBytes      *tl_key_device_unlock            (TlKeyDevice           *self,
                                              const char            *pin,
                                              GError               **error);

/* NULL arguments match anything. */
gboolean     tl_key_device_matches           (TlKeyDevice           *self,
                                              const char            *username,
                                              const char            *server,
                                              const char            *device_id);

/* "SHA1" / "SHA256" / "SHA512" as the activation answer names them. */
gboolean     tl_key_device_hash_from_string  (const char            *name,
                                              TlOtpHash             *out_hash);
const char  *tl_key_device_hash_to_string    (TlOtpHash              hash);

G_END_DECLS
