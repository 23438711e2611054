/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_CODE_PAGE (tl_code_page_get_type ())

G_DECLARE_FINAL_TYPE (TlCodePage, tl_code_page, TL, CODE_PAGE, TlPage)

/* One-time codes: authenticator (TOTP), text message (with "Resend" and
 * "Call me instead" once the resend delay has passed) and temporary
 * passcodes (upper-case letters and digits). */
const char *tl_code_page_get_title        (TlCodePage *self);
const char *tl_code_page_get_description  (TlCodePage *self);
gboolean    tl_code_page_get_can_resend   (TlCodePage *self);

G_END_DECLS
