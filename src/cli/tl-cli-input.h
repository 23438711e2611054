/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads lines from a file descriptor (standard input or /dev/tty) without
 * blocking the main loop. One byte at a time: no buffer holds what was
 * typed beyond the line asked for, so a password line never sits in a
 * stream's buffer, and the next line is still there for the next prompt. */
typedef struct _TlCliLineReader TlCliLineReader;

TlCliLineReader *tl_cli_line_reader_new          (int                  fd);
void             tl_cli_line_reader_free         (TlCliLineReader     *reader);
int              tl_cli_line_reader_get_fd       (TlCliLineReader     *reader);
/* Without the line ending. Errors: G_IO_ERROR_PARTIAL_INPUT at the end
 * of input, G_IO_ERROR_MESSAGE_TOO_LARGE past @max_length bytes. Free
 * the line with tl_cli_secret_free: it may be a password. */
void             tl_cli_line_reader_read_async   (TlCliLineReader     *reader,
                                                  gsize                max_length,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char            *tl_cli_line_reader_read_finish  (TlCliLineReader     *reader,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlCliLineReader, tl_cli_line_reader_free)

/* Wipes, then frees. */
void             tl_cli_secret_free              (char                *secret);

/* Turns echo off on a terminal (for a password) and back on. Only one
 * terminal at a time; tl_cli_terminal_restore is safe to call from an
 * interrupt handler and when nothing was changed. */
gboolean         tl_cli_terminal_echo_off        (int                  fd,
                                                  GError             **error);
void             tl_cli_terminal_restore         (void);

G_END_DECLS
