/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-clock"

#include "config.h"

#include <stdlib.h>

#include "tl-authd-clock.h"

static char *offset_file;

void
tl_authd_clock_set_offset_file (const char *path)
{
  g_free (offset_file);
  offset_file = g_strdup (path);
}

static gint64
read_offset (void)
{
  g_autofree char *text = NULL;
  char *end = NULL;
  gint64 offset;

  if (offset_file == NULL || !g_file_get_contents (offset_file, &text, NULL, NULL))
    return 0;

  offset = g_ascii_strtoll (g_strstrip (text), &end, 10);
  if (end == NULL || *end != '\0')
    return 0;

  return offset;
}

gint64
tl_authd_clock_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC + read_offset ();
}

char *
tl_authd_clock_format (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  if (time == NULL)
    return g_strdup ("1970-01-01T00:00:00Z");

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}
