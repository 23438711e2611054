/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-demo-import.h"
#include "tl-preferences-window.h"
#include "tl-sandbox.h"
#include "tl-server-profile.h"
#include "tl-server-settings.h"

struct _TlPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *demo_row;
  GtkSwitch            *demo_switch;
  AdwEntryRow          *demo_dir_row;
  AdwActionRow         *demo_import_row;
  AdwEntryRow          *live_url_row;
  AdwEntryRow          *live_pin_row;
  AdwEntryRow          *live_command_row;
  AdwEntryRow          *paper_url_row;
  AdwEntryRow          *paper_pin_row;
  AdwEntryRow          *paper_command_row;
  GtkLabel             *sandbox_label;

  GSettings            *settings;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (TlPreferencesWindow, tl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
toast (TlPreferencesWindow *self,
       const char          *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
mark_row (AdwEntryRow  *row,
          const GError *error)
{
  if (error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), error->message);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
    }
}

static void
check_server (TlMode       mode,
              AdwEntryRow *url_row,
              AdwEntryRow *pin_row)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (url_row))));
  g_autofree char *pin = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (pin_row))));
  g_autoptr(TlServerProfile) url_profile = tl_server_profile_new (mode, url, NULL);
  g_autoptr(TlServerProfile) pin_profile = NULL;
  g_autoptr(GError) url_error = NULL;
  g_autoptr(GError) pin_error = NULL;

  /* Checked apart, so that the mark lands on the row to fix. */
  tl_server_profile_validate (url_profile, &url_error);
  mark_row (url_row, url[0] != '\0' ? url_error : NULL);

  if (pin[0] != '\0')
    {
      pin_profile = tl_server_profile_new (mode, "https://localhost/", pin);
      tl_server_profile_validate (pin_profile, &pin_error);
    }
  mark_row (pin_row, pin_error);
}

static void
server_changed_cb (TlPreferencesWindow *self)
{
  check_server (TL_MODE_LIVE, self->live_url_row, self->live_pin_row);
  check_server (TL_MODE_PAPER, self->paper_url_row, self->paper_pin_row);
}

/* Why the demo cannot be used, where the switch is: a toast would cut
 * the path short. */
static void
show_demo_error (TlPreferencesWindow *self,
                 const GError        *error)
{
  adw_action_row_set_subtitle (self->demo_row, error != NULL ? error->message : NULL);
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->demo_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->demo_row), "error");
}

static gboolean
demo_state_set_cb (TlPreferencesWindow *self,
                   gboolean             state,
                   GtkSwitch           *sw)
{
  g_autoptr(GError) error = NULL;

  if (state && !tl_server_settings_apply_demo (self->settings, &error))
    {
      show_demo_error (self, error);
      gtk_switch_set_active (sw, FALSE);
      return TRUE;
    }

  if (state)
    show_demo_error (self, NULL);

  g_settings_set_boolean (self->settings, "use-demo", state);
  gtk_switch_set_state (sw, state);

  return TRUE;
}

static void
demo_dir_apply_cb (TlPreferencesWindow *self)
{
  g_autofree char *dir = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->demo_dir_row))));
  g_autoptr(GError) error = NULL;

  g_settings_set_string (self->settings, "demo-data-dir", dir);
  if (g_settings_get_boolean (self->settings, "use-demo") &&
      !tl_server_settings_apply_demo (self->settings, &error))
    show_demo_error (self, error);
  else
    show_demo_error (self, NULL);
}

static void
demo_imported_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TlPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (!tl_demo_import_choose_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_demo_error (self, error);
      return;
    }

  show_demo_error (self, NULL);
  dir = tl_server_settings_dup_demo_dir (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->demo_dir_row), dir);
  gtk_switch_set_active (self->demo_switch, TRUE);
  toast (self, _("The demo server is set up. Log in with one of its practice accounts."));
}

static void
demo_import_activated_cb (TlPreferencesWindow *self)
{
  tl_demo_import_choose_async (GTK_WINDOW (self), self->settings, self->cancellable,
                               demo_imported_cb, g_object_ref (self));
}

static void
command_apply_cb (TlPreferencesWindow *self,
                  AdwEntryRow         *row)
{
  const char *key = row == self->paper_command_row ? "launch-command-paper" : "launch-command-live";
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;

  if (text[strspn (text, " \t")] == '\0')
    {
      mark_row (row, NULL);
      g_settings_set_strv (self->settings, key, NULL);
      return;
    }

  /* Shell quoting, but no shell: the words become argv as they are. */
  if (!g_shell_parse_argv (text, NULL, &argv, &error))
    {
      /* The details are in the row's tooltip. */
      mark_row (row, error);
      toast (self, _("The command cannot be read: check its quotes."));
      return;
    }

  mark_row (row, NULL);
  g_settings_set_strv (self->settings, key, (const char * const *) argv);
}

static char *
command_to_text (GSettings  *settings,
                 const char *key)
{
  g_auto(GStrv) argv = g_settings_get_strv (settings, key);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (argv[i]);
      gboolean plain = argv[i][0] != '\0' && strpbrk (argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") == NULL;

      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, plain ? argv[i] : quoted);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
tl_preferences_window_dispose (GObject *object)
{
  TlPreferencesWindow *self = (TlPreferencesWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tl_preferences_window_parent_class)->dispose (object);
}

static void
tl_preferences_window_class_init (TlPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tl_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, demo_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, demo_switch);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, demo_dir_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, demo_import_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, live_url_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, live_pin_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, live_command_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, paper_url_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, paper_pin_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, paper_command_row);
  gtk_widget_class_bind_template_child (widget_class, TlPreferencesWindow, sandbox_label);
  gtk_widget_class_bind_template_callback (widget_class, server_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_state_set_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_dir_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_import_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, command_apply_cb);
}

static void
tl_preferences_window_init (TlPreferencesWindow *self)
{
  g_autofree char *demo_dir = NULL;
  g_autofree char *live_command = NULL;
  g_autofree char *paper_command = NULL;
  AdwEntryRow *server_rows[4];
  const char *server_keys[] = { "live-url", "live-pin-sha256", "paper-url", "paper-pin-sha256" };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APP_ID);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_label), tl_sandbox_is_flatpak ());

  server_rows[0] = self->live_url_row;
  server_rows[1] = self->live_pin_row;
  server_rows[2] = self->paper_url_row;
  server_rows[3] = self->paper_pin_row;

  for (guint i = 0; i < G_N_ELEMENTS (server_rows); i++)
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (server_rows[i]));
      g_autofree char *label = NULL;

      g_settings_bind (self->settings, server_keys[i], server_rows[i], "text",
                       G_SETTINGS_BIND_DEFAULT);
      /* The demo's values come from demo.json; editing them would be lost. */
      g_settings_bind (self->settings, "use-demo", server_rows[i], "sensitive",
                       G_SETTINGS_BIND_GET | G_SETTINGS_BIND_INVERT_BOOLEAN);

      label = g_strdup_printf ("%s (%s)", title,
                               i < 2 ? _("live trading") : _("paper trading"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (server_rows[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
    }

  gtk_switch_set_active (self->demo_switch, g_settings_get_boolean (self->settings, "use-demo"));

  demo_dir = tl_server_settings_dup_demo_dir (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->demo_dir_row), demo_dir);

  live_command = command_to_text (self->settings, "launch-command-live");
  paper_command = command_to_text (self->settings, "launch-command-paper");
  gtk_editable_set_text (GTK_EDITABLE (self->live_command_row), live_command);
  gtk_editable_set_text (GTK_EDITABLE (self->paper_command_row), paper_command);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->live_command_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trading app command (live trading)"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->paper_command_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trading app command (paper trading)"),
                                  -1);

  server_changed_cb (self);
}

TlPreferencesWindow *
tl_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (TL_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
