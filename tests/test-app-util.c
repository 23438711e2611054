/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-app-util"

#include "config.h"

#include <locale.h>

#include "test-app-util.h"

void
tl_test_app_init (int    *argc,
                  char ***argv)
{
  setlocale (LC_ALL, "");
  /* No screen reader here, and the accessibility bus's registry would
   * print into the TAP stream. GTK's test backend talks to no bus but
   * keeps every accessible property for gtk_test_accessible_*() ("none"
   * would keep nothing). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* Pages switch at once: what a screenshot shows is the page itself. */
  g_object_set (gtk_settings_get_default (),
                "gtk-enable-animations", FALSE,
                "gtk-cursor-blink", FALSE,
                NULL);

  /* AdwApplication loads the app's style sheet; the tests have none. */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, RESOURCE_PATH "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
}

gboolean
tl_test_app_wait_until (gboolean (*condition) (gpointer data),
                        gpointer   data,
                        guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

void
tl_test_app_spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
tl_test_app_screenshot (GtkWidget  *widget,
                        const char *name)
{
  const char *dir = g_getenv ("TL_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL || dir[0] == '\0')
    return;

  /* Let layout, transitions and the first frame settle. */
  tl_test_app_spin (400);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

void
tl_test_app_wait_first_frame (GtkWidget *window)
{
  TL_WAIT_UNTIL (gtk_widget_get_frame_clock (window) != NULL &&
                 gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (window)) > 0,
                 5000);
}

void
tl_test_app_close_window (GtkWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (window);
  /* Callbacks of cancelled calls hold references until they run. */
  tl_test_app_spin (300);
  g_assert_finalize_object (window);
}

static gboolean
label_matches (GtkWidget  *widget,
               const char *label)
{
  return GTK_IS_BUTTON (widget) &&
         gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
         g_str_equal (gtk_button_get_label (GTK_BUTTON (widget)), label);
}

GtkWidget *
tl_test_app_find_button (GtkWidget  *root,
                         const char *label)
{
  if (label_matches (root, label))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tl_test_app_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
tl_test_app_template_child (GtkWidget  *widget,
                            GType       type,
                            const char *name)
{
  GtkWidget *child = GTK_WIDGET (gtk_widget_get_template_child (widget, type, name));

  if (child == NULL)
    g_error ("%s has no template child “%s”", G_OBJECT_TYPE_NAME (widget), name);
  return child;
}
