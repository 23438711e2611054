/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_PUSH_PAGE (tl_push_page_get_type ())

G_DECLARE_FINAL_TYPE (TlPushPage, tl_push_page, TL, PUSH_PAGE, TlPage)

/* "Approve the notification on your device" with the time left; "Didn't
 * receive the notification?" switches to a challenge; "Enter Read Only"
 * when the server allows it. */
const char *tl_push_page_get_countdown (TlPushPage *self);

G_END_DECLS
