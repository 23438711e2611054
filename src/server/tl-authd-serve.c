/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-serve"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "tl-authd-serve.h"

#define DEFAULT_PORT 4443
/* Long enough for the answers to waiting long polls to go out. */
#define DRAIN_MILLISECONDS 300

typedef struct
{
  GMainLoop     *loop;
  TlAuthdServer *server;
  gboolean       stopping;
} Serve;

static gboolean
on_drained (gpointer user_data)
{
  Serve *serve = user_data;

  g_main_loop_quit (serve->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer user_data)
{
  Serve *serve = user_data;

  if (serve->stopping)
    return G_SOURCE_CONTINUE;

  serve->stopping = TRUE;
  g_message ("Shutting down");
  tl_authd_server_shutdown (serve->server);
  g_timeout_add (DRAIN_MILLISECONDS, on_drained, serve);

  return G_SOURCE_CONTINUE;
}

int
tl_authd_serve_run (TlAuthdDb           *db,
                    GTlsCertificate     *certificate,
                    const TlAuthdConfig *config,
                    const char          *address,
                    guint                port,
                    TlAuthdReadyFunc     ready,
                    gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  Serve serve = { 0 };
  guint term_id, int_id;

  server = tl_authd_server_new (db, certificate, config);
  if (!tl_authd_server_listen (server, address, port, &error))
    {
      g_printerr (_("Could not listen on %s port %u: %s\n"), address, port, error->message);
      return 1;
    }

  if (ready != NULL && !ready (server, user_data, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  url = tl_authd_server_dup_url (server);
  g_message ("Listening on %s (live/ and paper/)", url);

  loop = g_main_loop_new (NULL, FALSE);
  serve.loop = loop;
  serve.server = server;
  term_id = g_unix_signal_add (SIGTERM, on_signal, &serve);
  int_id = g_unix_signal_add (SIGINT, on_signal, &serve);

  g_main_loop_run (loop);

  g_source_remove (term_id);
  g_source_remove (int_id);
  tl_authd_server_disconnect (server);
  g_clear_object (&server);

  /* Let the closed connections finish closing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_message ("Stopped");

  return 0;
}

gboolean
tl_authd_parse_listen (const char  *text,
                       char       **out_address,
                       guint       *out_port,
                       GError     **error)
{
  g_autofree char *address = NULL;
  const char *port_text = NULL;
  guint64 port = DEFAULT_PORT;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || (end[1] != '\0' && end[1] != ':'))
        goto invalid;
      address = g_strndup (text + 1, end - text - 1);
      if (end[1] == ':')
        port_text = end + 2;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon != NULL && strchr (text, ':') == colon)
        {
          address = g_strndup (text, colon - text);
          port_text = colon + 1;
        }
      else
        {
          address = g_strdup (text);
        }
    }

  if (port_text != NULL &&
      !g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &port, NULL))
    goto invalid;

  if (!g_hostname_is_ip_address (address))
    goto invalid;

  *out_address = g_steal_pointer (&address);
  *out_port = (guint) port;
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not ADDRESS:PORT. Use for example 127.0.0.1:4443 or [::1]:4443."), text);
  return FALSE;
}
