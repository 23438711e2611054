/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-auth-client.h"

G_BEGIN_DECLS

/* TlAuthClient's steps run to their end, for tests. Each runs the main
 * loop until the step finishes, and fails the test if that takes longer
 * than the client's own request timeout and some slack (scaled by
 * TL_TEST_SLOWDOWN): a step that never ends is a hang, not a slow
 * machine. The loop is polled, so that a test whose server runs in a
 * thread of the test is not waited on forever. */

/* A GAsyncReadyCallback: stores a reference to @result in *@user_data
 * (a GAsyncResult **, which must be NULL). */
void      tl_test_store_result         (GObject       *object,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
/* Until *@result is set, at most @max_seconds (scaled). */
void      tl_test_await_within         (GAsyncResult **result,
                                        guint          max_seconds);
/* Until *@result is set, at most one request's time (scaled). */
void      tl_test_await                (GAsyncResult **result);

gboolean  tl_test_client_login         (TlAuthClient  *client,
                                        const char    *username,
                                        const char    *password,
                                        GError       **error);
gboolean  tl_test_client_continue      (TlAuthClient  *client,
                                        GError       **error);
gboolean  tl_test_client_select_device (TlAuthClient  *client,
                                        const char    *device_id,
                                        GError       **error);
gboolean  tl_test_client_answer        (TlAuthClient  *client,
                                        const char    *response,
                                        GError       **error);
/* Until the push is decided: at most one long poll's time (scaled). */
gboolean  tl_test_client_wait_push     (TlAuthClient  *client,
                                        GError       **error);

G_END_DECLS
