/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-auth-error"

#include "config.h"

#include "tl-auth-error.h"

/* Every contract error code maps to one TlAuthError and back. */
static void
test_wire_codes_round_trip (void)
{
  static const char * const contract_codes[] = {
    "bad_request", "bad_character", "too_large", "invalid_credentials",
    "locked", "throttled", "login_expired", "second_factor_failed",
    "second_factor_expired", "not_allowed", "no_session", "bad_proof",
    "server_error",
  };

  for (guint i = 0; i < G_N_ELEMENTS (contract_codes); i++)
    {
      TlAuthError code;

      g_assert_true (tl_auth_error_from_code (contract_codes[i], &code));
      g_assert_cmpstr (tl_auth_error_to_code (code), ==, contract_codes[i]);
      g_assert_cmpint (tl_auth_error_http_status (code), >=, 400);
      g_assert_nonnull (tl_auth_error_message (code));
    }

  g_assert_false (tl_auth_error_from_code ("no_such_code", NULL));
  g_assert_false (tl_auth_error_from_code (NULL, NULL));
  g_assert_null (tl_auth_error_to_code (TL_AUTH_ERROR_PROTOCOL));
}

static void
test_http_statuses (void)
{
  g_assert_cmpint (tl_auth_error_http_status (TL_AUTH_ERROR_TOO_LARGE), ==, 413);
  g_assert_cmpint (tl_auth_error_http_status (TL_AUTH_ERROR_LOCKED), ==, 423);
  g_assert_cmpint (tl_auth_error_http_status (TL_AUTH_ERROR_THROTTLED), ==, 429);
  g_assert_cmpint (tl_auth_error_http_status (TL_AUTH_ERROR_LOGIN_EXPIRED), ==, 410);
  g_assert_cmpint (tl_auth_error_http_status (TL_AUTH_ERROR_NOT_ALLOWED), ==, 403);
  g_assert_cmpint (tl_auth_error_http_status (TL_AUTH_ERROR_INVALID_CREDENTIALS), ==, 401);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tl/auth-error/wire-codes", test_wire_codes_round_trip);
  g_test_add_func ("/tl/auth-error/http-status", test_http_statuses);

  return g_test_run ();
}
