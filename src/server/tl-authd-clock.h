/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Wall-clock time as the server's policies see it. Tests move it with an
 * offset file (--clock-offset-file, test-only): the file holds a signed
 * number of seconds added to the real time, and is read on every call so
 * a test can jump ahead while the server runs. */
void    tl_authd_clock_set_offset_file (const char *path);
gint64  tl_authd_clock_now             (void);
/* RFC 3339 in UTC, e.g. "2024-05-01T12:00:00Z". */
char   *tl_authd_clock_format          (gint64      unix_seconds);

G_END_DECLS
