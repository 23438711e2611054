/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-idle"

#include "config.h"

#include "tl-authd-idle.h"

struct _TlAuthdIdle
{
  SoupServer *soup;
  GHashTable *connections;   /* GSocket -> Connection */
  gint64      timeout_us;
  guint       sweep_id;
  gulong      started_id;
  gulong      finished_id;
  gulong      aborted_id;
};

typedef struct
{
  TlAuthdIdle *self;
  GSocket  *socket;          /* weak: libsoup owns the connection */
  gint64    idle_since;      /* 0 while a request is being read or answered */
  gboolean  shut_down;
} Connection;

static void on_socket_finalized (gpointer  data,
                                 GObject  *where_the_object_was);

static void
connection_free (Connection *connection)
{
  if (connection->socket != NULL)
    g_object_weak_unref (G_OBJECT (connection->socket), on_socket_finalized, connection);
  g_free (connection);
}

static void
on_socket_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  Connection *connection = data;

  connection->socket = NULL;
  g_hash_table_remove (connection->self->connections, where_the_object_was);
}

/* The connection @msg came on; with @add, tracked from now on if it was
 * not yet. */
static Connection *
lookup (TlAuthdIdle       *self,
        SoupServerMessage *msg,
        gboolean           add)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *connection;

  if (socket == NULL)
    return NULL;

  connection = g_hash_table_lookup (self->connections, socket);
  if (connection == NULL && add)
    {
      connection = g_new0 (Connection, 1);
      connection->self = self;
      connection->socket = socket;
      g_object_weak_ref (G_OBJECT (socket), on_socket_finalized, connection);
      g_hash_table_insert (self->connections, socket, connection);
    }

  return connection;
}

/* Request-started comes with the first bytes of a request, so a
 * connection waiting for its next request counts as idle. */
static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    TlAuthdIdle       *self)
{
  Connection *connection = lookup (self, msg, TRUE);

  if (connection != NULL)
    connection->idle_since = 0;
}

static void
on_request_ended (SoupServer        *soup,
                  SoupServerMessage *msg,
                  TlAuthdIdle       *self)
{
  Connection *connection = lookup (self, msg, FALSE);

  if (connection != NULL)
    connection->idle_since = g_get_monotonic_time ();
}

/* Two steps: shutting the socket down lets libsoup read an end of
 * stream on a descriptor that is still valid and drop its own watch;
 * the descriptor is closed one sweep later. */
static gboolean
sweep (gpointer user_data)
{
  TlAuthdIdle *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Connection *connection;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    {
      if (g_socket_is_closed (connection->socket))
        {
          g_hash_table_iter_remove (&iter);
        }
      else if (connection->shut_down)
        {
          g_socket_close (connection->socket, NULL);
          g_hash_table_iter_remove (&iter);
        }
      else if (connection->idle_since != 0 &&
               now - connection->idle_since >= self->timeout_us)
        {
          g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
          connection->shut_down = TRUE;
        }
    }

  return G_SOURCE_CONTINUE;
}

TlAuthdIdle *
tl_authd_idle_new (SoupServer *soup,
                   guint       timeout_seconds)
{
  TlAuthdIdle *self = g_new0 (TlAuthdIdle, 1);

  g_return_val_if_fail (timeout_seconds > 0, NULL);

  self->soup = g_object_ref (soup);
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  self->timeout_us = (gint64) timeout_seconds * G_USEC_PER_SEC;
  self->started_id = g_signal_connect (soup, "request-started",
                                       G_CALLBACK (on_request_started), self);
  self->finished_id = g_signal_connect (soup, "request-finished",
                                        G_CALLBACK (on_request_ended), self);
  self->aborted_id = g_signal_connect (soup, "request-aborted",
                                       G_CALLBACK (on_request_ended), self);
  self->sweep_id = g_timeout_add_seconds (MAX (1, timeout_seconds / 4), sweep, self);

  return self;
}

void
tl_authd_idle_free (TlAuthdIdle *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_signal_handler (&self->started_id, self->soup);
  g_clear_signal_handler (&self->finished_id, self->soup);
  g_clear_signal_handler (&self->aborted_id, self->soup);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_object (&self->soup);
  g_free (self);
}
