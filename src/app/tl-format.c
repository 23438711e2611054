/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-format.h"

char *
tl_format_countdown (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;

  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d",
                            (int) (seconds / 3600),
                            (int) ((seconds / 60) % 60),
                            (int) (seconds % 60));

  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

gint64
tl_seconds_until (gint64 unix_time)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return unix_time > now ? unix_time - now : 0;
}

char *
tl_format_grouped (const char *text)
{
  gsize length = text != NULL ? strlen (text) : 0;
  guint group = length % 4 == 0 ? 4 : 3;
  GString *out = g_string_sized_new (length + length / group + 1);

  /* Short values read best whole. */
  if (length <= 4)
    group = (guint) MAX (length, 1);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && i % group == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, text[i]);
    }

  return g_string_free (out, FALSE);
}

const char *
tl_mode_describe (TlMode mode)
{
  return mode == TL_MODE_PAPER ? _("Paper Trading") : _("Live Trading");
}

const char *
tl_device_kind_icon_name (TlDeviceKind kind)
{
  switch (kind)
    {
    case TL_DEVICE_KIND_IBKEY:
      return "phone-symbolic";
    case TL_DEVICE_KIND_TOTP:
      return "preferences-system-time-symbolic";
    case TL_DEVICE_KIND_SMS:
      return "mail-unread-symbolic";
    case TL_DEVICE_KIND_DSC:
      return "auth-smartcard-symbolic";
    case TL_DEVICE_KIND_CARD:
      return "x-office-spreadsheet-symbolic";
    case TL_DEVICE_KIND_TEMP:
      return "dialog-password-symbolic";
    default:
      return "security-high-symbolic";
    }
}
