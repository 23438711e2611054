/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-otpauth"

#include "config.h"

#include <string.h>

#include "tl-auth-error.h"
#include "tl-otpauth.h"

/* RFC 4648 section 10. */
static const struct
{
  const char *plain;
  const char *encoded;
} rfc4648[] = {
  { "", "" },
  { "f", "MY" },
  { "fo", "MZXQ" },
  { "foo", "MZXW6" },
  { "foob", "MZXW6YQ" },
  { "fooba", "MZXW6YTB" },
  { "foobar", "MZXW6YTBOI" },
};

static const char * const rfc4648_padded[] = {
  "", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======",
};

static void
test_base32_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc4648); i++)
    {
      g_autofree char *encoded = tl_base32_encode ((const guint8 *) rfc4648[i].plain, strlen (rfc4648[i].plain));
      g_autoptr(GBytes) decoded = NULL;
      g_autoptr(GBytes) padded = NULL;
      g_autoptr(GBytes) lower = NULL;
      g_autofree char *lower_text = g_ascii_strdown (rfc4648[i].encoded, -1);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (encoded, ==, rfc4648[i].encoded);
      if (*rfc4648[i].plain == '\0')
        continue;

      decoded = tl_base32_decode (rfc4648[i].encoded, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                       rfc4648[i].plain, strlen (rfc4648[i].plain));

      padded = tl_base32_decode (rfc4648_padded[i], &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (decoded, padded));

      lower = tl_base32_decode (lower_text, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (decoded, lower));
    }
}

static void
test_base32_invalid (void)
{
  static const char * const invalid[] = {
    "",           /* empty */
    "M",          /* 1 character cannot end on a byte */
    "MZX",        /* 3 */
    "MZXW6Y",     /* 6 */
    "MZXW6YR",    /* leftover bits not zero: not canonical */
    "MZ1Q",       /* 1 is not base32 */
    "MZ0Q",       /* 0 */
    "MZ8Q",       /* 8 */
    "MZ Q",       /* space */
    "MZXQ==",     /* padding that does not fill the group */
    "MY=====M",   /* data after padding */
    "MZ=Q",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = tl_base32_decode (invalid[i], &error);

      g_assert_null (decoded);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
    }
}

static void
test_parse_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOtpauth) params = NULL;

  params = tl_otpauth_parse ("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
                             &error);
  g_assert_no_error (error);
  g_assert_cmpstr (params->issuer, ==, "Example");
  g_assert_cmpstr (params->account, ==, "alice@google.com");
  g_assert_cmpmem (g_bytes_get_data (params->secret, NULL), g_bytes_get_size (params->secret),
                   "Hello!\xde\xad\xbe\xef", 10);
  g_assert_cmpint (params->algorithm, ==, TL_OTP_HASH_SHA1);
  g_assert_cmpuint (params->digits, ==, 6);
  g_assert_cmpuint (params->period, ==, 30);
}

static void
test_parse_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOtpauth) params = NULL;

  params = tl_otpauth_parse ("otpauth://totp/ACME%20Co:john.doe%40email.com?"
                             "secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co"
                             "&algorithm=SHA256&digits=8&period=60", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (params->issuer, ==, "ACME Co");
  g_assert_cmpstr (params->account, ==, "john.doe@email.com");
  g_assert_cmpint (params->algorithm, ==, TL_OTP_HASH_SHA256);
  g_assert_cmpuint (params->digits, ==, 8);
  g_assert_cmpuint (params->period, ==, 60);
  g_assert_cmpuint (g_bytes_get_size (params->secret), ==, 20);

  /* No issuer at all is allowed. */
  g_clear_pointer (&params, tl_otpauth_free);
  params = tl_otpauth_parse ("otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP", &error);
  g_assert_no_error (error);
  g_assert_null (params->issuer);
  g_assert_cmpstr (params->account, ==, "bob");
}

static void
test_parse_invalid (void)
{
  static const char * const invalid[] = {
    "https://totp/x?secret=JBSWY3DPEHPK3PXP",
    "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1",
    "otpauth://totp/?secret=JBSWY3DPEHPK3PXP",
    "otpauth://totp/x",
    "otpauth://totp/x?issuer=Y",
    "otpauth://totp/x?secret=JBSWY3DP",                        /* 40 bits */
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1",                /* not base32 */
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=five",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=99999",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
    "otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXP&issuer=B",
    "not a uri",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TlOtpauth) params = tl_otpauth_parse (invalid[i], &error);

      if (params != NULL)
        g_error ("accepted %s", invalid[i]);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (tl_otpauth_parse (NULL, &error));
    g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  }
}

static void
test_build_roundtrip (void)
{
  static const guint8 key[20] = "12345678901234567890";
  g_autoptr(GBytes) secret = g_bytes_new_static (key, sizeof key);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOtpauth) parsed = NULL;
  g_autofree char *uri = NULL;
  TlOtpauth params = {
    .issuer = (char *) "Trading Login",
    .account = (char *) "demo (live)",
    .secret = secret,
    .algorithm = TL_OTP_HASH_SHA1,
    .digits = 6,
    .period = 30,
  };

  uri = tl_otpauth_build (&params, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==,
                   "otpauth://totp/Trading%20Login:demo%20%28live%29?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                   "&issuer=Trading%20Login&algorithm=SHA1&digits=6&period=30");

  parsed = tl_otpauth_parse (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->issuer, ==, params.issuer);
  g_assert_cmpstr (parsed->account, ==, params.account);
  g_assert_true (g_bytes_equal (parsed->secret, secret));
  g_assert_cmpuint (parsed->digits, ==, 6);
  g_assert_cmpuint (parsed->period, ==, 30);
}

static void
test_build_invalid (void)
{
  g_autoptr(GBytes) secret = g_bytes_new_static ("0123456789", 10);
  g_autoptr(GBytes) short_secret = g_bytes_new_static ("012345678", 9);
  TlOtpauth params = { NULL, (char *) "a", secret, TL_OTP_HASH_SHA1, 6, 30 };
  struct { TlOtpauth params; } cases[6];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    cases[i].params = params;
  cases[0].params.account = (char *) "";
  cases[1].params.account = (char *) "a:b";
  cases[2].params.secret = short_secret;
  cases[3].params.digits = 5;
  cases[4].params.period = 0;
  cases[5].params.issuer = (char *) "x:y";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = tl_otpauth_build (&cases[i].params, &error);

      g_assert_null (uri);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tl/otpauth/base32-rfc4648", test_base32_vectors);
  g_test_add_func ("/tl/otpauth/base32-invalid", test_base32_invalid);
  g_test_add_func ("/tl/otpauth/parse-example", test_parse_example);
  g_test_add_func ("/tl/otpauth/parse-full", test_parse_full);
  g_test_add_func ("/tl/otpauth/parse-invalid", test_parse_invalid);
  g_test_add_func ("/tl/otpauth/build-roundtrip", test_build_roundtrip);
  g_test_add_func ("/tl/otpauth/build-invalid", test_build_invalid);

  return g_test_run ();
}
