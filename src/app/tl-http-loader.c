/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-http-loader"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "tl-auth-error.h"
#include "tl-http-module.h"
#include "tl-worker.h"

/* The desktop app's tl-http: the same API, served by the tlhttp module
 * (docs/performance.md). Linked into trading-login in place of
 * libtlauth's tl-http.o, so the executable does not need libsoup and the
 * first frame does not pay for loading it. The window asks for the TLS
 * backend right after that frame (tl_http_load_tls_backend), which loads
 * the module in a worker; anything that needs it sooner waits for it. */

static const TlHttpModule *module;
static char *load_error;

static const TlHttpModule *
load_module (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const char *dir = g_getenv ("TL_HTTP_MODULE_DIR");
      g_autofree char *path = g_module_build_path (dir != NULL && *dir != '\0' ? dir : PKGLIBDIR,
                                                   TL_HTTP_MODULE_NAME);
      GModule *gmodule = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
      TlHttpModuleEntry entry = NULL;

      if (gmodule == NULL)
        load_error = g_strdup (g_module_error ());
      else if (!g_module_symbol (gmodule, TL_HTTP_MODULE_ENTRY, (gpointer *) &entry) ||
               entry == NULL || entry ()->version != TL_HTTP_MODULE_VERSION)
        load_error = g_strdup_printf (_("%s is not the module this version of Trading Login needs"), path);
      else
        {
          g_module_make_resident (gmodule);
          module = entry ();
        }

      if (module == NULL)
        {
          g_clear_pointer (&gmodule, g_module_close);
          g_message ("Could not load the network module: %s", load_error);
        }

      g_once_init_leave (&done, 1);
    }

  return module;
}

static GError *
load_error_new (void)
{
  return g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                      _("Trading Login could not load its network module (%s). Reinstall Trading Login."),
                      load_error);
}

SoupSession *
tl_http_session_new (TlServerProfile *profile)
{
  /* NULL when the module is missing: every request then says so. */
  return load_module () != NULL ? module->session_new (profile) : NULL;
}

void
tl_http_session_abort (SoupSession *session)
{
  if (session != NULL)
    module->session_abort (session);
}

void
tl_http_request_async (SoupSession         *session,
                       TlServerProfile     *profile,
                       const char          *method,
                       const char          *path,
                       GBytes              *body,
                       const char          *bearer,
                       guint                timeout_seconds,
                       GCancellable        *cancellable,
                       GCancellable        *scope,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (session != NULL)
    {
      module->request_async (session, profile, method, path, body, bearer, timeout_seconds,
                             cancellable, scope, callback, user_data);
      return;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_http_request_async);
  g_task_return_error (task, load_error_new ());
}

JsonObject *
tl_http_request_finish (GAsyncResult  *result,
                        JsonObject   **out_error_body,
                        GError       **error)
{
  if (g_async_result_is_tagged (result, tl_http_request_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return module->request_finish (result, out_error_body, error);
}

void
tl_http_preconnect (SoupSession     *session,
                    TlServerProfile *profile,
                    GCancellable    *cancellable)
{
  if (session != NULL)
    module->preconnect (session, profile, cancellable);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  if (load_module () != NULL)
    module->load_tls_backend ();
  g_task_return_boolean (task, TRUE);
}

void
tl_http_load_tls_backend (void)
{
  static gsize started;

  tl_worker_run_once (&started, load_thread);
}
