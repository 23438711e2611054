/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-slow-dlopen"

#include "config.h"

/* Preloaded (LD_PRELOAD) into one trading-login-cli run by test-cli:
 * loading glib-networking's TLS module becomes slow, and once it is
 * loaded this says so on standard error. A process that exits while the
 * module is still loading never says it: that exit is the race in which
 * the load runs GObject's constructor a second time (src/auth/tl-http.c).
 * Not GLib: this runs inside dlopen() of whatever process preloads it. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOW_MODULE "libgiognutls"
#define DELAY_MS 300

void *
dlopen (const char *filename,
        int         flags)
{
  static void *(*next_dlopen) (const char *, int);
  int slow = filename != NULL && strstr (filename, SLOW_MODULE) != NULL;
  void *handle;

  if (next_dlopen == NULL)
    next_dlopen = (void *(*) (const char *, int)) dlsym (RTLD_NEXT, "dlopen");

  if (slow)
    {
      struct timespec delay = { 0, DELAY_MS * 1000000L };

      nanosleep (&delay, NULL);
    }

  handle = next_dlopen (filename, flags);

  if (slow)
    {
      static const char said[] = "tl-slow-dlopen: " SLOW_MODULE " loaded\n";

      if (write (STDERR_FILENO, said, sizeof said - 1) < 0)
        return handle;
    }

  return handle;
}
