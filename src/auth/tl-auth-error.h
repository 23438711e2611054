/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TL_AUTH_ERROR (tl_auth_error_quark ())

/* The first codes are the contract's wire error codes, in its order; the
 * rest arise on the client side and never travel on the wire. */
typedef enum
{
  TL_AUTH_ERROR_BAD_REQUEST,
  TL_AUTH_ERROR_BAD_CHARACTER,
  TL_AUTH_ERROR_TOO_LARGE,
  TL_AUTH_ERROR_INVALID_CREDENTIALS,
  TL_AUTH_ERROR_LOCKED,
  TL_AUTH_ERROR_THROTTLED,
  TL_AUTH_ERROR_LOGIN_EXPIRED,
  TL_AUTH_ERROR_SECOND_FACTOR_FAILED,
  TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED,
  TL_AUTH_ERROR_NOT_ALLOWED,
  TL_AUTH_ERROR_NO_SESSION,
  TL_AUTH_ERROR_BAD_PROOF,
  TL_AUTH_ERROR_SERVER_ERROR,

  /* Client-side only. */
  TL_AUTH_ERROR_PROTOCOL,          /* the server's answer breaks the contract */
  TL_AUTH_ERROR_SERVER_IDENTITY,   /* M2 mismatch: the server could not prove itself */
  TL_AUTH_ERROR_CERTIFICATE,       /* TLS certificate neither trusted nor pinned */
  TL_AUTH_ERROR_NETWORK,           /* unreachable, timed out, connection dropped */
  TL_AUTH_ERROR_INVALID_INPUT,     /* a local argument is malformed (suite, key, digits) */
  TL_AUTH_ERROR_CRYPTO,            /* OpenSSL failed (out of memory, no entropy) */
} TlAuthError;

#define TL_AUTH_ERROR_LAST_WIRE_CODE TL_AUTH_ERROR_SERVER_ERROR

GQuark       tl_auth_error_quark        (void);

const char  *tl_auth_error_to_code      (TlAuthError  code);
gboolean     tl_auth_error_from_code    (const char  *wire_code,
                                         TlAuthError *out_code);
int          tl_auth_error_http_status  (TlAuthError  code);
const char  *tl_auth_error_message      (TlAuthError  code);
/* TL_AUTH_ERROR_PROTOCOL with the standard sentence and @detail. */
void         tl_auth_error_set_protocol (GError     **error,
                                         const char  *detail);

G_END_DECLS
