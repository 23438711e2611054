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

/* The members take their types from tl-http.h, so they cannot drift. */
typedef struct
{
  guint                                 version;
  __typeof__ (tl_http_session_new)      *session_new;
  __typeof__ (tl_http_session_abort)    *session_abort;
  __typeof__ (tl_http_request_async)    *request_async;
  __typeof__ (tl_http_request_finish)   *request_finish;
  __typeof__ (tl_http_preconnect)       *preconnect;
  __typeof__ (tl_http_load_tls_backend) *load_tls_backend;
} TlHttpModule;

typedef const TlHttpModule *(*TlHttpModuleEntry) (void);

G_END_DECLS
