/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-error"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "tl-auth-error.h"
#include "tl-key-error.h"

G_DEFINE_QUARK (tl-key-error-quark, tl_key_error)

static TlKeyExit
auth_error_exit_code (TlAuthError code)
{
  switch (code)
    {
    case TL_AUTH_ERROR_CERTIFICATE:
      return TL_KEY_EXIT_CERTIFICATE;

    /* Worth retrying later: the server or the way to it is down. */
    case TL_AUTH_ERROR_NETWORK:
    case TL_AUTH_ERROR_SERVER_ERROR:
    case TL_AUTH_ERROR_PROTOCOL:
      return TL_KEY_EXIT_UNREACHABLE;

    case TL_AUTH_ERROR_INVALID_INPUT:
      return TL_KEY_EXIT_USAGE;

    case TL_AUTH_ERROR_SERVER_IDENTITY:
    case TL_AUTH_ERROR_CRYPTO:
      return TL_KEY_EXIT_FAILURE;

    case TL_AUTH_ERROR_BAD_REQUEST:
    case TL_AUTH_ERROR_BAD_CHARACTER:
    case TL_AUTH_ERROR_TOO_LARGE:
    case TL_AUTH_ERROR_INVALID_CREDENTIALS:
    case TL_AUTH_ERROR_LOCKED:
    case TL_AUTH_ERROR_THROTTLED:
    case TL_AUTH_ERROR_LOGIN_EXPIRED:
    case TL_AUTH_ERROR_SECOND_FACTOR_FAILED:
    case TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED:
    case TL_AUTH_ERROR_NOT_ALLOWED:
    case TL_AUTH_ERROR_NO_SESSION:
    case TL_AUTH_ERROR_BAD_PROOF:
    default:
      return TL_KEY_EXIT_REFUSED;
    }
}

TlKeyExit
tl_key_error_exit_code (const GError *error)
{
  if (error == NULL)
    return TL_KEY_EXIT_OK;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TL_KEY_EXIT_INTERRUPTED;

  if (error->domain == TL_AUTH_ERROR)
    return auth_error_exit_code ((TlAuthError) error->code);

  if (error->domain == G_OPTION_ERROR)
    return TL_KEY_EXIT_USAGE;

  if (error->domain == SECRET_ERROR || error->domain == G_DBUS_ERROR)
    return TL_KEY_EXIT_KEYRING;

  if (error->domain == TL_KEY_ERROR)
    {
      switch ((TlKeyError) error->code)
        {
        case TL_KEY_ERROR_USAGE:
        case TL_KEY_ERROR_NO_INPUT:
        case TL_KEY_ERROR_BAD_PIN:
          return TL_KEY_EXIT_USAGE;
        case TL_KEY_ERROR_NO_DEVICE:
        case TL_KEY_ERROR_AMBIGUOUS:
          return TL_KEY_EXIT_NO_DEVICE;
        case TL_KEY_ERROR_WRONG_PIN:
          return TL_KEY_EXIT_WRONG_PIN;
        case TL_KEY_ERROR_KEYRING:
          return TL_KEY_EXIT_KEYRING;
        default:
          break;
        }
    }

  return TL_KEY_EXIT_FAILURE;
}

const char *
tl_key_exit_codes_help (void)
{
  return _("Exit status:\n"
           "  0    success (for watch: stopped by Ctrl+C or SIGTERM)\n"
           "  1    any other failure\n"
           "  2    bad usage: wrong option, malformed value, no way to ask for the PIN\n"
           "  3    no enrolled device matches, or several do (narrow the choice)\n"
           "  4    wrong PIN (after the allowed attempts)\n"
           "  5    the server refused (for example a spent activation code)\n"
           "  6    the server could not be reached or failed\n"
           "  7    the server's certificate is not trusted or does not match the pin\n"
           "  8    the keyring could not be used\n"
           "  130  interrupted while asking or waiting");
}
