/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-sandbox"

#include "config.h"

#include "tl-sandbox.h"

/* Flatpak writes it into every sandbox; tests build this file with a
 * path of their own. */
#ifndef TL_FLATPAK_INFO
#define TL_FLATPAK_INFO "/.flatpak-info"
#endif

gboolean
tl_sandbox_is_flatpak (void)
{
  return g_file_test (TL_FLATPAK_INFO, G_FILE_TEST_EXISTS);
}
