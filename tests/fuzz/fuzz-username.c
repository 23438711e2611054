/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-username"

#include "config.h"

#include "fuzz-common.h"
#include "tl-auth-error.h"
#include "tl-types.h"

/* What a person types as a username, from a text field (valid UTF-8) or
 * from a terminal and the command line (any bytes), plus the other small
 * string tables a peer can name: modes, device kinds, error codes. */

static void
check_normalize (const char *typed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  gboolean changed = FALSE;

  username = tl_username_normalize (typed, &changed, &error);
  if (username == NULL)
    {
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER);
      return;
    }

  g_assert_no_error (error);
  g_assert (tl_username_is_valid (username));
  g_assert (!changed == (strcmp (typed, username) == 0));

  /* Normalising is idempotent. */
  {
    g_autofree char *again = tl_username_normalize (username, &changed, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, username);
    g_assert (!changed);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  TlMode mode;
  TlDeviceKind kind;
  TlAuthError code;

  fuzz_init ();

  text = fuzz_strndup (data, size);

  check_normalize (text);
  tl_username_is_valid (text);

  if (tl_mode_from_string (text, &mode))
    g_assert_cmpstr (tl_mode_to_string (mode), ==, text);
  if (tl_device_kind_from_string (text, &kind))
    g_assert_cmpstr (tl_device_kind_to_string (kind), ==, text);
  if (tl_auth_error_from_code (text, &code))
    g_assert_cmpstr (tl_auth_error_to_code (code), ==, text);

  return 0;
}
