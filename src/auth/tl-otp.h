/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TL_OTP_HASH_SHA1,
  TL_OTP_HASH_SHA256,
  TL_OTP_HASH_SHA512,
} TlOtpHash;

/* RFC 4226. @digits 6..10 (RFC 6287 allows 4..10 for OCRA; HOTP itself
 * is used with 6..8). Returns a newly allocated zero-padded decimal
 * string, or NULL with TL_AUTH_ERROR_INVALID_INPUT. */
char        *tl_hotp                 (TlOtpHash     hash,
                                      const guint8 *key,
                                      gsize         key_len,
                                      guint64       counter,
                                      guint         digits,
                                      GError      **error);

/* RFC 6238: T = floor((unix_time - t0) / period). */
guint64      tl_totp_step            (gint64        unix_time,
                                      guint         period);
char        *tl_totp                 (TlOtpHash     hash,
                                      const guint8 *key,
                                      gsize         key_len,
                                      gint64        unix_time,
                                      guint         period,
                                      guint         digits,
                                      GError      **error);

/* RFC 6287 OCRA suite, e.g. "OCRA-1:HOTP-SHA256-8:QN08" or
 * "OCRA-1:HOTP-SHA1-8:QN06-PSHA1". */
typedef enum
{
  TL_OCRA_QUESTION_ALPHANUMERIC = 'A',
  TL_OCRA_QUESTION_NUMERIC = 'N',
  TL_OCRA_QUESTION_HEX = 'H',
} TlOcraQuestionFormat;

typedef struct
{
  char                 *suite;           /* the string as given */
  TlOtpHash             hash;            /* HOTP-SHAx */
  guint                 digits;          /* 0 (full HMAC, hex) or 4..10 */
  gboolean              counter;         /* C */
  TlOcraQuestionFormat  question_format; /* QAxx / QNxx / QHxx */
  guint                 question_length; /* 4..64 */
  gboolean              has_password;    /* P */
  TlOtpHash             password_hash;   /* PSHA1 / PSHA256 / PSHA512 */
  guint                 session_length;  /* Snnn, 0 when absent */
  guint                 timestep;        /* Tn[SMH] in seconds, 0 when absent */
} TlOcraSuite;

TlOcraSuite *tl_ocra_suite_parse     (const char        *suite,
                                      GError           **error);
void         tl_ocra_suite_free      (TlOcraSuite       *suite);

/* Data inputs, used as the suite asks; the rest are ignored.
 * @password is the password/PIN as typed (OCRA hashes it with the suite's
 * P hash); @timestamp is unix seconds (divided by the suite's step). */
typedef struct
{
  guint64     counter;
  const char *question;
  const char *password;
  const char *session;
  gint64      timestamp;
} TlOcraInput;

/* Checks the question against the suite's format and length. */
gboolean     tl_ocra_check_question  (const TlOcraSuite *suite,
                                      const char        *question,
                                      GError           **error);
char        *tl_ocra_compute         (const TlOcraSuite *suite,
                                      const guint8      *key,
                                      gsize              key_len,
                                      const TlOcraInput *input,
                                      GError           **error);

/* Random numeric challenge of @length digits (for servers). */
char        *tl_ocra_random_question (const TlOcraSuite *suite,
                                      GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlOcraSuite, tl_ocra_suite_free)

G_END_DECLS
