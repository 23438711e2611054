/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-slow-preload"

#include "config.h"

/* Preloaded (LD_PRELOAD) into trading-login-cli by test-cli, to make two
 * pieces of work that run in worker threads slow enough for a test to
 * end the process in the middle of them:
 *  - loading glib-networking's TLS module (dlopen());
 *  - the SRP math (BN_mod_exp()).
 * Each says on standard error when it starts and when it is done. A
 * process whose exit() does not wait for its workers (src/auth/
 * tl-worker.c) ends before "done": the race in which a load re-ran
 * GObject's constructor. The math also says whether OpenSSL was cleaned
 * up under it, which freed what it used.
 * Not GLib: this runs inside whatever process preloads it. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOW_MODULE "libgiognutls"
#define DELAY_MS 300

static void
say (const char *text)
{
  if (write (STDERR_FILENO, text, strlen (text)) < 0)
    return;
}

static void
slow_down (void)
{
  struct timespec delay = { 0, DELAY_MS * 1000000L };

  nanosleep (&delay, NULL);
}

void *
dlopen (const char *filename,
        int         flags)
{
  static void *(*next) (const char *, int);
  int slow = filename != NULL && strstr (filename, SLOW_MODULE) != NULL;
  void *handle;

  if (next == NULL)
    next = (void *(*) (const char *, int)) dlsym (RTLD_NEXT, "dlopen");

  if (slow)
    {
      say ("tl-slow-preload: " SLOW_MODULE " loading\n");
      slow_down ();
    }
  handle = next (filename, flags);
  if (slow)
    say ("tl-slow-preload: " SLOW_MODULE " loaded\n");

  return handle;
}

int
BN_mod_exp (BIGNUM       *r,
            const BIGNUM *a,
            const BIGNUM *p,
            const BIGNUM *m,
            BN_CTX       *ctx)
{
  static int (*next) (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *);
  int ok;

  if (next == NULL)
    next = (int (*) (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *))
             dlsym (RTLD_NEXT, "BN_mod_exp");

  say ("tl-slow-preload: BN_mod_exp started\n");
  slow_down ();
  ok = next (r, a, p, m, ctx);
  /* Fails once OPENSSL_cleanup() has run. */
  if (OPENSSL_init_crypto (OPENSSL_INIT_LOAD_CONFIG, NULL) == 1)
    say ("tl-slow-preload: BN_mod_exp done\n");
  else
    say ("tl-slow-preload: BN_mod_exp outlived OpenSSL's clean-up\n");

  return ok;
}
