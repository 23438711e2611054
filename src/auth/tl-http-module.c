/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-http"

#include "config.h"

#include <gmodule.h>

#include "tl-http-module.h"

/* Built into the tlhttp module only, with every other symbol hidden:
 * this is the one the app looks up. */

G_MODULE_EXPORT const TlHttpModule *tl_http_module_get (void);

static const TlHttpModule module = {
  .version = TL_HTTP_MODULE_VERSION,
  .session_new = tl_http_session_new,
  .session_abort = tl_http_session_abort,
  .request_async = tl_http_request_async,
  .request_finish = tl_http_request_finish,
  .preconnect = tl_http_preconnect,
  .load_tls_backend = tl_http_load_tls_backend,
};

const TlHttpModule *
tl_http_module_get (void)
{
  return &module;
}
