/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-http.h"

G_BEGIN_DECLS

/* What the tlhttp module (tl-http.c and libsoup behind it) gives the
 * desktop app, which loads it only after its first frame: libsoup and
 * the twelve libraries it pulls in cost the first frame about 3%.
 * The module resolves the rest of libtlauth from the app's executable.
 * Bump the version whenever a member changes. */

#define TL_HTTP_MODULE_VERSION 1
#define TL_HTTP_MODULE_ENTRY   "tl_http_module_get"
#define TL_HTTP_MODULE_NAME    "tlhttp"

typedef struct
{
  guint         version;
  SoupSession *(*session_new)      (TlServerProfile     *profile);
  void         (*session_abort)    (SoupSession         *session);
  void         (*request_async)    (SoupSession         *session,
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
  JsonObject  *(*request_finish)   (GAsyncResult        *result,
                                    JsonObject         **out_error_body,
                                    GError             **error);
  void         (*preconnect)       (SoupSession         *session,
                                    TlServerProfile     *profile,
                                    GCancellable        *cancellable);
  void         (*load_tls_backend) (void);
} TlHttpModule;

typedef const TlHttpModule *(*TlHttpModuleEntry) (void);

G_END_DECLS
