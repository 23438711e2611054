/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "tl-server-profile.h"

G_BEGIN_DECLS

/* Private to libtlauth: one request to a login server, with the limits
 * the contract sets (64 KiB bodies, JSON, no redirects) and the trust
 * rules of a profile (system CAs or exactly the pinned certificate). */

#define TL_HTTP_CONNECT_TIMEOUT    10
#define TL_HTTP_REQUEST_TIMEOUT    20
/* The server holds a long poll for at most 25 s. */
#define TL_HTTP_LONG_POLL_TIMEOUT  35

SoupSession *tl_http_session_new          (TlServerProfile     *profile);
/* Cancels every request and closes the connections; NULL does nothing. */
void         tl_http_session_abort        (SoupSession         *session);

/* Sets the session's trust database for @profile (the trust-nothing pin
 * database, or the system's CAs), once; loads the TLS backend if no one
 * has yet. Requests and preconnects call it; tests may, to look. */
void         tl_http_session_apply_trust  (SoupSession         *session,
                                           TlServerProfile     *profile);

/* @body: a JSON object or NULL (GET). @bearer: a session token or NULL.
 * @scope: a second cancellable (the whole login), may be NULL. */
void         tl_http_request_async        (SoupSession         *session,
                                           TlServerProfile     *profile,
                                           const char          *method,
                                           const char          *path,
                                           GBytes              *body,
                                           const char          *bearer,
                                           guint                timeout_seconds,
                                           GCancellable        *cancellable,
                                           GCancellable        *scope,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* Returns the body of a 2xx answer. Otherwise NULL and @error:
 * G_IO_ERROR_CANCELLED; TL_AUTH_ERROR_NETWORK, _CERTIFICATE, _PROTOCOL,
 * _INVALID_INPUT (the profile); or the wire code of the server's error
 * body, which then goes to @out_error_body (the caller writes the
 * sentence a person sees). */
JsonObject  *tl_http_request_finish       (GAsyncResult        *result,
                                           JsonObject         **out_error_body,
                                           GError             **error);

/* Opens a connection (TCP and TLS, with the profile's trust rule) that
 * the next request takes over, so the handshake can overlap other work;
 * the first one in a process loads the TLS backend in a thread first.
 * Failures are left for that request to report. */
void         tl_http_preconnect           (SoupSession         *session,
                                           TlServerProfile     *profile,
                                           GCancellable        *cancellable);

/* Loads the TLS backend in a thread, as the first preconnect does, for
 * a program that will connect later (the app, while the person types).
 * Does nothing once it is loaded or loading. */
void         tl_http_load_tls_backend     (void);

/* "ab:cd:…", for people comparing fingerprints. */
char        *tl_http_format_fingerprint   (const char          *hex);


G_END_DECLS
