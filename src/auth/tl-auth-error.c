/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-auth-error"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"

G_DEFINE_QUARK (tl-auth-error-quark, tl_auth_error)

typedef struct
{
  const char *wire_code;
  int         http_status;
  const char *message;
} ErrorInfo;

/* Indexed by TlAuthError. The messages are the fallback words a person
 * sees when the server's own sentence is missing; they say what to do. */
static const ErrorInfo error_info[] = {
  [TL_AUTH_ERROR_BAD_REQUEST] = { "bad_request", 400, N_("The request was not understood. Update the app and try again.") },
  [TL_AUTH_ERROR_BAD_CHARACTER] = { "bad_character", 400, N_("Use only lower-case letters and digits in the username.") },
  [TL_AUTH_ERROR_TOO_LARGE] = { "too_large", 413, N_("The request was too large. Shorten what you typed and try again.") },
  [TL_AUTH_ERROR_INVALID_CREDENTIALS] = { "invalid_credentials", 401, N_("Invalid username or password.") },
  [TL_AUTH_ERROR_LOCKED] = { "locked", 423, N_("This account is locked after too many failed logins. Wait until it unlocks or contact support.") },
  [TL_AUTH_ERROR_THROTTLED] = { "throttled", 429, N_("Too many attempts. Wait a moment and try again.") },
  [TL_AUTH_ERROR_LOGIN_EXPIRED] = { "login_expired", 410, N_("The login took too long and expired. Log in again.") },
  [TL_AUTH_ERROR_SECOND_FACTOR_FAILED] = { "second_factor_failed", 401, N_("The code was not accepted. Check it and try again.") },
  [TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED] = { "second_factor_expired", 410, N_("The second factor expired. Log in again.") },
  [TL_AUTH_ERROR_NOT_ALLOWED] = { "not_allowed", 403, N_("This is not allowed for your account.") },
  [TL_AUTH_ERROR_NO_SESSION] = { "no_session", 401, N_("The session has ended. Log in again.") },
  [TL_AUTH_ERROR_BAD_PROOF] = { "bad_proof", 401, N_("The device could not prove its identity. Check the device's clock, or activate it again.") },
  [TL_AUTH_ERROR_SERVER_ERROR] = { "server_error", 500, N_("The server had a problem. Try again later.") },
  [TL_AUTH_ERROR_PROTOCOL] = { NULL, 502, N_("The server sent an answer this app does not understand. Check the server address, or update the app.") },
  [TL_AUTH_ERROR_SERVER_IDENTITY] = { NULL, 502, N_("The server could not prove its identity. Do not continue; check the server address.") },
  [TL_AUTH_ERROR_CERTIFICATE] = { NULL, 502, N_("The server's certificate is not trusted. Check the server address and its certificate fingerprint.") },
  [TL_AUTH_ERROR_NETWORK] = { NULL, 503, N_("Could not reach the server. Check your network connection and the server address.") },
  [TL_AUTH_ERROR_INVALID_INPUT] = { NULL, 400, N_("The value is not valid.") },
  [TL_AUTH_ERROR_CRYPTO] = { NULL, 500, N_("A cryptographic operation failed. Try again.") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_info) == TL_AUTH_ERROR_CRYPTO + 1);

/**
 * tl_auth_error_to_code:
 *
 * Returns: the contract's wire code, or %NULL for client-side codes.
 */
const char *
tl_auth_error_to_code (TlAuthError code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (error_info), NULL);

  return error_info[code].wire_code;
}

gboolean
tl_auth_error_from_code (const char  *wire_code,
                         TlAuthError *out_code)
{
  if (wire_code == NULL)
    return FALSE;

  for (guint i = 0; i <= TL_AUTH_ERROR_LAST_WIRE_CODE; i++)
    {
      if (g_str_equal (error_info[i].wire_code, wire_code))
        {
          if (out_code != NULL)
            *out_code = (TlAuthError) i;
          return TRUE;
        }
    }

  return FALSE;
}

int
tl_auth_error_http_status (TlAuthError code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (error_info), 500);

  return error_info[code].http_status;
}

/**
 * tl_auth_error_message:
 *
 * Returns: the translated default sentence for @code.
 */
const char *
tl_auth_error_message (TlAuthError code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (error_info), NULL);

  return _(error_info[code].message);
}

void
tl_auth_error_set_protocol (GError     **error,
                            const char  *detail)
{
  if (detail != NULL)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL, "%s (%s)",
                 tl_auth_error_message (TL_AUTH_ERROR_PROTOCOL), detail);
  else
    g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                         tl_auth_error_message (TL_AUTH_ERROR_PROTOCOL));
}
