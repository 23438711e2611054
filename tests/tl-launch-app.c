/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-launch-app"

#include "config.h"

#include <gio/gdesktopappinfo.h>

/* Launches an installed app by its desktop file ID, as GNOME Shell does:
 * GDesktopAppInfo finds the file through XDG_DATA_DIRS and, for a
 * DBusActivatable app, calls org.freedesktop.Application.Activate on its
 * bus name instead of running Exec. (`gio launch FILE` cannot stand in: it
 * loads the file without its ID and always runs Exec.) Waits for the
 * call's answer, so that a name the bus cannot start is an error here.
 *
 * usage: tl-launch-app DESKTOP-ID */

typedef struct
{
  gboolean  done;
  GError   *error;
} Launch;

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Launch *launch = user_data;

  g_app_info_launch_uris_finish (G_APP_INFO (object), result, &launch->error);
  launch->done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDesktopAppInfo) info = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;
  Launch launch = { FALSE, NULL };

  if (argc != 2)
    {
      g_printerr ("usage: %s DESKTOP-ID\n", argv[0]);
      return 2;
    }

  info = g_desktop_app_info_new (argv[1]);
  if (info == NULL)
    {
      g_printerr ("%s: no such application (is its share/applications on XDG_DATA_DIRS?)\n", argv[1]);
      return 1;
    }

  context = g_app_launch_context_new ();
  g_app_info_launch_uris_async (G_APP_INFO (info), NULL, context, NULL, launched_cb, &launch);
  while (!launch.done)
    g_main_context_iteration (NULL, TRUE);

  if (launch.error != NULL)
    {
      g_printerr ("%s: %s\n", argv[1], launch.error->message);
      g_error_free (launch.error);
      return 1;
    }

  return 0;
}
