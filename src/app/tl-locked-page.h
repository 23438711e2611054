/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_LOCKED_PAGE (tl_locked_page_get_type ())

G_DECLARE_FINAL_TYPE (TlLockedPage, tl_locked_page, TL, LOCKED_PAGE, TlPage)

/* Locked or throttled: what happened, in the client's words, and a live
 * countdown to when logging in is possible again. */
const char *tl_locked_page_get_title      (TlLockedPage *self);
const char *tl_locked_page_get_countdown  (TlLockedPage *self);

G_END_DECLS
