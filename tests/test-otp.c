/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-otp"

#include "config.h"

#include <string.h>

#include "tl-auth-error.h"
#include "tl-otp.h"

/* The RFCs' ASCII seeds: "1234567890" repeated to the hash's size. */
#define KEY20 "12345678901234567890"
#define KEY32 "12345678901234567890123456789012"
#define KEY64 "1234567890123456789012345678901234567890123456789012345678901234"

/* RFC 4226 appendix D. */
static void
test_hotp_rfc4226 (void)
{
  static const char * const expected[] = {
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489",
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;

      code = tl_hotp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, strlen (KEY20),
                      i, 6, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, expected[i]);
    }
}

/* RFC 6238 appendix B. */
static void
test_totp_rfc6238 (void)
{
  static const struct {
    gint64      time;
    guint64     step;
    TlOtpHash   hash;
    const char *key;
    const char *code;
  } vectors[] = {
    { 59, 0x1, TL_OTP_HASH_SHA1, KEY20, "94287082" },
    { 59, 0x1, TL_OTP_HASH_SHA256, KEY32, "46119246" },
    { 59, 0x1, TL_OTP_HASH_SHA512, KEY64, "90693936" },
    { 1111111109, 0x23523EC, TL_OTP_HASH_SHA1, KEY20, "07081804" },
    { 1111111109, 0x23523EC, TL_OTP_HASH_SHA256, KEY32, "68084774" },
    { 1111111109, 0x23523EC, TL_OTP_HASH_SHA512, KEY64, "25091201" },
    { 1111111111, 0x23523ED, TL_OTP_HASH_SHA1, KEY20, "14050471" },
    { 1111111111, 0x23523ED, TL_OTP_HASH_SHA256, KEY32, "67062674" },
    { 1111111111, 0x23523ED, TL_OTP_HASH_SHA512, KEY64, "99943326" },
    { 1234567890, 0x273EF07, TL_OTP_HASH_SHA1, KEY20, "89005924" },
    { 1234567890, 0x273EF07, TL_OTP_HASH_SHA256, KEY32, "91819424" },
    { 1234567890, 0x273EF07, TL_OTP_HASH_SHA512, KEY64, "93441116" },
    { 2000000000, 0x3F940AA, TL_OTP_HASH_SHA1, KEY20, "69279037" },
    { 2000000000, 0x3F940AA, TL_OTP_HASH_SHA256, KEY32, "90698825" },
    { 2000000000, 0x3F940AA, TL_OTP_HASH_SHA512, KEY64, "38618901" },
    { G_GINT64_CONSTANT (20000000000), 0x27BC86AA, TL_OTP_HASH_SHA1, KEY20, "65353130" },
    { G_GINT64_CONSTANT (20000000000), 0x27BC86AA, TL_OTP_HASH_SHA256, KEY32, "77737706" },
    { G_GINT64_CONSTANT (20000000000), 0x27BC86AA, TL_OTP_HASH_SHA512, KEY64, "47863826" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;

      g_assert_cmpuint (tl_totp_step (vectors[i].time, 30), ==, vectors[i].step);

      code = tl_totp (vectors[i].hash,
                      (const guint8 *) vectors[i].key, strlen (vectors[i].key),
                      vectors[i].time, 30, 8, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, vectors[i].code);
    }

  /* The contract's six-digit codes are the last six of the eight. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *code = NULL;

    code = tl_totp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, strlen (KEY20),
                    1111111109, 30, 6, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (code, ==, "081804");
  }
}

typedef struct
{
  const char *suite;
  const char *key;
  guint64     counter;
  const char *question;
  const char *password;
  gint64      timestamp;
  const char *response;
} OcraVector;

static void
check_ocra_vectors (const OcraVector *vectors,
                    gsize             n_vectors)
{
  for (gsize i = 0; i < n_vectors; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TlOcraSuite) suite = NULL;
      g_autofree char *response = NULL;
      TlOcraInput input = {
        .counter = vectors[i].counter,
        .question = vectors[i].question,
        .password = vectors[i].password,
        .timestamp = vectors[i].timestamp,
      };

      suite = tl_ocra_suite_parse (vectors[i].suite, &error);
      g_assert_no_error (error);
      g_assert_nonnull (suite);

      response = tl_ocra_compute (suite,
                                  (const guint8 *) vectors[i].key, strlen (vectors[i].key),
                                  &input, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (response, ==, vectors[i].response);
    }
}

/* RFC 6287 appendix C.1 (one-way challenge-response): every table. The
 * RFC's PIN is "1234", SHA-1 7110eda4d09e062aa5e4a390b0a572ac0d2c0220. */
static void
test_ocra_rfc6287 (void)
{
  /* The T1M tables use T = 0x132d0b6 minutes. */
  const gint64 t = G_GINT64_CONSTANT (0x132d0b6) * 60;
  const OcraVector vectors[] = {
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "00000000", NULL, 0, "237653" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "11111111", NULL, 0, "243178" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "22222222", NULL, 0, "653583" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "33333333", NULL, 0, "740991" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "44444444", NULL, 0, "608993" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "55555555", NULL, 0, "388898" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "66666666", NULL, 0, "816933" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "77777777", NULL, 0, "224598" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "88888888", NULL, 0, "750600" },
    { "OCRA-1:HOTP-SHA1-6:QN08", KEY20, 0, "99999999", NULL, 0, "294470" },

    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 0, "12345678", "1234", 0, "65347737" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 1, "12345678", "1234", 0, "86775851" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 2, "12345678", "1234", 0, "78192410" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 3, "12345678", "1234", 0, "71565254" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 4, "12345678", "1234", 0, "10104329" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 5, "12345678", "1234", 0, "65983500" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 6, "12345678", "1234", 0, "70069104" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 7, "12345678", "1234", 0, "91771096" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 8, "12345678", "1234", 0, "75011558" },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, 9, "12345678", "1234", 0, "08522129" },

    { "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, 0, "00000000", "1234", 0, "83238735" },
    { "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, 0, "11111111", "1234", 0, "01501458" },
    { "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, 0, "22222222", "1234", 0, "17957585" },
    { "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, 0, "33333333", "1234", 0, "86776967" },
    { "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, 0, "44444444", "1234", 0, "86807031" },

    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 0, "00000000", NULL, 0, "07016083" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 1, "11111111", NULL, 0, "63947962" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 2, "22222222", NULL, 0, "70123924" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 3, "33333333", NULL, 0, "25341727" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 4, "44444444", NULL, 0, "33203315" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 5, "55555555", NULL, 0, "34205738" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 6, "66666666", NULL, 0, "44343969" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 7, "77777777", NULL, 0, "51946085" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 8, "88888888", NULL, 0, "20403879" },
    { "OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, 9, "99999999", NULL, 0, "31409299" },

    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, 0, "00000000", NULL, t, "95209754" },
    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, 0, "11111111", NULL, t, "55907591" },
    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, 0, "22222222", NULL, t, "22048402" },
    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, 0, "33333333", NULL, t, "24218844" },
    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, 0, "44444444", NULL, t, "36209546" },
    /* Anywhere inside the same minute gives the same answer. */
    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, 0, "44444444", NULL, t + 59, "36209546" },
  };

  check_ocra_vectors (vectors, G_N_ELEMENTS (vectors));
}

/* RFC 6287 appendix C.3 (plain signature): alphanumeric questions. */
static void
test_ocra_rfc6287_signature (void)
{
  const gint64 t = G_GINT64_CONSTANT (0x132d0b6) * 60;
  const OcraVector vectors[] = {
    { "OCRA-1:HOTP-SHA256-8:QA08", KEY32, 0, "SIG10000", NULL, 0, "53095496" },
    { "OCRA-1:HOTP-SHA256-8:QA08", KEY32, 0, "SIG11000", NULL, 0, "04110475" },
    { "OCRA-1:HOTP-SHA256-8:QA08", KEY32, 0, "SIG12000", NULL, 0, "31331128" },
    { "OCRA-1:HOTP-SHA256-8:QA08", KEY32, 0, "SIG13000", NULL, 0, "76028668" },
    { "OCRA-1:HOTP-SHA256-8:QA08", KEY32, 0, "SIG14000", NULL, 0, "46554205" },

    { "OCRA-1:HOTP-SHA512-8:QA10-T1M", KEY64, 0, "SIG1000000", NULL, t, "77537423" },
    { "OCRA-1:HOTP-SHA512-8:QA10-T1M", KEY64, 0, "SIG1100000", NULL, t, "31970405" },
    { "OCRA-1:HOTP-SHA512-8:QA10-T1M", KEY64, 0, "SIG1200000", NULL, t, "10235557" },
    { "OCRA-1:HOTP-SHA512-8:QA10-T1M", KEY64, 0, "SIG1300000", NULL, t, "95213541" },
    { "OCRA-1:HOTP-SHA512-8:QA10-T1M", KEY64, 0, "SIG1400000", NULL, t, "65360607" },
  };

  check_ocra_vectors (vectors, G_N_ELEMENTS (vectors));
}

/* Inputs the suite does not ask for must not change the answer, and
 * those it does ask for must. */
static void
test_ocra_inputs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOcraSuite) plain = NULL;
  g_autoptr(TlOcraSuite) pin = NULL;
  g_autoptr(TlOcraSuite) session = NULL;
  g_autoptr(TlOcraSuite) full = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *e = NULL;
  g_autofree char *f = NULL;
  TlOcraInput input = { .question = "12345678", .password = "1234", .session = "abc" };
  TlOcraInput other = input;

  plain = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA256-8:QN08", &error);
  g_assert_no_error (error);
  pin = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-8:QN06-PSHA1", &error);
  g_assert_no_error (error);
  session = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-6:QN08-S064", &error);
  g_assert_no_error (error);
  full = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-0:C-QH08-PSHA256-S016-T30S", &error);
  g_assert_no_error (error);

  other.counter = 7;
  other.password = "9999";
  other.session = "xyz";
  other.timestamp = 1700000000;
  a = tl_ocra_compute (plain, (const guint8 *) KEY32, 32, &input, &error);
  g_assert_no_error (error);
  b = tl_ocra_compute (plain, (const guint8 *) KEY32, 32, &other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpuint (strlen (a), ==, 8);

  /* A different PIN gives a different answer. */
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  input.question = other.question = "123456";
  a = tl_ocra_compute (pin, (const guint8 *) KEY20, 20, &input, &error);
  g_assert_no_error (error);
  b = tl_ocra_compute (pin, (const guint8 *) KEY20, 20, &other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, !=, b);

  input.question = other.question = "12345678";
  c = tl_ocra_compute (session, (const guint8 *) KEY20, 20, &input, &error);
  g_assert_no_error (error);
  d = tl_ocra_compute (session, (const guint8 *) KEY20, 20, &other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c, !=, d);

  /* Digits 0: the whole HMAC-SHA1 in hex. */
  input.question = "deadBEEF";
  e = tl_ocra_compute (full, (const guint8 *) KEY20, 20, &input, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (e), ==, 40);
  for (const char *p = e; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p));

  /* Hex questions are case-insensitive. */
  input.question = "DEADbeef";
  f = tl_ocra_compute (full, (const guint8 *) KEY20, 20, &input, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e, ==, f);
}

static void
test_ocra_suite_parse (void)
{
  static const struct {
    const char           *suite;
    TlOtpHash             hash;
    guint                 digits;
    gboolean              counter;
    TlOcraQuestionFormat  format;
    guint                 question_length;
    gboolean              has_password;
    TlOtpHash             password_hash;
    guint                 session_length;
    guint                 timestep;
  } good[] = {
    /* The contract's two. */
    { "OCRA-1:HOTP-SHA256-8:QN08", TL_OTP_HASH_SHA256, 8, FALSE, TL_OCRA_QUESTION_NUMERIC, 8, FALSE, TL_OTP_HASH_SHA1, 0, 0 },
    { "OCRA-1:HOTP-SHA1-8:QN06-PSHA1", TL_OTP_HASH_SHA1, 8, FALSE, TL_OCRA_QUESTION_NUMERIC, 6, TRUE, TL_OTP_HASH_SHA1, 0, 0 },

    { "OCRA-1:HOTP-SHA1-6:QN08", TL_OTP_HASH_SHA1, 6, FALSE, TL_OCRA_QUESTION_NUMERIC, 8, FALSE, TL_OTP_HASH_SHA1, 0, 0 },
    { "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", TL_OTP_HASH_SHA256, 8, TRUE, TL_OCRA_QUESTION_NUMERIC, 8, TRUE, TL_OTP_HASH_SHA1, 0, 0 },
    { "OCRA-1:HOTP-SHA512-8:QN08-T1M", TL_OTP_HASH_SHA512, 8, FALSE, TL_OCRA_QUESTION_NUMERIC, 8, FALSE, TL_OTP_HASH_SHA1, 0, 60 },
    { "OCRA-1:HOTP-SHA512-8:QA10-T1M", TL_OTP_HASH_SHA512, 8, FALSE, TL_OCRA_QUESTION_ALPHANUMERIC, 10, FALSE, TL_OTP_HASH_SHA1, 0, 60 },
    { "OCRA-1:HOTP-SHA1-0:C-QH64-PSHA512-S128-T48H", TL_OTP_HASH_SHA1, 0, TRUE, TL_OCRA_QUESTION_HEX, 64, TRUE, TL_OTP_HASH_SHA512, 128, 48 * 3600 },
    { "OCRA-1:HOTP-SHA256-10:QA04-PSHA256-T59S", TL_OTP_HASH_SHA256, 10, FALSE, TL_OCRA_QUESTION_ALPHANUMERIC, 4, TRUE, TL_OTP_HASH_SHA256, 0, 59 },
    { "OCRA-1:HOTP-SHA1-4:QN04-S064", TL_OTP_HASH_SHA1, 4, FALSE, TL_OCRA_QUESTION_NUMERIC, 4, FALSE, TL_OTP_HASH_SHA1, 64, 0 },
    { "OCRA-1:HOTP-SHA1-6:QN08-T30M", TL_OTP_HASH_SHA1, 6, FALSE, TL_OCRA_QUESTION_NUMERIC, 8, FALSE, TL_OTP_HASH_SHA1, 0, 30 * 60 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TlOcraSuite) suite = NULL;

      suite = tl_ocra_suite_parse (good[i].suite, &error);
      g_assert_no_error (error);
      g_assert_nonnull (suite);

      g_assert_cmpstr (suite->suite, ==, good[i].suite);
      g_assert_cmpint (suite->hash, ==, good[i].hash);
      g_assert_cmpuint (suite->digits, ==, good[i].digits);
      g_assert_cmpint (suite->counter, ==, good[i].counter);
      g_assert_cmpint (suite->question_format, ==, good[i].format);
      g_assert_cmpuint (suite->question_length, ==, good[i].question_length);
      g_assert_cmpint (suite->has_password, ==, good[i].has_password);
      if (good[i].has_password)
        g_assert_cmpint (suite->password_hash, ==, good[i].password_hash);
      g_assert_cmpuint (suite->session_length, ==, good[i].session_length);
      g_assert_cmpuint (suite->timestep, ==, good[i].timestep);
    }

  tl_ocra_suite_free (NULL);
}

static void
test_ocra_bad_suites (void)
{
  static const struct {
    const char *suite;
    const char *named;   /* what the message must name, or NULL */
  } bad[] = {
    { NULL, NULL },
    { "", NULL },
    { "OCRA-1", NULL },
    { "OCRA-1:HOTP-SHA1-6", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08:extra", NULL },
    { "OCRA-2:HOTP-SHA1-6:QN08", "OCRA-2" },
    { "ocra-1:HOTP-SHA1-6:QN08", "ocra-1" },
    { "OCRA-1:HOTP-MD5-6:QN08", "MD5" },
    { "OCRA-1:HMAC-SHA1-6:QN08", "HMAC-SHA1-6" },
    { "OCRA-1:HOTP-SHA1:QN08", NULL },
    { "OCRA-1:HOTP-SHA1-3:QN08", "3" },
    { "OCRA-1:HOTP-SHA1-11:QN08", "11" },
    { "OCRA-1:HOTP-SHA1-06:QN08", "06" },
    { "OCRA-1:HOTP-SHA1--6:QN08", NULL },
    { "OCRA-1:HOTP-SHA1-6:", NULL },
    { "OCRA-1:HOTP-SHA1-6:C", NULL },
    { "OCRA-1:HOTP-SHA1-6:C-PSHA1", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN65", "QN65" },
    { "OCRA-1:HOTP-SHA1-6:QN03", "QN03" },
    { "OCRA-1:HOTP-SHA1-6:QN8", "QN8" },
    { "OCRA-1:HOTP-SHA1-6:QX08", "QX08" },
    { "OCRA-1:HOTP-SHA1-6:qn08", "qn08" },
    { "OCRA-1:HOTP-SHA1-6:QN08-PSHA3", "PSHA3" },
    { "OCRA-1:HOTP-SHA1-6:QN08-P", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-S12", "S12" },
    { "OCRA-1:HOTP-SHA1-6:QN08-S", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-S000", "S000" },
    { "OCRA-1:HOTP-SHA1-6:QN08-T99M", "T99M" },
    { "OCRA-1:HOTP-SHA1-6:QN08-T60S", "T60S" },
    { "OCRA-1:HOTP-SHA1-6:QN08-T49H", "T49H" },
    { "OCRA-1:HOTP-SHA1-6:QN08-T0H", "T0H" },
    { "OCRA-1:HOTP-SHA1-6:QN08-T1X", "T1X" },
    { "OCRA-1:HOTP-SHA1-6:QN08-T", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-", NULL },
    { "OCRA-1:HOTP-SHA1-6:-QN08", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08--PSHA1", NULL },
    { "OCRA-1:HOTP-SHA1-6:C-C-QN08", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-QN08", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-C", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-T1M-PSHA1", NULL },
    { "OCRA-1:HOTP-SHA1-6:CX-QN08", "CX" },
    { "OCRA-1:HOTP-SHA1-6:QN08-X1", "X1" },
    { "OCRA-1:HOTP-SHA1-6:QN08 ", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN\xff\xfe", NULL },
    { "\x01\x02\x03garbage\x80", NULL },
    { "OCRA-1:HOTP-SHA1-6:QN08-TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TlOcraSuite) suite = NULL;

      suite = tl_ocra_suite_parse (bad[i].suite, &error);
      if (suite != NULL)
        g_error ("suite “%s” was accepted", bad[i].suite);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpstr (error->message, !=, "");
      if (bad[i].named != NULL)
        g_assert_nonnull (strstr (error->message, bad[i].named));
    }
}

static void
test_bad_input (void)
{
  g_autoptr(TlOcraSuite) numeric = NULL;
  g_autoptr(TlOcraSuite) hex = NULL;
  g_autoptr(TlOcraSuite) alpha = NULL;
  g_autoptr(TlOcraSuite) pin = NULL;
  g_autoptr(TlOcraSuite) session = NULL;
  g_autoptr(TlOcraSuite) timed = NULL;
  GError *error = NULL;
  TlOcraSuite forged = { 0 };
  TlOcraInput input = { .question = "12345678" };
  static const guint bad_digits[] = { 0, 1, 5, 11, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (bad_digits); i++)
    {
      g_assert_null (tl_hotp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, 20, 0, bad_digits[i], &error));
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }

  g_assert_null (tl_hotp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, 0, 0, 6, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_hotp (TL_OTP_HASH_SHA1, NULL, 20, 0, 6, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_hotp ((TlOtpHash) 42, (const guint8 *) KEY20, 20, 0, 6, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* A NULL error is fine too. */
  g_assert_null (tl_hotp (TL_OTP_HASH_SHA1, NULL, 0, 0, 6, NULL));

  g_assert_null (tl_totp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, 20, 59, 0, 6, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_totp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, 20, -1, 30, 6, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_totp (TL_OTP_HASH_SHA1, (const guint8 *) KEY20, 20, 59, 30, 12, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (tl_totp_step (59, 0), ==, 0);
  g_assert_cmpuint (tl_totp_step (-59, 30), ==, 0);

  numeric = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA256-8:QN08", NULL);
  hex = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA256-8:QH08", NULL);
  alpha = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA256-8:QA08", NULL);
  pin = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-8:QN06-PSHA1", NULL);
  session = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-8:QN06-S004", NULL);
  timed = tl_ocra_suite_parse ("OCRA-1:HOTP-SHA1-8:QN06-T30S", NULL);
  g_assert_nonnull (numeric);
  g_assert_nonnull (hex);
  g_assert_nonnull (alpha);
  g_assert_nonnull (pin);
  g_assert_nonnull (session);
  g_assert_nonnull (timed);

  /* Questions: the right characters, 1 to xx of them. */
  {
    static const struct {
      const char *question;
      gboolean    numeric_ok;
      gboolean    hex_ok;
      gboolean    alpha_ok;
    } questions[] = {
      { "12345678", TRUE, TRUE, TRUE },
      { "1", TRUE, TRUE, TRUE },
      { "00000000", TRUE, TRUE, TRUE },
      { "deadBEEF", FALSE, TRUE, TRUE },
      { "SIG10000", FALSE, FALSE, TRUE },
      { "", FALSE, FALSE, FALSE },
      { NULL, FALSE, FALSE, FALSE },
      { "123456789", FALSE, FALSE, FALSE },
      { "1234 678", FALSE, FALSE, FALSE },
      { "-1234567", FALSE, FALSE, TRUE },
      { "+1234567", FALSE, FALSE, TRUE },
      { "12\n45678", FALSE, FALSE, FALSE },
      { "1234567\xc3\xa9", FALSE, FALSE, FALSE },
      { "１２", FALSE, FALSE, FALSE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (questions); i++)
      {
        const TlOcraSuite *suites[] = { numeric, hex, alpha };
        const gboolean ok[] = { questions[i].numeric_ok, questions[i].hex_ok, questions[i].alpha_ok };

        for (guint j = 0; j < G_N_ELEMENTS (suites); j++)
          {
            gboolean result = tl_ocra_check_question (suites[j], questions[i].question, &error);

            if (result != ok[j])
              g_error ("question %u against suite %s: expected %d", i, suites[j]->suite, ok[j]);
            if (ok[j])
              {
                g_autofree char *response = NULL;

                g_assert_no_error (error);
                input.question = questions[i].question;
                response = tl_ocra_compute (suites[j], (const guint8 *) KEY32, 32, &input, &error);
                g_assert_no_error (error);
                g_assert_nonnull (response);
              }
            else
              {
                g_autofree char *response = NULL;

                g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
                g_clear_error (&error);

                /* compute refuses what check refuses. */
                input.question = questions[i].question;
                response = tl_ocra_compute (suites[j], (const guint8 *) KEY32, 32, &input, &error);
                g_assert_null (response);
                g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
                g_clear_error (&error);
              }
          }
      }
  }

  /* What a person reads. */
  g_assert_false (tl_ocra_check_question (numeric, "12345678a", &error));
  g_assert_cmpstr (error->message, ==, "The challenge must be up to 8 digits.");
  g_clear_error (&error);

  input.question = "123456";

  g_assert_null (tl_ocra_compute (numeric, (const guint8 *) KEY32, 0, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (tl_ocra_compute (numeric, NULL, 32, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (tl_ocra_compute (numeric, (const guint8 *) KEY32, 32, NULL, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (tl_ocra_compute (NULL, (const guint8 *) KEY32, 32, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* The PIN suite needs a PIN. */
  input.password = NULL;
  g_assert_null (tl_ocra_compute (pin, (const guint8 *) KEY20, 20, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  input.password = "";
  g_assert_null (tl_ocra_compute (pin, (const guint8 *) KEY20, 20, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Session information longer than the suite's Snnn, or missing. */
  input.session = "12345";
  g_assert_null (tl_ocra_compute (session, (const guint8 *) KEY20, 20, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  input.session = NULL;
  g_assert_null (tl_ocra_compute (session, (const guint8 *) KEY20, 20, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  input.timestamp = -1;
  g_assert_null (tl_ocra_compute (timed, (const guint8 *) KEY20, 20, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* A suite made by hand rather than parsed. */
  g_assert_false (tl_ocra_check_question (&forged, "1234", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_ocra_compute (&forged, (const guint8 *) KEY20, 20, &input, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_ocra_random_question (&forged, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (tl_ocra_random_question (NULL, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
}

static void
test_ocra_random_question (void)
{
  static const char * const suites[] = {
    "OCRA-1:HOTP-SHA256-8:QN08",
    "OCRA-1:HOTP-SHA1-8:QN06-PSHA1",
    "OCRA-1:HOTP-SHA1-8:QH16",
    "OCRA-1:HOTP-SHA1-8:QA64",
  };

  for (guint i = 0; i < G_N_ELEMENTS (suites); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TlOcraSuite) suite = NULL;
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      guint counts[10] = { 0 };

      suite = tl_ocra_suite_parse (suites[i], &error);
      g_assert_no_error (error);

      for (guint round = 0; round < 200; round++)
        {
          char *question = tl_ocra_random_question (suite, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (strlen (question), ==, suite->question_length);
          g_assert_true (tl_ocra_check_question (suite, question, &error));
          g_assert_no_error (error);

          if (suite->question_format == TL_OCRA_QUESTION_NUMERIC)
            for (const char *p = question; *p; p++)
              counts[*p - '0']++;

          g_hash_table_add (seen, question);
        }

      /* 200 draws of at least 10^6 values repeat one about once in 50
       * runs (the birthday bound: 200² / 2·10^6); five repeats would take
       * a broken generator. */
      g_assert_cmpuint (g_hash_table_size (seen), >=, 195);

      /* Every digit shows up in over a thousand draws. */
      if (suite->question_format == TL_OCRA_QUESTION_NUMERIC)
        for (guint d = 0; d < 10; d++)
          g_assert_cmpuint (counts[d], >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tl/otp/hotp/rfc4226", test_hotp_rfc4226);
  g_test_add_func ("/tl/otp/totp/rfc6238", test_totp_rfc6238);
  g_test_add_func ("/tl/otp/ocra/rfc6287", test_ocra_rfc6287);
  g_test_add_func ("/tl/otp/ocra/rfc6287-signature", test_ocra_rfc6287_signature);
  g_test_add_func ("/tl/otp/ocra/inputs", test_ocra_inputs);
  g_test_add_func ("/tl/otp/ocra/suite-parse", test_ocra_suite_parse);
  g_test_add_func ("/tl/otp/ocra/bad-suites", test_ocra_bad_suites);
  g_test_add_func ("/tl/otp/ocra/random-question", test_ocra_random_question);
  g_test_add_func ("/tl/otp/bad-input", test_bad_input);

  return g_test_run ();
}
