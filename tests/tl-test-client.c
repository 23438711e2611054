/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-test-client"

#include "config.h"

#include "tl-http.h"
#include "tl-test-client.h"
#include "tl-test-time.h"

#define SLACK_SECONDS 6

void
tl_test_store_result (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

void
tl_test_await_within (GAsyncResult **result,
                      guint          max_seconds)
{
  double seconds = tl_test_scaled_seconds (max_seconds);
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (*result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("A client step did not end within %.0f s", seconds);
      g_main_context_iteration (NULL, FALSE);
      if (*result == NULL)
        g_usleep (2000);
    }
}

void
tl_test_await (GAsyncResult **result)
{
  tl_test_await_within (result, TL_HTTP_REQUEST_TIMEOUT + SLACK_SECONDS);
}

gboolean
tl_test_client_login (TlAuthClient  *client,
                      const char    *username,
                      const char    *password,
                      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_login_async (client, username, password, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_login_finish (client, result, error);
}

gboolean
tl_test_client_continue (TlAuthClient  *client,
                         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_continue_async (client, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_continue_finish (client, result, error);
}

gboolean
tl_test_client_select_device (TlAuthClient  *client,
                              const char    *device_id,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_select_device_async (client, device_id, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_select_device_finish (client, result, error);
}

gboolean
tl_test_client_answer (TlAuthClient  *client,
                       const char    *response,
                       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_answer_async (client, response, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  return tl_auth_client_answer_finish (client, result, error);
}

gboolean
tl_test_client_wait_push (TlAuthClient  *client,
                          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_wait_push_async (client, NULL, tl_test_store_result, &result);
  tl_test_await_within (&result, TL_HTTP_LONG_POLL_TIMEOUT + SLACK_SECONDS);
  return tl_auth_client_wait_push_finish (client, result, error);
}
