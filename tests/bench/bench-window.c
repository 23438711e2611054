/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-window"

#include "config.h"

#include <adwaita.h>

/* The start-up baseline: the least a libadwaita application does to put
 * a window on screen (application on the session bus, style manager,
 * header bar, one label), at trading-login's default size, and the same
 * exit after the first frame as TL_EXIT_AFTER_FIRST_FRAME=1. Whatever
 * trading-login takes beyond this is its own. */

static void
after_paint_cb (GdkFrameClock  *frame_clock,
                GApplication   *application)
{
  g_signal_handlers_disconnect_by_func (frame_clock, after_paint_cb, application);
  g_application_quit (application);
}

static void
activate_cb (GApplication *application)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (application));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Trading Login"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 440, 720);
  gtk_window_present (GTK_WINDOW (window));

  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), application);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) application = NULL;

  application = adw_application_new ("io.github.tradinglogin.BenchWindow",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
