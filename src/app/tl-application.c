/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-application"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-application.h"
#include "tl-preferences-window.h"
#include "tl-window.h"

struct _TlApplication
{
  AdwApplication parent_instance;

  gulong         after_paint_handler;
  GdkFrameClock *frame_clock;
};

G_DEFINE_FINAL_TYPE (TlApplication, tl_application, ADW_TYPE_APPLICATION)

static void
after_first_paint_cb (GdkFrameClock *frame_clock,
                      TlApplication *self)
{
  g_clear_signal_handler (&self->after_paint_handler, frame_clock);
  g_clear_object (&self->frame_clock);
  g_application_quit (G_APPLICATION (self));
}

static void
exit_after_first_frame (TlApplication *self,
                        GtkWidget     *window)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (window);

  if (frame_clock == NULL || self->after_paint_handler != 0)
    return;

  self->frame_clock = g_object_ref (frame_clock);
  self->after_paint_handler = g_signal_connect (frame_clock, "after-paint",
                                                G_CALLBACK (after_first_paint_cb), self);
}

static void
tl_application_activate (GApplication *application)
{
  TlApplication *self = TL_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (tl_window_new (GTK_APPLICATION (application)));

  gtk_window_present (window);

  if (g_strcmp0 (g_getenv ("TL_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    exit_after_first_frame (self, GTK_WIDGET (window));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *application = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (application));

  /* Closing (rather than g_application_quit) lets each window keep its
   * size and finish with the keyring. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  g_list_free (windows);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *application = user_data;
  TlPreferencesWindow *preferences;

  preferences = tl_preferences_window_new (gtk_application_get_active_window (application));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = user_data;
  const char *developers[] = { _("The Trading Login contributors"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (application),
                        "application-name", _("Trading Login"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Trading Login contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Log in to your live and paper trading accounts with two-factor authentication. Your password never leaves this computer."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

static void
tl_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *about_accels[] = { "F1", NULL };
  static const char *cancel_accels[] = { "Escape", NULL };
  /* What GtkApplication sets when it finds RESOURCE_PATH/gtk/help-overlay.ui;
   * the window builds the shortcuts window itself, when first shown. */
  static const char *help_overlay_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (tl_application_parent_class)->startup (application);

  /* Light or dark as the desktop says. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.about", about_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "win.cancel", cancel_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "win.show-help-overlay",
                                         help_overlay_accels);
}

static void
tl_application_dispose (GObject *object)
{
  TlApplication *self = (TlApplication *) object;

  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_handler, self->frame_clock);
  g_clear_object (&self->frame_clock);

  G_OBJECT_CLASS (tl_application_parent_class)->dispose (object);
}

static void
tl_application_class_init (TlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tl_application_dispose;
  app_class->activate = tl_application_activate;
  app_class->startup = tl_application_startup;
}

static void
tl_application_init (TlApplication *self)
{
}

TlApplication *
tl_application_new (void)
{
  return g_object_new (TL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The Devel flavour shares the resources and settings. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
