/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_RESUME_PAGE (tl_resume_page_get_type ())

G_DECLARE_FINAL_TYPE (TlResumePage, tl_resume_page, TL, RESUME_PAGE, TlPage)

/* At start, a session found in the keyring: resume it ("win.resume") or
 * show the form ("win.skip-resume"). */
void        tl_resume_page_set_session      (TlResumePage    *self,
                                             const TlSession *session);
const char *tl_resume_page_get_description  (TlResumePage    *self);

G_END_DECLS
