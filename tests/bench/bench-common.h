/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Shared by the bench programs: the demo server's data file, HTTPS with
 * a pinned certificate, JSON requests, waiting on the main loop. The
 * bench programs take file paths, never secrets, on their command line. */

JsonObject  *bench_read_json          (const char   *path);
/* The user of @mode ("live" or "paper") in a demo.json. */
JsonObject  *bench_demo_user          (JsonObject   *demo,
                                       const char   *mode);
/* The first device of @kind of @user, or NULL. */
JsonObject  *bench_user_device        (JsonObject   *user,
                                       const char   *kind);
const char  *bench_demo_base_url      (JsonObject   *demo,
                                       const char   *mode);

/* A session that trusts exactly the certificate with SHA-256 @pin. */
SoupSession *bench_session_new        (const char   *pin,
                                       guint         max_connections);
/* POSTs @body (a JSON object, consumed) to @url. */
void         bench_post_async         (SoupSession  *session,
                                       const char   *url,
                                       JsonObject   *body,
                                       GAsyncReadyCallback callback,
                                       gpointer      user_data);
/* The answer's object (any status) and its status in @status; NULL and
 * @error when there was no JSON answer. */
JsonObject  *bench_post_finish        (SoupSession  *session,
                                       GAsyncResult *result,
                                       guint        *status,
                                       GError      **error);
/* Synchronous, by iterating the default main context. */
JsonObject  *bench_post               (SoupSession  *session,
                                       const char   *url,
                                       JsonObject   *body,
                                       guint        *status,
                                       GError      **error);

/* Iterates the default main context until *@flag is TRUE, or aborts
 * after @timeout_ms saying @what. */
void         bench_wait_flag          (gboolean     *flag,
                                       guint         timeout_ms,
                                       const char   *what);
double       bench_now_ms             (void);
int          bench_compare_doubles    (gconstpointer a,
                                       gconstpointer b);
double       bench_median             (GArray       *values);

G_END_DECLS
