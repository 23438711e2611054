/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_CARD_PAGE (tl_card_page_get_type ())

G_DECLARE_FINAL_TYPE (TlCardPage, tl_card_page, TL, CARD_PAGE, TlPage)

/* Security code card: "Enter the codes at index numbers 12 and 57", one
 * entry per index; the answer is the codes one after the other. */
const char *tl_card_page_get_description (TlCardPage *self);
/* The entry for the @n-th index (an AdwEntryRow), for tests. */
GtkWidget  *tl_card_page_get_entry       (TlCardPage *self,
                                          guint       n);

G_END_DECLS
