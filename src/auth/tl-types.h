/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TL_MODE_LIVE,
  TL_MODE_PAPER,
} TlMode;

/* The contract's device kinds. */
typedef enum
{
  TL_DEVICE_KIND_IBKEY,  /* push to the soft authenticator, OCRA fallback */
  TL_DEVICE_KIND_TOTP,
  TL_DEVICE_KIND_SMS,
  TL_DEVICE_KIND_DSC,    /* hardware-card style: PIN + challenge */
  TL_DEVICE_KIND_CARD,   /* security code card */
  TL_DEVICE_KIND_TEMP,   /* temporary passcode */
} TlDeviceKind;

#define TL_USERNAME_MAX_LENGTH 64

const char *tl_mode_to_string          (TlMode        mode);
gboolean    tl_mode_from_string        (const char   *text,
                                        TlMode       *out_mode);

const char *tl_device_kind_to_string   (TlDeviceKind  kind);
gboolean    tl_device_kind_from_string (const char   *text,
                                        TlDeviceKind *out_kind);
/* "Authenticator app", "Security code card", … (translated). */
const char *tl_device_kind_describe    (TlDeviceKind  kind);

/* ^[a-z0-9]{1,64}$ */
gboolean    tl_username_is_valid       (const char   *username);
/* Lower-cases and strips surrounding white space, then checks the rule.
 * @out_changed tells whether what was typed differs from the result, so
 * the front end can say so. TL_AUTH_ERROR_BAD_CHARACTER when invalid. */
char       *tl_username_normalize      (const char   *typed,
                                        gboolean     *out_changed,
                                        GError      **error);

G_END_DECLS
