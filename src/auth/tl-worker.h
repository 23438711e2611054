/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* g_task_run_in_thread() for short work inside libraries that exit()
 * tears down (OpenSSL's atexit clean-up, the finalisers a dlopen() would
 * race): the process's exit() waits until every such worker has
 * returned. Only for work that ends by itself in milliseconds; never for
 * a call that can wait on another process. */
void tl_worker_run_in_thread (GTask           *task,
                              GTaskThreadFunc  task_func);

/* Runs @task_func once per @once (a static gsize, 0 at first) in such a
 * worker, on a task nobody waits for: set-up done ahead of its first use. */
void tl_worker_run_once      (gsize           *once,
                              GTaskThreadFunc  task_func);

G_END_DECLS
