/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_PROGRESS_PAGE (tl_progress_page_get_type ())

G_DECLARE_FINAL_TYPE (TlProgressPage, tl_progress_page, TL, PROGRESS_PAGE, TlPage)

/* "Connecting to server…", "Authenticating…" from the client's state,
 * with a spinner and Cancel ("win.cancel"). */
const char *tl_progress_page_get_title    (TlProgressPage *self);
/* For work outside a login (resuming, logging out): replaces the title
 * until the client's state changes. */
void        tl_progress_page_set_message  (TlProgressPage *self,
                                           const char     *title);

G_END_DECLS
