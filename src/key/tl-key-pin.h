/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-key-device.h"
#include "tl-key-prompt.h"

G_BEGIN_DECLS

#define TL_KEY_PIN_MIN_CHARS 4
#define TL_KEY_PIN_MAX_CHARS 6
#define TL_KEY_PIN_ATTEMPTS  3

/* 4 to 6 characters, no control characters; TL_KEY_ERROR_BAD_PIN. */
gboolean     tl_key_pin_check              (const char           *pin,
                                            GError              **error);

/* Asks for a new PIN: twice on a terminal, until both agree (at most
 * TL_KEY_PIN_ATTEMPTS times); once from standard input. */
void         tl_key_pin_ask_new_async      (TlKeyPrompt          *prompt,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
TlKeySecret *tl_key_pin_ask_new_finish     (GAsyncResult         *result,
                                            GError              **error);

/* Asks for @device's PIN with @question (NULL: a default naming the
 * device) and opens its secret, saying "Wrong PIN" and asking again up
 * to TL_KEY_PIN_ATTEMPTS times in all. The key derivation runs in a
 * worker thread so that a watch keeps polling meanwhile. Returns the
 * secret; @out_pin (optional) receives the PIN for suites that need it.
 * TL_KEY_ERROR_WRONG_PIN after the last attempt. */
void         tl_key_pin_unlock_async       (TlKeyPrompt          *prompt,
                                            TlKeyDevice          *device,
                                            const char           *question,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GBytes      *tl_key_pin_unlock_finish      (GAsyncResult         *result,
                                            TlKeySecret         **out_pin,
                                            GError              **error);

G_END_DECLS
