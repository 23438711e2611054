/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tl-otp.h"

G_BEGIN_DECLS

/* RFC 4648 section 6 base32, upper case. Encoding leaves out the '='
 * padding, as otpauth:// URIs do; decoding accepts either case, with or
 * without correct padding, and nothing else (no spaces, no 0/1/8/9). */
char     *tl_base32_encode      (const guint8  *data,
                                 gsize          length);
GBytes   *tl_base32_decode      (const char    *text,
                                 GError       **error);

/* The Key Uri Format of authenticator apps, TOTP only:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER
 *                  &algorithm=SHA1&digits=6&period=30 */
typedef struct
{
  char      *issuer;     /* may be NULL */
  char      *account;    /* the label's account name, never empty */
  GBytes    *secret;     /* at least 10 bytes (80 bits) */
  TlOtpHash  algorithm;
  guint      digits;     /* 6..8 */
  guint      period;     /* seconds, 1..3600 */
} TlOtpauth;

#define TL_OTPAUTH_MIN_SECRET 10

/* TL_AUTH_ERROR_INVALID_INPUT when @params are out of range. */
char      *tl_otpauth_build     (const TlOtpauth  *params,
                                 GError          **error);
/* Strict: scheme otpauth, type totp, a secret of at least 80 bits,
 * known algorithm, digits 6..8, period 1..3600, an issuer parameter that
 * agrees with the label's prefix. Missing optional parameters take the
 * defaults SHA1, 6 and 30. TL_AUTH_ERROR_INVALID_INPUT otherwise. */
TlOtpauth *tl_otpauth_parse     (const char       *uri,
                                 GError          **error);
void       tl_otpauth_free      (TlOtpauth        *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlOtpauth, tl_otpauth_free)

G_END_DECLS
