/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-stall"

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench-common.h"
#include "tl-code-page.h"
#include "tl-login-page.h"
#include "tl-otp.h"
#include "tl-otpauth.h"
#include "tl-window.h"

/* Main-loop stalls during a GUI login: the app's real window (TlWindow)
 * logs in (SRP + TOTP) against trading-authd while a 1 ms timeout
 * records the gaps between its runs. A gap is time in which the window
 * could not draw or take input.
 *
 *   bench-stall USERS_JSON
 *
 * USERS_JSON: {"base_url", "mode", "pin", "users": [{"username",
 * "password", "otpauth_uri"}, …]}; each user has only a TOTP device, and
 * each is used once, so no TOTP step is used twice. The first login
 * warms up and is not counted. Prints one JSON object. */

#define PAGE_TIMEOUT_MS 30000

typedef struct
{
  gboolean on;
  double   last;
  double   max_gap;
  guint    ticks;
  GArray  *gaps;
  /* Frames drawn while on: how long from the frame clock's before-paint
   * phase to the end of its paint (layout included), to tell a frame's
   * work apart from other stalls. Not from "layout": GTK's own layout
   * handler runs before ours, so the layout would not be counted. */
  double   frame_start;
  double   max_frame;
  GArray  *frames;
  /* The main thread's time waiting for a CPU (/proc schedstat): a gap
   * minus that wait is what the main thread itself spent, working or
   * blocked; the rest is other processes on the shared cores. */
  int      schedstat_fd;
  double   last_wait;
  double   max_own_gap;
} Ticker;

/* Milliseconds this thread has waited on a run queue so far. */
static double
runqueue_wait_ms (Ticker *ticker)
{
  char buffer[128];
  ssize_t length;
  char *end;

  if (ticker->schedstat_fd < 0)
    return 0;

  length = pread (ticker->schedstat_fd, buffer, sizeof buffer - 1, 0);
  if (length <= 0)
    return 0;
  buffer[length] = '\0';

  /* "cpu_ns wait_ns timeslices" */
  g_ascii_strtoull (buffer, &end, 10);
  return g_ascii_strtoull (end, NULL, 10) / 1e6;
}

static gboolean
tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  double now = bench_now_ms ();
  double wait = runqueue_wait_ms (ticker);

  if (ticker->on)
    {
      double gap = now - ticker->last;

      ticker->max_gap = MAX (ticker->max_gap, gap);
      ticker->max_own_gap = MAX (ticker->max_own_gap, gap - (wait - ticker->last_wait));
      ticker->ticks++;
      g_array_append_val (ticker->gaps, gap);
    }
  ticker->last = now;
  ticker->last_wait = wait;

  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Ticker        *ticker)
{
  ticker->frame_start = bench_now_ms ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Ticker        *ticker)
{
  double frame;

  if (!ticker->on || ticker->frame_start <= 0)
    return;

  frame = bench_now_ms () - ticker->frame_start;
  ticker->max_frame = MAX (ticker->max_frame, frame);
  g_array_append_val (ticker->frames, frame);
  ticker->frame_start = 0;
}

static GtkWidget *
template_child (TlWindow   *window,
                const char *page_name,
                GType       page_type,
                const char *name)
{
  TlPage *page = tl_window_get_page (window, page_name);
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (page), page_type, name);

  if (child == NULL)
    g_error ("No %s in the %s page", name, page_name);

  return GTK_WIDGET (child);
}

static void
spin (guint ms)
{
  double until = bench_now_ms () + ms;

  while (bench_now_ms () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
wait_page (TlWindow   *window,
           const char *name)
{
  double deadline = bench_now_ms () + PAGE_TIMEOUT_MS;

  while (!g_str_equal (tl_window_get_page_name (window), name))
    {
      if (bench_now_ms () > deadline)
        {
          GtkWidget *error_label = template_child (window, "login", TL_TYPE_LOGIN_PAGE, "error_label");

          g_error ("Waited for the “%s” page, still on “%s” (login error: “%s”)", name,
                   tl_window_get_page_name (window), gtk_label_get_text (GTK_LABEL (error_label)));
        }
      /* Blocking: the ticker wakes the loop every millisecond. */
      g_main_context_iteration (NULL, TRUE);
    }
}

static char *
current_code (const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOtpauth) params = tl_otpauth_parse (uri, &error);
  const guint8 *key;
  gsize length;
  char *code;

  g_assert_no_error (error);
  key = g_bytes_get_data (params->secret, &length);
  code = tl_totp (params->algorithm, key, length, g_get_real_time () / G_USEC_PER_SEC,
                  params->period, params->digits, &error);
  g_assert_no_error (error);

  return code;
}

typedef struct
{
  double max_gap_ms;
  double max_own_gap_ms;
  double max_frame_ms;
  double srp_max_gap_ms;
  double code_max_gap_ms;
  double login_ms;
  guint  ticks;
} Round;

static Round
one_login (TlWindow   *window,
           Ticker     *ticker,
           TlMode      mode,
           JsonObject *user)
{
  g_autofree char *code = NULL;
  TlLoginPage *login_page;
  GtkWidget *code_row;
  Round round = { 0 };
  double started;

  if (g_str_equal (tl_window_get_page_name (window), "resume"))
    g_action_group_activate_action (G_ACTION_GROUP (window), "skip-resume", NULL);
  wait_page (window, "login");

  login_page = TL_LOGIN_PAGE (tl_window_get_page (window, "login"));
  tl_login_page_set_mode (login_page, mode);
  if (tl_login_page_get_mode (login_page) != mode)
    g_error ("The login page did not take the mode");
  gtk_editable_set_text (GTK_EDITABLE (template_child (window, "login", TL_TYPE_LOGIN_PAGE, "username_row")),
                         json_object_get_string_member (user, "username"));
  gtk_editable_set_text (GTK_EDITABLE (template_child (window, "login", TL_TYPE_LOGIN_PAGE, "password_row")),
                         json_object_get_string_member (user, "password"));
  spin (200);
  if (!g_action_group_get_action_enabled (G_ACTION_GROUP (window), "log-in"))
    g_error ("Log in is not enabled");

  /* From the press of the button to the session page. */
  ticker->max_gap = 0;
  ticker->max_frame = 0;
  ticker->max_own_gap = 0;
  ticker->ticks = 0;
  ticker->last = bench_now_ms ();
  ticker->last_wait = runqueue_wait_ms (ticker);
  ticker->on = TRUE;
  started = bench_now_ms ();

  g_action_group_activate_action (G_ACTION_GROUP (window), "log-in", NULL);
  wait_page (window, "code");
  round.srp_max_gap_ms = ticker->max_gap;
  ticker->max_gap = 0;

  code = current_code (json_object_get_string_member (user, "otpauth_uri"));
  code_row = template_child (window, "code", TL_TYPE_CODE_PAGE, "code_row");
  gtk_editable_set_text (GTK_EDITABLE (code_row), code);
  gtk_widget_grab_focus (code_row);
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (code_row)), "activate");
  wait_page (window, "session");

  round.login_ms = bench_now_ms () - started;
  round.code_max_gap_ms = ticker->max_gap;
  round.max_gap_ms = MAX (round.srp_max_gap_ms, round.code_max_gap_ms);
  round.ticks = ticker->ticks;
  round.max_frame_ms = ticker->max_frame;
  round.max_own_gap_ms = ticker->max_own_gap;
  ticker->on = FALSE;

  /* The page's own work after the login (keyring), then out again. */
  spin (300);
  g_action_group_activate_action (G_ACTION_GROUP (window), "log-out", NULL);
  wait_page (window, "login");
  spin (300);

  return round;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GArray) max_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) srp_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) code_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) logins = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) own_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  GdkFrameClock *frame_clock;
  Ticker ticker = { 0 };
  JsonArray *users;
  TlWindow *window;
  TlMode mode;
  guint gaps_over_10 = 0;

  if (argc != 2)
    {
      g_printerr ("Usage: bench-stall USERS_JSON\n");
      return 2;
    }

  setlocale (LC_ALL, "");
  gtk_init ();
  adw_init ();

  data = bench_read_json (argv[1]);
  if (!tl_mode_from_string (json_object_get_string_member (data, "mode"), &mode))
    g_error ("Bad mode");
  users = json_object_get_array_member (data, "users");
  if (json_array_get_length (users) < 2)
    g_error ("Need at least two users");

  /* What AdwApplication would load for the app. */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, RESOURCE_PATH "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  settings = g_settings_new (BASE_APP_ID);
  g_settings_set_string (settings, mode == TL_MODE_PAPER ? "paper-url" : "live-url",
                         json_object_get_string_member (data, "base_url"));
  g_settings_set_string (settings, mode == TL_MODE_PAPER ? "paper-pin-sha256" : "live-pin-sha256",
                         json_object_get_string_member (data, "pin"));

  window = tl_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 440, 720);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  spin (500);

  ticker.gaps = g_array_new (FALSE, FALSE, sizeof (double));
  ticker.frames = g_array_new (FALSE, FALSE, sizeof (double));
  ticker.schedstat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  g_timeout_add (1, tick_cb, &ticker);
  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (before_paint_cb), &ticker);
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), &ticker);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      Round round = one_login (window, &ticker, mode, json_array_get_object_element (users, i));

      if (i == 0)
        {
          g_array_set_size (ticker.gaps, 0);
          g_array_set_size (ticker.frames, 0);
          continue;
        }

      g_array_append_val (max_gaps, round.max_gap_ms);
      g_array_append_val (srp_gaps, round.srp_max_gap_ms);
      g_array_append_val (code_gaps, round.code_max_gap_ms);
      g_array_append_val (logins, round.login_ms);
      g_array_append_val (frames, round.max_frame_ms);
      g_array_append_val (own_gaps, round.max_own_gap_ms);
    }

  g_array_sort (ticker.gaps, bench_compare_doubles);
  for (guint i = 0; i < ticker.gaps->len; i++)
    if (g_array_index (ticker.gaps, double, i) > 10)
      gaps_over_10++;

  g_print ("{\"max_gap_ms\": [");
  for (guint i = 0; i < max_gaps->len; i++)
    g_print ("%s%.3f", i > 0 ? ", " : "", g_array_index (max_gaps, double, i));
  g_print ("], \"median_max_gap_ms\": %.3f, \"median_max_own_gap_ms\": %.3f, \"median_srp_max_gap_ms\": %.3f, "
           "\"median_code_max_gap_ms\": %.3f, \"median_login_ms\": %.3f, "
           "\"median_max_frame_ms\": %.3f, \"median_frame_ms\": %.3f, \"frames\": %u, "
           "\"p99_gap_ms\": %.3f, \"ticks\": %u, \"gaps_over_10ms\": %u}\n",
           bench_median (max_gaps), bench_median (own_gaps), bench_median (srp_gaps), bench_median (code_gaps),
           bench_median (logins), bench_median (frames), bench_median (ticker.frames), ticker.frames->len,
           ticker.gaps->len > 0 ? g_array_index (ticker.gaps, double, (guint) (ticker.gaps->len * 0.99)) : 0,
           ticker.gaps->len, gaps_over_10);

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (ticker.gaps);
  g_array_unref (ticker.frames);
  if (ticker.schedstat_fd >= 0)
    close (ticker.schedstat_fd);

  return 0;
}
