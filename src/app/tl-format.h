/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tl-types.h"

G_BEGIN_DECLS

/* "0:05", "2:43", "1:02:03": a countdown as a clock shows it. */
char       *tl_format_countdown       (gint64        seconds);
/* Seconds from now until @unix_time, never negative. */
gint64      tl_seconds_until          (gint64        unix_time);
/* "12345678" -> "1234 5678", "123456" -> "123 456": easier to copy by eye. */
char       *tl_format_grouped         (const char   *text);
/* "Live Trading" / "Paper Trading" (translated). */
const char *tl_mode_describe          (TlMode        mode);
const char *tl_device_kind_icon_name  (TlDeviceKind  kind);

G_END_DECLS
