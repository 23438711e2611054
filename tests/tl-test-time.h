/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TL_TEST_SLOWDOWN: how many times slower than a normal build the
 * programs under test may run; unset means 1. The sanitizer build sets it
 * for its own test run (tests/meson.build), where every process (the
 * tests, trading-authd, trading-login-cli, trading-key) is instrumented.
 *
 * Only bounds that say "this did not hang" or "this came back at once,
 * not after the next polling interval" are scaled: what such a bound
 * allows was picked for a normal build on a loaded machine. Timeouts that
 * are the behaviour under test (the client gives up after 20 s, a code
 * lives 30 s) and every count, order and result are never scaled: a slow
 * build must not make a wrong answer pass. */
static inline double
tl_test_slowdown (void)
{
  const char *value = g_getenv ("TL_TEST_SLOWDOWN");
  char *end = NULL;
  double factor;

  if (value == NULL || *value == '\0')
    return 1.0;

  factor = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0' || !(factor >= 1.0 && factor <= 100.0))
    g_error ("TL_TEST_SLOWDOWN=%s: expected a number from 1 to 100", value);

  return factor;
}

/* @seconds of a "did not hang" bound, scaled by TL_TEST_SLOWDOWN. */
static inline double
tl_test_scaled_seconds (double seconds)
{
  return seconds * tl_test_slowdown ();
}

/* The same in microseconds, for g_get_monotonic_time() arithmetic. */
static inline gint64
tl_test_scaled_usec (gint64 usec)
{
  return (gint64) ((double) usec * tl_test_slowdown ());
}

/* Whether durations measured in this run stand for a normal build's. Not
 * under the sanitizers: there every allocation and memory access costs
 * extra, so two code paths that take the same time in a normal build
 * differ by how much they allocate. Comparisons of such durations (a
 * timing side channel) are made in the normal build only. */
static inline gboolean
tl_test_durations_are_representative (void)
{
  return tl_test_slowdown () <= 1.0;
}

G_END_DECLS
