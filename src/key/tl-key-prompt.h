/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-key-vault.h"

G_BEGIN_DECLS

#define TL_TYPE_KEY_PROMPT (tl_key_prompt_get_type ())

G_DECLARE_FINAL_TYPE (TlKeyPrompt, tl_key_prompt, TL, KEY_PROMPT, GObject)

/* Where questions are asked and answered: the controlling terminal
 * (/dev/tty, so that standard input and output stay free for scripts),
 * or, with @use_stdin, standard input with the questions on standard
 * error. Hidden answers (PINs) are read with echo off when the input is
 * a terminal. Lines are read one byte at a time into a buffer that is
 * wiped, so nothing is read ahead of the answer asked for: a script can
 * feed several answers in a row. */
TlKeyPrompt *tl_key_prompt_new              (gboolean              use_stdin);

gboolean     tl_key_prompt_get_use_stdin    (TlKeyPrompt          *self);

/* Writes @text where the questions go. */
void         tl_key_prompt_print            (TlKeyPrompt          *self,
                                             const char           *text);

/* Asks @question and reads one line (without its end of line). Errors:
 * TL_KEY_ERROR_NO_INPUT (no terminal, or input ended), TL_KEY_ERROR_USAGE
 * (line too long), G_IO_ERROR_CANCELLED. One read at a time. */
void         tl_key_prompt_read_line_async  (TlKeyPrompt          *self,
                                             const char           *question,
                                             gboolean              hidden,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
TlKeySecret *tl_key_prompt_read_line_finish (TlKeyPrompt          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Puts the terminal's echo back if a hidden read turned it off; for
 * signal handlers. */
void         tl_key_prompt_restore          (TlKeyPrompt          *self);

G_END_DECLS
