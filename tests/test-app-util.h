/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shared by the app's tests: start GTK + libadwaita for tests, wait for
 * the main loop to reach a condition, take screenshots, close windows. */

void      tl_test_app_init          (int         *argc,
                                     char      ***argv);
/* Iterates the default main context until @condition is true, or fails
 * the test after @timeout_ms saying @what. */
gboolean  tl_test_app_wait_until    (gboolean   (*condition) (gpointer data),
                                     gpointer     data,
                                     guint        timeout_ms);
void      tl_test_app_spin          (guint        ms);
/* Saves @widget as PNG into $TL_SCREENSHOT_DIR (when set) as @name.png. */
void      tl_test_app_screenshot    (GtkWidget   *widget,
                                     const char  *name);
/* Waits until @window has drawn its first frame: the window's start-up
 * work that the first frame does not need (keyring lookups) starts then. */
void      tl_test_app_wait_first_frame (GtkWidget *window);
/* Destroys @window, lets pending callbacks run, and asserts it is freed. */
void      tl_test_app_close_window  (GtkWindow   *window);
/* The object of @widget's template (of @type) with id @name; asserts it
 * is there. */
GtkWidget *tl_test_app_template_child (GtkWidget  *widget,
                                       GType       type,
                                       const char *name);
/* Finds the first GtkButton below @root whose label (with mnemonics) is
 * @label. */
GtkWidget *tl_test_app_find_button  (GtkWidget   *root,
                                     const char  *label);

#define TL_WAIT_UNTIL(expr, timeout_ms)                                     \
  G_STMT_START {                                                            \
    gint64 _tl_deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(expr))                                                         \
      {                                                                     \
        if (g_get_monotonic_time () > _tl_deadline)                         \
          g_error ("Timed out after %d ms waiting for: %s", (int) (timeout_ms), #expr); \
        g_main_context_iteration (NULL, FALSE);                             \
        g_usleep (1000);                                                    \
      }                                                                     \
  } G_STMT_END

G_END_DECLS
