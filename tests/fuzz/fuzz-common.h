/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* Every target defines this; libFuzzer or fuzz-main.c calls it. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* GLib stops on a fatal message with SIGTRAP, which libFuzzer does not
 * catch; turned into an abort, the input is kept and the stack printed. */
G_GNUC_NORETURN static inline void
fuzz_on_trap (int signum)
{
  abort ();
}

/* A critical (g_return_if_fail) or warning is a programming error in the
 * code under test, so it must stop the run like a crash does, whatever
 * G_DEBUG says. */
static inline void
fuzz_init (void)
{
  static gboolean done = FALSE;

  if (done)
    return;
  done = TRUE;

  signal (SIGTRAP, fuzz_on_trap);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* Inputs are bytes; the parsers take C strings. The copy stops at the
 * first NUL, as a C caller's string would. */
static inline char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  return g_strndup ((const char *) data, size);
}

/* Splits an input into fields: a field is the bytes up to the next
 * newline; the last one takes the rest. Lets one input carry several
 * strings (a suite, a question, a PIN…) while staying readable. */
static inline char *
fuzz_take_line (const uint8_t **data,
                size_t         *size)
{
  const uint8_t *end = memchr (*data, '\n', *size);
  size_t length = end != NULL ? (size_t) (end - *data) : *size;
  char *line = g_strndup ((const char *) *data, length);

  *data += length;
  *size -= length;
  if (end != NULL)
    {
      *data += 1;
      *size -= 1;
    }

  return line;
}

/* A binary field: a two-byte big-endian length, then that many bytes
 * (fewer when the input ends). */
static inline GBytes *
fuzz_take_bytes (const uint8_t **data,
                 size_t         *size)
{
  size_t length;
  GBytes *bytes;

  if (*size < 2)
    {
      *data += *size;
      *size = 0;
      return g_bytes_new (NULL, 0);
    }

  length = ((size_t) (*data)[0] << 8) | (*data)[1];
  *data += 2;
  *size -= 2;
  length = MIN (length, *size);

  bytes = g_bytes_new (*data, length);
  *data += length;
  *size -= length;

  return bytes;
}

G_END_DECLS
