/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_EXISTING_PAGE (tl_existing_page_get_type ())

G_DECLARE_FINAL_TYPE (TlExistingPage, tl_existing_page, TL, EXISTING_PAGE, TlPage)

/* "You are already logged in elsewhere": continue (the other session
 * ends) or cancel. */

G_END_DECLS
