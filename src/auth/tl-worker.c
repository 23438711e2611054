/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-worker"

#include "config.h"

#include <openssl/crypto.h>
#include <stdlib.h>

#include "tl-worker.h"

/* A process that ends while a worker is still at work (a CLI usage error
 * right after its TLS module started loading, Ctrl+C during the SRP
 * math) must not run exit()'s clean-ups under it: a dlopen() racing the
 * libraries' finalisers once ran GObject's constructor a second time,
 * and OpenSSL's clean-up frees what a running computation uses. */
static GMutex workers_mutex;
static GCond workers_done;
static guint workers_running;

static void
wait_for_workers (void)
{
  g_mutex_lock (&workers_mutex);
  while (workers_running > 0)
    g_cond_wait (&workers_done, &workers_mutex);
  g_mutex_unlock (&workers_mutex);

  /* Then OpenSSL's clean-up, which this handler took over. */
  OPENSSL_cleanup ();
}

static void
worker_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GTaskThreadFunc task_func = (GTaskThreadFunc) g_object_get_data (G_OBJECT (task), "tl-worker-func");

  task_func (task, source_object, task_data, cancellable);

  g_mutex_lock (&workers_mutex);
  if (--workers_running == 0)
    g_cond_broadcast (&workers_done);
  g_mutex_unlock (&workers_mutex);
}

void
tl_worker_run_in_thread (GTask           *task,
                         GTaskThreadFunc  task_func)
{
  static gsize registered;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (task_func != NULL);

  /* atexit() handlers run before the libraries' finalisers, and in the
   * reverse order of their registration. OpenSSL registers its clean-up
   * when it is first set up, which may come later, in a worker: its
   * handler would then run before this one. So OpenSSL is told not to
   * register one, and wait_for_workers() cleans up after the wait. Where
   * OpenSSL registered its handler already, it runs after this one, and
   * OPENSSL_cleanup() does nothing the second time. */
  if (g_once_init_enter (&registered))
    {
      OPENSSL_init_crypto (OPENSSL_INIT_NO_ATEXIT, NULL);
      atexit (wait_for_workers);
      g_once_init_leave (&registered, 1);
    }

  g_mutex_lock (&workers_mutex);
  workers_running++;
  g_mutex_unlock (&workers_mutex);

  g_object_set_data (G_OBJECT (task), "tl-worker-func", (gpointer) task_func);
  g_task_run_in_thread (task, worker_thread);
}

void
tl_worker_run_once (gsize           *once,
                    GTaskThreadFunc  task_func)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (once != NULL);
  g_return_if_fail (task_func != NULL);

  if (!g_once_init_enter (once))
    return;

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, task_func);
  tl_worker_run_in_thread (task, task_func);
  g_once_init_leave (once, 1);
}
