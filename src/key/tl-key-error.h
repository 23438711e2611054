/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TL_KEY_ERROR (tl_key_error_quark ())

/* What can go wrong on the device itself; the server's and the network's
 * failures stay in TL_AUTH_ERROR. */
typedef enum
{
  TL_KEY_ERROR_USAGE,      /* bad option or argument */
  TL_KEY_ERROR_NO_INPUT,   /* no terminal and no --pin-stdin, or input ended */
  TL_KEY_ERROR_NO_DEVICE,  /* nothing enrolled matches */
  TL_KEY_ERROR_AMBIGUOUS,  /* several enrolled devices match */
  TL_KEY_ERROR_WRONG_PIN,  /* the PIN did not open the device's secret */
  TL_KEY_ERROR_BAD_PIN,    /* a new PIN breaks the 4-to-6 characters rule */
  TL_KEY_ERROR_KEYRING,    /* the keyring failed, or holds a damaged item */
} TlKeyError;

/* Exit statuses a script can rely on; docs/key.md and --help list them. */
typedef enum
{
  TL_KEY_EXIT_OK = 0,
  TL_KEY_EXIT_FAILURE = 1,
  TL_KEY_EXIT_USAGE = 2,
  TL_KEY_EXIT_NO_DEVICE = 3,
  TL_KEY_EXIT_WRONG_PIN = 4,
  TL_KEY_EXIT_REFUSED = 5,
  TL_KEY_EXIT_UNREACHABLE = 6,
  TL_KEY_EXIT_CERTIFICATE = 7,
  TL_KEY_EXIT_KEYRING = 8,
  TL_KEY_EXIT_INTERRUPTED = 130,
} TlKeyExit;

GQuark     tl_key_error_quark      (void);

/* The exit status for a command that failed with @error. */
TlKeyExit  tl_key_error_exit_code  (const GError *error);

/* The help text's table of exit statuses (translated). */
const char *tl_key_exit_codes_help (void);

G_END_DECLS
