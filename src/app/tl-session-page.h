/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_SESSION_PAGE (tl_session_page_get_type ())

G_DECLARE_FINAL_TYPE (TlSessionPage, tl_session_page, TL, SESSION_PAGE, TlPage)

/* The session: username, account, mode, read-only badge, time left;
 * Launch ("win.launch") and Log Out ("win.log-out"). */
void        tl_session_page_set_launch_status (TlSessionPage *self,
                                               const char    *status);
const char *tl_session_page_get_launch_status (TlSessionPage *self);
const char *tl_session_page_get_field         (TlSessionPage *self,
                                               const char    *name);

G_END_DECLS
