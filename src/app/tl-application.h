/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TL_TYPE_APPLICATION (tl_application_get_type ())

G_DECLARE_FINAL_TYPE (TlApplication, tl_application, TL, APPLICATION, AdwApplication)

/* Single instance (GApplication on the session bus). Actions app.quit
 * (Ctrl+Q), app.preferences (Ctrl+comma), app.about (F1); win.cancel is
 * on Escape.
 *
 * With TL_EXIT_AFTER_FIRST_FRAME=1 in the environment the application
 * quits as soon as its window has drawn its first frame (for start-up
 * benchmarks). */
TlApplication *tl_application_new (void);

G_END_DECLS
