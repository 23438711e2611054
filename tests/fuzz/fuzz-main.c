/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-main"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
# define FUZZ_HAVE_LSAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define FUZZ_HAVE_LSAN 1
# endif
#endif
#ifdef FUZZ_HAVE_LSAN
# include <sanitizer/lsan_interface.h>
#endif

#include "fuzz-common.h"

/* Runs every file named on the command line, or found directly in a
 * directory named there, through the target once: what libFuzzer does
 * with -runs=0, for compilers without libFuzzer (gcc). Each input gets a
 * buffer of exactly its size so that AddressSanitizer sees a read one
 * byte past the end. Exits non-zero when there was nothing to run, so a
 * lost corpus fails the test instead of passing empty. */

static gboolean
run_file (const char *path,
          guint      *count)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  uint8_t *exact;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "fuzz-main: %s\n", error->message);
      return FALSE;
    }

  /* Named before it runs, so the log of a crash says which input it was. */
  printf ("# %s\n", path);
  fflush (stdout);

  exact = g_malloc (MAX (length, 1));
  memcpy (exact, contents, length);
  LLVMFuzzerTestOneInput (exact, length);
  g_free (exact);

#ifdef FUZZ_HAVE_LSAN
  /* Checked after each input, so that a leak names its input as
   * libFuzzer does, instead of one report for the whole corpus at exit. */
  if (__lsan_do_recoverable_leak_check () != 0)
    {
      fprintf (stderr, "fuzz-main: %s leaks memory (report above)\n", path);
      return FALSE;
    }
#endif

  (*count)++;
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
run_directory (const char *path,
               guint      *count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      fprintf (stderr, "fuzz-main: %s\n", error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));

  /* The same order on every machine, so a failure names the same file. */
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);

      if (g_file_test (file, G_FILE_TEST_IS_REGULAR) && !run_file (file, count))
        return FALSE;
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *name = g_path_get_basename (argv[0]);
  guint count = 0;

  for (int i = 1; i < argc; i++)
    {
      gboolean ok;

      /* libFuzzer flags, so both kinds of binary take the same test arguments. */
      if (argv[i][0] == '-')
        continue;

      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        ok = run_directory (argv[i], &count);
      else
        ok = run_file (argv[i], &count);

      if (!ok)
        return EXIT_FAILURE;
    }

  if (count == 0)
    {
      fprintf (stderr, "fuzz-main: no inputs to run (give corpus files or directories)\n");
      return EXIT_FAILURE;
    }

  printf ("%s: ran %u inputs without a crash\n", name, count);
  return EXIT_SUCCESS;
}
