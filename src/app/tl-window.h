/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tl-auth-client.h"
#include "tl-launcher.h"
#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_WINDOW (tl_window_get_type ())

G_DECLARE_FINAL_TYPE (TlWindow, tl_window, TL, WINDOW, AdwApplicationWindow)

/* The main window: one page per state of the login (TlAuthClient), the
 * session afterwards, and the launch of the trading program.
 *
 * Actions: win.log-in, win.cancel, win.choose-device, win.launch,
 * win.log-out, win.resume, win.skip-resume, win.show-help-overlay. */
TlWindow     *tl_window_new             (GtkApplication *application);

/* For tests and the bench. tl_window_get_page() builds the page if the
 * window has not needed it yet. */
const char   *tl_window_get_page_name   (TlWindow       *self);
TlPage       *tl_window_get_page        (TlWindow       *self,
                                         const char     *name);
TlAuthClient *tl_window_get_client      (TlWindow       *self);
TlLauncher   *tl_window_get_launcher    (TlWindow       *self);
gboolean      tl_window_get_paper_marked (TlWindow      *self);
const char   *tl_window_get_last_toast  (TlWindow       *self);
void          tl_window_toast           (TlWindow       *self,
                                         const char     *message);
void          tl_window_dismiss_toast   (TlWindow       *self);

G_END_DECLS
