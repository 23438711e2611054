/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-types"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-types.h"

static const char * const mode_names[] = { "live", "paper" };
static const char * const kind_names[] = { "ibkey", "totp", "sms", "dsc", "card", "temp" };

const char *
tl_mode_to_string (TlMode mode)
{
  g_return_val_if_fail ((guint) mode < G_N_ELEMENTS (mode_names), NULL);

  return mode_names[mode];
}

gboolean
tl_mode_from_string (const char *text,
                     TlMode     *out_mode)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (mode_names); i++)
    {
      if (g_str_equal (text, mode_names[i]))
        {
          *out_mode = (TlMode) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
tl_device_kind_to_string (TlDeviceKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

gboolean
tl_device_kind_from_string (const char   *text,
                            TlDeviceKind *out_kind)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_str_equal (text, kind_names[i]))
        {
          *out_kind = (TlDeviceKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
tl_device_kind_describe (TlDeviceKind kind)
{
  switch (kind)
    {
    case TL_DEVICE_KIND_IBKEY:
      return _("Authenticator app");
    case TL_DEVICE_KIND_TOTP:
      return _("Authenticator code");
    case TL_DEVICE_KIND_SMS:
      return _("Text message");
    case TL_DEVICE_KIND_DSC:
      return _("Security card reader");
    case TL_DEVICE_KIND_CARD:
      return _("Security code card");
    case TL_DEVICE_KIND_TEMP:
      return _("Temporary passcode");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tl_username_is_valid (const char *username)
{
  gsize length = username != NULL ? strlen (username) : 0;

  if (length == 0 || length > TL_USERNAME_MAX_LENGTH)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_islower (username[i]) && !g_ascii_isdigit (username[i]))
      return FALSE;

  return TRUE;
}

char *
tl_username_normalize (const char  *typed,
                       gboolean    *out_changed,
                       GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *lowered = NULL;

  /* A terminal or a pipe can hand over any bytes, and g_utf8_strdown()
   * reads past the end of a string that is not UTF-8. */
  if (typed != NULL && !g_utf8_validate (typed, -1, NULL))
    {
      if (out_changed != NULL)
        *out_changed = FALSE;
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER,
                           _("Use only lower-case letters and digits."));
      return NULL;
    }

  stripped = g_strstrip (g_strdup (typed != NULL ? typed : ""));
  lowered = g_utf8_strdown (stripped, -1);

  if (out_changed != NULL)
    *out_changed = g_strcmp0 (typed, lowered) != 0;

  if (*lowered == '\0')
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER,
                           _("Enter your username."));
      return NULL;
    }

  if (strlen (lowered) > TL_USERNAME_MAX_LENGTH)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER,
                   _("Usernames have at most %d characters."), TL_USERNAME_MAX_LENGTH);
      return NULL;
    }

  if (!tl_username_is_valid (lowered))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER,
                           _("Use only lower-case letters and digits."));
      return NULL;
    }

  return g_steal_pointer (&lowered);
}
