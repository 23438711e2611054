/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trading-login"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tl-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TlApplication) application = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Trading Login"));

  application = tl_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
