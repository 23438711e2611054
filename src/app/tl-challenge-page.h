/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_CHALLENGE_PAGE (tl_challenge_page_get_type ())

G_DECLARE_FINAL_TYPE (TlChallengePage, tl_challenge_page, TL, CHALLENGE_PAGE, TlPage)

/* Challenge/response: the challenge in large grouped digits (selectable,
 * with a copy button and a QR code), what to do with it on this kind of
 * device, and the response entry. */
const char *tl_challenge_page_get_shown_challenge (TlChallengePage *self);
const char *tl_challenge_page_get_instructions    (TlChallengePage *self);

G_END_DECLS
