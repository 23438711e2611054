/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-hostile"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <libsoup/soup.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tl-auth-client.h"
#include "tl-auth-error.h"
#include "tl-message.h"
#include "tl-srp.h"
#include "tl-test-cert.h"
#include "tl-test-client.h"
#include "tl-test-server.h"
#include "tl-test-time.h"

/* Hostile servers: a man in the middle on loopback, in front of a real
 * trading-authd. Each test starts a proxy of its own (a TLS listener
 * whose connections are handled in threads, byte by byte), points a
 * TlAuthClient at it, and makes the proxy misbehave at one request: a
 * wrong or expired certificate, plain HTTP, tampered SRP values, bodies
 * that are not JSON, cut short or huge, silence, a drip, a dropped long
 * poll, a redirect. The person must get a clear TL_AUTH_ERROR (its code,
 * and a message that is a sentence), nothing may crash or hang past the
 * client's own timeouts, and then the proxy turns honest and the SAME
 * client logs in for real: a hostile answer leaves nothing broken. Each
 * client is checked to be finalized at the end (no reference leaks).
 *
 * test-auth-client.c already covers, against a scripted server: an M2
 * made up by a server without the verifier, an HTML body at the first
 * step, missing fields, wrong types, a 302 at the first step, a weak
 * group, 10 MB bodies with a length or chunked at the first step, a
 * server that never completes the TLS handshake, an untrusted or wrongly
 * pinned certificate, a closed port, and push waits that drop or fail
 * until the deadline. This file does not repeat those. */

/* The client's own limits (src/auth/tl-http.h), measured here as a
 * person would feel them. */
#define REQUEST_TIMEOUT_S   20
#define LONG_POLL_TIMEOUT_S 35
/* How far past a timeout a step may end on a busy machine: a "did not
 * hang" bound, so the sanitizer build allows more (tests/tl-test-time.h).
 * The timeouts themselves are never scaled. */
#define SLACK_S             ((guint) tl_test_scaled_seconds (6))
#define HUGE_SIZE           (10 * 1024 * 1024)
#define PASSWORD            "hostile-password"

static TlTestServer *authd;
static char *upstream_origin;       /* https://127.0.0.1:PORT */
static GTlsCertificate *good_certificate;
static char *good_sha256;
static char *ibkey_device_id;
static GBytes *ibkey_secret;

/* The man in the middle ---------------------------------------------- */

typedef enum
{
  TRICK_PASS,             /* relay the real server's answer */
  TRICK_PLAIN_HTTP,       /* no TLS at all: an HTTP error page in clear text */
  TRICK_SILENT,           /* read the request, then say nothing */
  TRICK_DRIP,             /* the real answer, one byte every drip_ms */
  TRICK_DRIP_FOREVER,     /* a 200 without length, then a space every drip_ms */
  TRICK_DRIP_HEADERS,     /* a status line, then a header line every drip_ms */
  TRICK_TRUNCATE,         /* real length, half the body, then the socket is cut */
  TRICK_TRUNCATE_CLEAN,   /* the same, with a clean TLS close */
  TRICK_TRUNCATE_CHUNKED, /* half of a chunk, then a clean close */
  TRICK_HUGE_EOF,         /* 10 MB with neither length nor chunks */
  TRICK_HUGE_ERROR,       /* a 401 of 10 MB */
  TRICK_HUGE_HEADER,      /* a 10 MB header line */
  TRICK_CANNED,           /* canned_status, canned_type, canned_body */
  TRICK_EDIT,             /* the real answer, changed by edit() */
  TRICK_REDIRECT,         /* 307 to redirect_to */
  TRICK_DROP,             /* close without a byte */
  TRICK_DROP_LATE,        /* wait drip_ms, then close without a byte */
  TRICK_CANNED_HALF,      /* the canned answer's length, half of it, a clean close */
} Trick;

typedef struct _Proxy Proxy;
typedef void (*EditFunc) (JsonObject *answer);

struct _Proxy
{
  GSocketService  *service;
  GCancellable    *cancellable;
  guint            port;
  char            *base_url;

  GMutex           mutex;
  GCond            cond;
  gboolean         stopping;
  guint            active;

  /* What to do (under the mutex: the test changes it while threads run). */
  GTlsCertificate *certificate;    /* NULL: plain TCP */
  GPtrArray       *rules;          /* of Rule, the first that matches a request plays */
  guint            canned_status;
  char            *canned_type;
  GBytes          *canned_body;
  EditFunc         edit;
  guint            drip_ms;
  char            *redirect_to;

  /* What happened. */
  guint            connections;
  guint            handshakes;
  guint            requests;
  GArray          *arrivals;       /* monotonic µs of each request a rule matched */
  GArray          *trick_times;    /* monotonic µs when a trick started */
  GArray          *end_times;      /* when the client gave up on it */
  guint64          huge_bytes_sent;
};

/* Requests whose path ends in @target get the tricks in turn (the last
 * for ever when @forever); once they are used up, the real answer. */
typedef struct
{
  char     *target;
  GArray   *tricks;
  guint     next;
  gboolean  forever;
} Rule;

static void
rule_free (Rule *rule)
{
  g_free (rule->target);
  g_array_unref (rule->tricks);
  g_free (rule);
}

typedef struct
{
  char               *method;
  char               *path;
  SoupMessageHeaders *headers;
  GBytes             *body;
} Request;

typedef struct
{
  guint   status;
  char   *content_type;
  GBytes *body;
} Answer;

static void
request_clear (Request *req)
{
  g_clear_pointer (&req->method, g_free);
  g_clear_pointer (&req->path, g_free);
  g_clear_pointer (&req->headers, soup_message_headers_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
}

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->content_type, g_free);
  g_clear_pointer (&answer->body, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static void
record_time (Proxy  *proxy,
             GArray *times)
{
  gint64 t = now_us ();

  g_mutex_lock (&proxy->mutex);
  g_array_append_val (times, t);
  g_mutex_unlock (&proxy->mutex);
}

/* Sleeps, unless the proxy is being torn down: returns FALSE then. */
static gboolean
proxy_sleep (Proxy *proxy,
             guint  ms)
{
  gint64 end = now_us () + (gint64) ms * 1000;
  gboolean stopping;

  g_mutex_lock (&proxy->mutex);
  while (!proxy->stopping && g_cond_wait_until (&proxy->cond, &proxy->mutex, end))
    ;
  stopping = proxy->stopping;
  g_mutex_unlock (&proxy->mutex);

  return !stopping;
}

static gboolean
read_request (Proxy            *proxy,
              GDataInputStream *in,
              Request          *req)
{
  g_autoptr(GString) head = g_string_new (NULL);
  SoupHTTPVersion version;
  goffset length;

  for (;;)
    {
      gsize n = 0;
      g_autoptr(GError) ignored = NULL;
      g_autofree char *line = g_data_input_stream_read_line (in, &n, proxy->cancellable, &ignored);

      if (line == NULL)
        return FALSE;
      if (n == 0)
        {
          if (head->len == 0)
            continue;
          break;
        }
      g_string_append_len (head, line, (gssize) n);
      g_string_append (head, "\r\n");
    }

  req->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  if (soup_headers_parse_request (head->str, (int) head->len, req->headers,
                                  &req->method, &req->path, &version) != SOUP_STATUS_OK)
    return FALSE;

  length = soup_message_headers_get_content_length (req->headers);
  if (length > 0)
    {
      guint8 *data = g_malloc ((gsize) length);
      gsize got = 0;
      g_autoptr(GError) ignored = NULL;

      if (!g_input_stream_read_all (G_INPUT_STREAM (in), data, (gsize) length, &got,
                                    proxy->cancellable, &ignored) || got != (gsize) length)
        {
          g_free (data);
          return FALSE;
        }
      req->body = g_bytes_new_take (data, got);
    }

  g_mutex_lock (&proxy->mutex);
  proxy->requests++;
  g_mutex_unlock (&proxy->mutex);
  return TRUE;
}

static gboolean
accept_authd (SoupMessage          *msg,
              GTlsCertificate      *certificate,
              GTlsCertificateFlags  errors,
              gpointer              user_data)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *fingerprint = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strcmp0 (fingerprint, tl_test_server_get_cert_sha256 (authd)) == 0;
}

/* Sends the client's request on to trading-authd, on a session of this
 * connection's own (sessions are not shared between threads). */
static gboolean
forward (Proxy        *proxy,
         SoupSession **session,
         Request      *req,
         Answer       *answer)
{
  g_autofree char *url = g_strconcat (upstream_origin, req->path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (req->method, url);
  const char *authorization = soup_message_headers_get_one (req->headers, "Authorization");
  const char *type = soup_message_headers_get_content_type (req->headers, NULL);
  const char *user_agent = soup_message_headers_get_one (req->headers, "User-Agent");
  SoupMessageHeaders *headers;

  if (*session == NULL)
    *session = soup_session_new_with_options ("timeout", 60, NULL);

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_authd), NULL);
  headers = soup_message_get_request_headers (msg);
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (user_agent != NULL)
    soup_message_headers_replace (headers, "User-Agent", user_agent);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (msg, type != NULL ? type : "application/json", req->body);

  answer->body = soup_session_send_and_read (*session, msg, proxy->cancellable, NULL);
  if (answer->body == NULL)
    return FALSE;

  answer->status = soup_message_get_status (msg);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  answer->content_type = g_strdup (type != NULL ? type : "application/json");
  return TRUE;
}

/* The proxy's I/O errors are expected (the client or the test cut the
 * connection) and ignored, but it still asks for each one and frees it:
 * glib-networking 2.74 leaks the error of a failed TLS read, write or
 * close when the caller passes no GError** (end_gnutls_io(), fixed
 * upstream by commit 559801d9), and the sanitizer build would report
 * it. */
static gboolean
write_text (Proxy         *proxy,
            GOutputStream *out,
            const char    *text,
            gsize          length)
{
  g_autoptr(GError) ignored = NULL;

  return g_output_stream_write_all (out, text, length, NULL, proxy->cancellable, &ignored);
}

static gboolean
flush_out (GOutputStream *out,
           GCancellable  *cancellable)
{
  g_autoptr(GError) ignored = NULL;

  return g_output_stream_flush (out, cancellable, &ignored);
}

static void
close_stream (GIOStream *stream)
{
  g_autoptr(GError) ignored = NULL;

  g_io_stream_close (stream, NULL, &ignored);
}

static char *
status_line (guint status)
{
  return g_strdup_printf ("HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
}

static gboolean
write_answer (Proxy         *proxy,
              GOutputStream *out,
              guint          status,
              const char    *type,
              GBytes        *body)
{
  g_autofree char *first = status_line (status);
  g_autofree char *head = g_strdup_printf ("%sContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           first, type, g_bytes_get_size (body));

  return write_text (proxy, out, head, strlen (head)) &&
         write_text (proxy, out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* Cuts the TCP connection under TLS: no close_notify, as when a cable is
 * pulled or a middlebox gives up. */
static void
cut (GSocketConnection *connection)
{
  g_socket_close (g_socket_connection_get_socket (connection), NULL);
}

/* Writes @head, then up to @limit bytes of @fill (the first byte is
 * @first), for as long as the client takes them. */
static void
write_huge (Proxy         *proxy,
            GOutputStream *out,
            const char    *head,
            char           first,
            char           fill,
            guint64        limit)
{
  enum { CHUNK = 64 * 1024 };
  g_autofree char *chunk = g_malloc (CHUNK);
  guint64 sent = 0;

  memset (chunk, fill, CHUNK);
  if (!write_text (proxy, out, head, strlen (head)))
    return;

  chunk[0] = first;
  while (sent < limit)
    {
      if (!write_text (proxy, out, chunk, CHUNK))
        break;
      chunk[0] = fill;
      sent += CHUNK;
      g_mutex_lock (&proxy->mutex);
      proxy->huge_bytes_sent = sent;
      g_mutex_unlock (&proxy->mutex);
    }

  g_mutex_lock (&proxy->mutex);
  proxy->huge_bytes_sent = sent;
  g_mutex_unlock (&proxy->mutex);
}

/* Blocks until the client closes the connection (or the test ends). */
static void
wait_for_client_to_leave (Proxy        *proxy,
                          GInputStream *in)
{
  char byte;
  g_autoptr(GError) ignored = NULL;

  while (g_input_stream_read (in, &byte, 1, proxy->cancellable, &ignored) > 0)
    ;
  record_time (proxy, proxy->end_times);
}

/* Plays @trick for one request; FALSE when the connection is over. */
static gboolean
play (Proxy             *proxy,
      Trick              trick,
      Request           *req,
      GSocketConnection *connection,
      GIOStream         *tls,
      GDataInputStream  *in,
      SoupSession      **session)
{
  GOutputStream *out = g_io_stream_get_output_stream (tls);
  g_auto(Answer) answer = { 0 };

  switch (trick)
    {
    case TRICK_PASS:
    case TRICK_EDIT:
    case TRICK_DRIP:
    case TRICK_TRUNCATE:
    case TRICK_TRUNCATE_CLEAN:
    case TRICK_TRUNCATE_CHUNKED:
      if (!forward (proxy, session, req, &answer))
        return FALSE;
      break;
    default:
      break;
    }

  switch (trick)
    {
    case TRICK_PASS:
      return write_answer (proxy, out, answer.status, answer.content_type, answer.body);

    case TRICK_EDIT:
      {
        g_autoptr(JsonObject) object = tl_message_parse_bytes (answer.body, NULL);
        g_autoptr(GBytes) edited = NULL;
        EditFunc edit;

        g_assert_nonnull (object);
        g_mutex_lock (&proxy->mutex);
        edit = proxy->edit;
        g_mutex_unlock (&proxy->mutex);
        edit (object);
        edited = tl_message_object_to_bytes (object);
        return write_answer (proxy, out, answer.status, answer.content_type, edited);
      }

    case TRICK_DRIP:
      {
        g_autofree char *first = status_line (answer.status);
        g_autofree char *head = g_strdup_printf ("%sContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                                 first, answer.content_type, g_bytes_get_size (answer.body));
        g_autoptr(GByteArray) all = g_byte_array_new ();

        g_byte_array_append (all, (const guint8 *) head, strlen (head));
        g_byte_array_append (all, g_bytes_get_data (answer.body, NULL), g_bytes_get_size (answer.body));
        for (guint i = 0; i < all->len; i++)
          if (!write_text (proxy, out, (const char *) all->data + i, 1) ||
              !flush_out (out, proxy->cancellable) ||
              !proxy_sleep (proxy, proxy->drip_ms))
            return FALSE;
        return TRUE;
      }

    case TRICK_DRIP_FOREVER:
    case TRICK_DRIP_HEADERS:
      {
        const char *head = trick == TRICK_DRIP_FOREVER
                           ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"
                           : "HTTP/1.1 200 OK\r\n";
        const char *drop = trick == TRICK_DRIP_FOREVER ? " " : "X-Wait: a\r\n";

        if (write_text (proxy, out, head, strlen (head)))
          while (proxy_sleep (proxy, proxy->drip_ms) && write_text (proxy, out, drop, strlen (drop)))
            ;
        record_time (proxy, proxy->end_times);
        return FALSE;
      }

    case TRICK_TRUNCATE:
    case TRICK_TRUNCATE_CLEAN:
    case TRICK_TRUNCATE_CHUNKED:
      {
        gsize size = g_bytes_get_size (answer.body);
        g_autofree char *first = status_line (answer.status);
        g_autofree char *head = NULL;

        if (trick == TRICK_TRUNCATE_CHUNKED)
          head = g_strdup_printf ("%sContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n%" G_GSIZE_MODIFIER "x\r\n",
                                  first, answer.content_type, size);
        else
          head = g_strdup_printf ("%sContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                  first, answer.content_type, size);

        if (write_text (proxy, out, head, strlen (head)))
          write_text (proxy, out, g_bytes_get_data (answer.body, NULL), size / 2);
        flush_out (out, NULL);
        if (trick == TRICK_TRUNCATE)
          cut (connection);
        else
          close_stream (tls);
        return FALSE;
      }

    case TRICK_HUGE_EOF:
      write_huge (proxy, out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
                  '{', ' ', HUGE_SIZE);
      return FALSE;

    case TRICK_HUGE_ERROR:
      {
        /* 10 MB announced, 1 MB sent, then a pause: a client that
         * trusts the length refuses at once; one that reads on waits. */
        static const char start[] = "{\"error\": \"invalid_credentials\", \"message\": \"No.\", "
                                    "\"attempts_left\": 5, \"pad\": \"";
        g_autofree char *head = g_strdup_printf ("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
                                                 strlen (start) + HUGE_SIZE + 2, start);

        write_huge (proxy, out, head, 'x', 'x', 1024 * 1024);
        /* Five seconds tell the two apart; then the connection is cut,
         * rather than waiting for the client's own timeout. */
        g_socket_set_timeout (g_socket_connection_get_socket (connection), 5);
        wait_for_client_to_leave (proxy, G_INPUT_STREAM (in));
        cut (connection);
        return FALSE;
      }

    case TRICK_HUGE_HEADER:
      write_huge (proxy, out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Junk: ", 'a', 'a', HUGE_SIZE);
      write_text (proxy, out, "\r\nContent-Length: 2\r\n\r\n{}", 25);
      return FALSE;

    case TRICK_CANNED:
      {
        guint status;
        g_autofree char *type = NULL;
        g_autoptr(GBytes) body = NULL;

        g_mutex_lock (&proxy->mutex);
        status = proxy->canned_status;
        type = g_strdup (proxy->canned_type);
        body = g_bytes_ref (proxy->canned_body);
        g_mutex_unlock (&proxy->mutex);
        return write_answer (proxy, out, status, type, body);
      }

    case TRICK_CANNED_HALF:
      {
        g_autofree char *first = NULL;
        g_autofree char *head = NULL;
        g_autoptr(GBytes) body = NULL;

        g_mutex_lock (&proxy->mutex);
        first = status_line (proxy->canned_status);
        head = g_strdup_printf ("%sContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                first, proxy->canned_type, g_bytes_get_size (proxy->canned_body));
        body = g_bytes_ref (proxy->canned_body);
        g_mutex_unlock (&proxy->mutex);
        if (write_text (proxy, out, head, strlen (head)))
          write_text (proxy, out, g_bytes_get_data (body, NULL), g_bytes_get_size (body) / 2);
        close_stream (tls);
        return FALSE;
      }

    case TRICK_REDIRECT:
      {
        g_autofree char *head = NULL;

        g_mutex_lock (&proxy->mutex);
        head = g_strdup_printf ("HTTP/1.1 307 Temporary Redirect\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n",
                                proxy->redirect_to);
        g_mutex_unlock (&proxy->mutex);
        return write_text (proxy, out, head, strlen (head));
      }

    case TRICK_SILENT:
      wait_for_client_to_leave (proxy, G_INPUT_STREAM (in));
      return FALSE;

    case TRICK_DROP_LATE:
      proxy_sleep (proxy, proxy->drip_ms);
      cut (connection);
      return FALSE;

    case TRICK_DROP:
      cut (connection);
      return FALSE;

    case TRICK_PLAIN_HTTP:
    default:
      g_assert_not_reached ();
    }
}

/* Which trick this request gets; TRICK_PASS once the plan is used up. */
static Trick
next_trick (Proxy   *proxy,
            Request *req)
{
  Trick trick = TRICK_PASS;

  gint64 t = now_us ();

  g_mutex_lock (&proxy->mutex);
  for (guint i = 0; i < proxy->rules->len; i++)
    {
      Rule *rule = proxy->rules->pdata[i];

      if (rule->target != NULL && !g_str_has_suffix (req->path, rule->target))
        continue;

      g_array_append_val (proxy->arrivals, t);
      if (rule->next < rule->tricks->len)
        trick = g_array_index (rule->tricks, Trick, rule->next++);
      else if (rule->forever)
        trick = g_array_index (rule->tricks, Trick, rule->tricks->len - 1);
      else
        continue;
      break;
    }
  if (trick != TRICK_PASS)
    g_array_append_val (proxy->trick_times, t);
  g_mutex_unlock (&proxy->mutex);

  return trick;
}

static void
serve_tls (Proxy             *proxy,
           GSocketConnection *connection,
           GTlsCertificate   *certificate)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) ignored = NULL;

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), certificate, NULL);
  g_assert_nonnull (tls);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), proxy->cancellable, &ignored))
    return;

  g_mutex_lock (&proxy->mutex);
  proxy->handshakes++;
  g_mutex_unlock (&proxy->mutex);

  in = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);

  for (;;)
    {
      Request req = { 0 };
      gboolean go_on;

      if (!read_request (proxy, in, &req))
        {
          request_clear (&req);
          break;
        }

      go_on = play (proxy, next_trick (proxy, &req), &req, connection, tls, in, &session);
      request_clear (&req);
      if (!go_on)
        break;
    }

  close_stream (tls);
}

/* What a plain HTTP server says to a TLS ClientHello. */
static void
serve_plain (Proxy             *proxy,
             GSocketConnection *connection)
{
  static const char page[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 48\r\n"
                             "Connection: close\r\n\r\n<html><body>400 The plain HTTP port</body></html>";
  char buffer[512];

  g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer, sizeof buffer,
                       proxy->cancellable, NULL);
  write_text (proxy, g_io_stream_get_output_stream (G_IO_STREAM (connection)), page, strlen (page));
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  Proxy *proxy = user_data;
  g_autoptr(GTlsCertificate) certificate = NULL;

  g_mutex_lock (&proxy->mutex);
  if (proxy->stopping)
    {
      g_mutex_unlock (&proxy->mutex);
      return TRUE;
    }
  proxy->active++;
  proxy->connections++;
  certificate = proxy->certificate != NULL ? g_object_ref (proxy->certificate) : NULL;
  g_mutex_unlock (&proxy->mutex);

  if (certificate == NULL)
    serve_plain (proxy, connection);
  else
    serve_tls (proxy, connection, certificate);

  /* The proxy may be freed as soon as this is seen. */
  g_mutex_lock (&proxy->mutex);
  proxy->active--;
  g_cond_broadcast (&proxy->cond);
  g_mutex_unlock (&proxy->mutex);

  return TRUE;
}

static Proxy *
proxy_new (void)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&proxy->mutex);
  g_cond_init (&proxy->cond);
  proxy->cancellable = g_cancellable_new ();
  proxy->certificate = g_object_ref (good_certificate);
  proxy->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  proxy->arrivals = g_array_new (FALSE, FALSE, sizeof (gint64));
  proxy->trick_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  proxy->end_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  proxy->drip_ms = 100;

  proxy->service = g_threaded_socket_service_new (16);
  g_signal_connect (proxy->service, "run", G_CALLBACK (on_run), proxy);
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  proxy->base_url = g_strdup_printf ("https://127.0.0.1:%u/paper/", proxy->port);
  g_socket_service_start (proxy->service);

  return proxy;
}

static void
proxy_free (Proxy *proxy)
{
  gint64 deadline = now_us () + 10 * G_USEC_PER_SEC;

  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));

  g_mutex_lock (&proxy->mutex);
  proxy->stopping = TRUE;
  g_cancellable_cancel (proxy->cancellable);
  g_cond_broadcast (&proxy->cond);
  while (proxy->active > 0)
    if (!g_cond_wait_until (&proxy->cond, &proxy->mutex, deadline))
      g_error ("A proxy connection did not end within 10 s of the test");
  g_mutex_unlock (&proxy->mutex);

  g_signal_handlers_disconnect_by_data (proxy->service, proxy);
  g_clear_object (&proxy->service);
  g_clear_object (&proxy->cancellable);
  g_clear_object (&proxy->certificate);
  g_clear_pointer (&proxy->rules, g_ptr_array_unref);
  g_clear_pointer (&proxy->arrivals, g_array_unref);
  g_clear_pointer (&proxy->trick_times, g_array_unref);
  g_clear_pointer (&proxy->end_times, g_array_unref);
  g_clear_pointer (&proxy->canned_body, g_bytes_unref);
  g_free (proxy->canned_type);
  g_free (proxy->redirect_to);
  g_free (proxy->base_url);
  g_mutex_clear (&proxy->mutex);
  g_cond_clear (&proxy->cond);
  g_free (proxy);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Proxy, proxy_free)

/* Adds a rule: requests whose path ends in @target (NULL: all) get
 * @tricks in turn, the last one for ever when @forever. */
static void
proxy_add_sequence (Proxy       *proxy,
                    const char  *target,
                    const Trick *tricks,
                    guint        n,
                    gboolean     forever)
{
  Rule *rule = g_new0 (Rule, 1);

  rule->target = g_strdup (target);
  rule->tricks = g_array_new (FALSE, FALSE, sizeof (Trick));
  g_array_append_vals (rule->tricks, tricks, n);
  rule->forever = forever;

  g_mutex_lock (&proxy->mutex);
  g_ptr_array_add (proxy->rules, rule);
  g_mutex_unlock (&proxy->mutex);
}

/* Adds a rule: @trick @count times (for ever when -1). */
static void
proxy_add (Proxy      *proxy,
           const char *target,
           Trick       trick,
           int         count)
{
  g_autoptr(GArray) tricks = g_array_new (FALSE, FALSE, sizeof (Trick));

  for (int i = 0; i < MAX (count, 1); i++)
    g_array_append_val (tricks, trick);
  proxy_add_sequence (proxy, target, (const Trick *) (gpointer) tricks->data, tricks->len, count < 0);
}

/* Honest from now on. */
static void
proxy_pass (Proxy *proxy)
{
  g_mutex_lock (&proxy->mutex);
  g_ptr_array_set_size (proxy->rules, 0);
  g_mutex_unlock (&proxy->mutex);
}

/* The only rule from now on. */
static void
proxy_set (Proxy      *proxy,
           const char *target,
           Trick       trick,
           int         count)
{
  proxy_pass (proxy);
  proxy_add (proxy, target, trick, count);
}

static void
proxy_set_certificate (Proxy           *proxy,
                       GTlsCertificate *certificate)
{
  g_mutex_lock (&proxy->mutex);
  g_clear_object (&proxy->certificate);
  proxy->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  g_mutex_unlock (&proxy->mutex);
}

static void
proxy_set_canned (Proxy      *proxy,
                  guint       status,
                  const char *type,
                  const char *body,
                  gsize       length)
{
  g_mutex_lock (&proxy->mutex);
  proxy->canned_status = status;
  g_free (proxy->canned_type);
  proxy->canned_type = g_strdup (type);
  g_clear_pointer (&proxy->canned_body, g_bytes_unref);
  proxy->canned_body = g_bytes_new (body, length);
  g_mutex_unlock (&proxy->mutex);
}

static guint
proxy_get (Proxy *proxy,
           guint *field)
{
  guint value;

  g_mutex_lock (&proxy->mutex);
  value = *field;
  g_mutex_unlock (&proxy->mutex);
  return value;
}

static gint64
proxy_time (Proxy  *proxy,
            GArray *times,
            guint   i)
{
  gint64 t = 0;

  g_mutex_lock (&proxy->mutex);
  if (i < times->len)
    t = g_array_index (times, gint64, i);
  g_mutex_unlock (&proxy->mutex);
  return t;
}

/* Certificates ---------------------------------------------------------- */

static char *
bio_text (BIO *bio)
{
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);

  return g_strndup (data, (gsize) length);
}

/* A certificate for 127.0.0.1 valid from now + @not_before to now +
 * @not_after (seconds), self-signed, or signed by @issuer_pem/@issuer_key
 * (then the issuer's certificate follows it as its chain). */
static GTlsCertificate *
make_certificate (long          not_before,
                  long          not_after,
                  const char   *issuer_pem,
                  EVP_PKEY     *issuer_key,
                  EVP_PKEY    **out_key,
                  char        **out_pem,
                  char        **out_sha256)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *x509 = X509_new ();
  X509 *issuer = NULL;
  X509_EXTENSION *san;
  X509V3_CTX ctx;
  BIO *cert_bio = BIO_new (BIO_s_mem ());
  BIO *key_bio = BIO_new (BIO_s_mem ());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *all = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  g_assert_nonnull (key);
  g_assert_cmpint (X509_set_version (x509, 2), ==, 1);
  g_assert_cmpint (ASN1_INTEGER_set (X509_get_serialNumber (x509), g_random_int_range (1, G_MAXINT32)), ==, 1);
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notBefore (x509), not_before));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notAfter (x509), not_after));
  g_assert_cmpint (X509_set_pubkey (x509, key), ==, 1);
  g_assert_cmpint (X509_NAME_add_entry_by_txt (X509_get_subject_name (x509), "CN", MBSTRING_ASC,
                                               (const unsigned char *) "127.0.0.1", -1, -1, 0), ==, 1);

  if (issuer_pem != NULL)
    {
      BIO *in = BIO_new_mem_buf (issuer_pem, -1);

      issuer = PEM_read_bio_X509 (in, NULL, NULL, NULL);
      BIO_free (in);
      g_assert_nonnull (issuer);
      g_assert_cmpint (X509_set_issuer_name (x509, X509_get_subject_name (issuer)), ==, 1);
    }
  else
    {
      g_assert_cmpint (X509_set_issuer_name (x509, X509_get_subject_name (x509)), ==, 1);
    }

  X509V3_set_ctx (&ctx, issuer != NULL ? issuer : x509, x509, NULL, NULL, 0);
  san = X509V3_EXT_conf_nid (NULL, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  g_assert_nonnull (san);
  g_assert_cmpint (X509_add_ext (x509, san, -1), ==, 1);
  X509_EXTENSION_free (san);
  g_assert_cmpint (X509_sign (x509, issuer_key != NULL ? issuer_key : key, EVP_sha256 ()), >, 0);

  g_assert_cmpint (PEM_write_bio_X509 (cert_bio, x509), ==, 1);
  g_assert_cmpint (PEM_write_bio_PrivateKey (key_bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  cert_pem = bio_text (cert_bio);
  key_pem = bio_text (key_bio);
  all = g_strconcat (cert_pem, key_pem, issuer_pem, NULL);

  g_assert_cmpint (X509_digest (x509, EVP_sha256 (), md, &md_length), ==, 1);
  if (out_sha256 != NULL)
    {
      GString *hex = g_string_new (NULL);

      for (guint i = 0; i < md_length; i++)
        g_string_append_printf (hex, "%02x", md[i]);
      *out_sha256 = g_string_free (hex, FALSE);
    }
  if (out_pem != NULL)
    *out_pem = g_strdup (cert_pem);

  BIO_free (cert_bio);
  BIO_free (key_bio);
  X509_free (x509);
  X509_free (issuer);
  if (out_key != NULL)
    *out_key = key;
  else
    EVP_PKEY_free (key);

  certificate = g_tls_certificate_new_from_pem (all, -1, &error);
  g_assert_no_error (error);
  return certificate;
}

/* The client side --------------------------------------------------------- */

static gboolean
resume (TlAuthClient  *client,
        TlSession     *stored,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tl_auth_client_resume_async (client, stored, NULL, tl_test_store_result, &result);
  /* One retry after a second is part of resuming. */
  tl_test_await_within (&result, 2 * REQUEST_TIMEOUT_S + SLACK_S);
  return tl_auth_client_resume_finish (client, result, error);
}

static void
logout (TlAuthClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tl_auth_client_logout_async (client, NULL, tl_test_store_result, &result);
  tl_test_await (&result);
  g_assert_true (tl_auth_client_logout_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_IDLE);
}

/* A message a person can read: one or more whole sentences (the client
 * may add a technical detail in brackets after them), no leftovers of
 * formatting or of C. */
static void
assert_sentence (const char *message)
{
  gunichar first;

  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpuint (strlen (message), >, 15);
  g_assert_cmpuint (strlen (message), <, 600);
  first = g_utf8_get_char (message);
  g_assert_true (g_unichar_isupper (first));
  /* Sentences, perhaps followed by a technical detail in brackets. */
  if (g_str_has_suffix (message, ")"))
    {
      const char *detail = g_strrstr (message, ". (");

      g_assert_nonnull (detail);
    }
  else
    {
      g_assert_true (g_str_has_suffix (message, "."));
    }
  g_assert_null (strchr (message, '\n'));
  g_assert_null (strstr (message, "(null)"));
  g_assert_null (strstr (message, "%s"));
  g_assert_null (strstr (message, "%d"));
  g_assert_null (strstr (message, "%u"));
}

/* What the person sees after a hostile answer. */
static void
assert_refused (TlAuthClient *client,
                const GError *error,
                TlAuthError   code)
{
  if (error != NULL)
    g_test_message ("refused: %s", error->message);
  g_assert_error (error, TL_AUTH_ERROR, (int) code);
  assert_sentence (error->message);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_FAILED);
  g_assert_nonnull (tl_auth_client_get_error (client));
  g_assert_cmpstr (tl_auth_client_get_error (client)->message, ==, error->message);
  g_assert_null (tl_auth_client_get_session (client));
}

static TlAuthClient *
client_for (const char *base_url,
            const char *pin)
{
  g_autoptr(TlServerProfile) profile = tl_server_profile_new (TL_MODE_PAPER, base_url, pin);

  return tl_auth_client_new (profile);
}

static char *
add_user (void)
{
  static guint n;
  char *username = g_strdup_printf ("hostile%u", ++n);

  g_free (tl_test_server_admin (authd, PASSWORD "\n", "user", "add", username, "--mode", "paper",
                                "--password-stdin", NULL));
  return username;
}

/* After the hostile answer: the same client logs in for real (the user
 * has no second factor), sees its session on the server, logs out. */
static void
assert_usable (TlAuthClient *client,
               const char   *username)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, username, PASSWORD, &error));
  g_assert_no_error (error);
  if (tl_auth_client_get_state (client) == TL_AUTH_STATE_EXISTING_SESSION)
    {
      /* A session the tampered answer did not deliver. */
      g_assert_true (tl_test_client_continue (client, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  g_assert_null (tl_auth_client_get_error (client));
  g_assert_cmpstr (tl_auth_client_get_session (client)->username, ==, username);
  g_assert_cmpuint (strlen (tl_auth_client_get_session (client)->token), ==, 43);
  logout (client);
}

/* Runs the standard shape of a test: the client against @proxy as it is
 * set up, refused with @code; then honest, and usable. */
static void
refused_then_usable (Proxy       *proxy,
                     TlAuthError  code,
                     const char  *expect_in_message)
{
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autofree char *username = add_user ();
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  assert_refused (client, error, code);
  if (expect_in_message != NULL)
    g_assert_nonnull (strstr (error->message, expect_in_message));
  g_assert_cmpuint (proxy_get (proxy, &proxy->trick_times->len), >=, 1);

  proxy_pass (proxy);
  assert_usable (client, username);
  g_assert_finalize_object (client);
}

/* TLS ------------------------------------------------------------------- */

static char *
pretty_fingerprint (const char *hex)
{
  GString *pretty = g_string_new (NULL);

  for (guint i = 0; hex[i] != '\0'; i += 2)
    g_string_append_printf (pretty, "%s%.2s", i > 0 ? ":" : "", hex + i);
  return g_string_free (pretty, FALSE);
}

/* Another certificate than the pinned one, then the right one again:
 * the same client goes on. */
static void
test_wrong_certificate (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autofree char *other_sha256 = NULL;
  g_autoptr(GTlsCertificate) other = tl_test_cert_new (&other_sha256);
  g_autofree char *pretty = pretty_fingerprint (other_sha256);
  g_autofree char *username = add_user ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autoptr(GError) error = NULL;

  proxy_set_certificate (proxy, other);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  assert_refused (client, error, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, pretty));
  /* Not one byte of HTTP went through. */
  g_assert_cmpuint (proxy_get (proxy, &proxy->requests), ==, 0);

  proxy_set_certificate (proxy, good_certificate);
  assert_usable (client, username);
  g_assert_finalize_object (client);
}

/* The pin names the certificate the server presents, not one in its
 * chain: a leaf issued under the pinned certificate is still refused. */
static void
test_pin_is_the_leaf (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autofree char *issuer_pem = NULL;
  g_autofree char *issuer_sha256 = NULL;
  g_autofree char *leaf_sha256 = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *username = add_user ();
  EVP_PKEY *issuer_key = NULL;
  g_autoptr(GTlsCertificate) issuer = make_certificate (-3600, 24 * 3600, NULL, NULL, &issuer_key,
                                                        &issuer_pem, &issuer_sha256);
  g_autoptr(GTlsCertificate) leaf = make_certificate (-3600, 24 * 3600, issuer_pem, issuer_key, NULL,
                                                      NULL, &leaf_sha256);
  TlAuthClient *client = client_for (proxy->base_url, issuer_sha256);
  g_autoptr(GError) error = NULL;

  pretty = pretty_fingerprint (leaf_sha256);
  proxy_set_certificate (proxy, leaf);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  assert_refused (client, error, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, pretty));
  g_assert_cmpuint (proxy_get (proxy, &proxy->requests), ==, 0);

  /* The pinned certificate itself works. */
  proxy_set_certificate (proxy, issuer);
  assert_usable (client, username);
  g_assert_finalize_object (client);
  EVP_PKEY_free (issuer_key);
}

/* Decision: an expired certificate is refused even when it is the pinned
 * one. A pin says "this key", not "this key for ever": a key past its
 * date may have been retired without care, and whoever holds it could
 * relay the person's login to the real server and take the session (SRP
 * protects the password, not the token). The person is told the
 * certificate expired, so that they ask the operator instead of pinning
 * it again. */
static void
test_expired_pinned (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autofree char *expired_sha256 = NULL;
  g_autoptr(GTlsCertificate) expired = make_certificate (-30 * 24 * 3600, -24 * 3600, NULL, NULL, NULL,
                                                         NULL, &expired_sha256);
  g_autofree char *username = add_user ();
  TlAuthClient *client = client_for (proxy->base_url, expired_sha256);
  g_autoptr(GError) error = NULL;

  proxy_set_certificate (proxy, expired);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));

  assert_refused (client, error, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "expired"));
  g_assert_cmpuint (proxy_get (proxy, &proxy->requests), ==, 0);
  g_assert_finalize_object (client);

  /* Renewed and pinned again: a client of the new profile logs in. */
  proxy_set_certificate (proxy, good_certificate);
  client = client_for (proxy->base_url, good_sha256);
  assert_usable (client, username);
  g_assert_finalize_object (client);
}

/* Trusting the system's CAs, an expired self-signed certificate is
 * refused (twice over: no CA and out of date). */
static void
test_expired_system_trust (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autoptr(GTlsCertificate) expired = make_certificate (-30 * 24 * 3600, -24 * 3600, NULL, NULL, NULL,
                                                         NULL, NULL);
  g_autofree char *username = add_user ();
  TlAuthClient *client = client_for (proxy->base_url, NULL);
  g_autoptr(GError) error = NULL;

  proxy_set_certificate (proxy, expired);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  assert_refused (client, error, TL_AUTH_ERROR_CERTIFICATE);
  g_assert_cmpuint (proxy_get (proxy, &proxy->requests), ==, 0);
  g_assert_finalize_object (client);
}

/* An https:// address whose port speaks plain HTTP. */
static void
test_plain_http_server (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autofree char *username = add_user ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autoptr(GError) error = NULL;

  proxy_set_certificate (proxy, NULL);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  assert_refused (client, error, TL_AUTH_ERROR_NETWORK);
  /* GnuTLS reports "an unexpected TLS packet" rather than "not TLS", so
   * the person reads the general secure-connection sentence. */
  {
    g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", proxy->port);

    g_assert_nonnull (strstr (error->message, host));
  }
  g_assert_cmpuint (proxy_get (proxy, &proxy->connections), >=, 1);

  proxy_set_certificate (proxy, good_certificate);
  assert_usable (client, username);
  g_assert_finalize_object (client);
}

/* http:// to loopback is refused unless the profile explicitly allows it
 * (for tests): nothing is even sent. */
static void
test_http_url_loopback (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/paper/", proxy->port);
  TlAuthClient *client = client_for (url, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (tl_test_client_login (client, "alice", PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  assert_sentence (error->message);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_assert_cmpuint (proxy_get (proxy, &proxy->connections), ==, 0);
  g_assert_finalize_object (client);
}

/* SRP values a server without the verifier might try -------------------- */

static GBytes *
padded_N_plus (int delta)
{
  BIGNUM *N = BN_get_rfc3526_prime_3072 (NULL);
  guint8 *bytes = g_malloc (384);

  g_assert_nonnull (N);
  if (delta > 0)
    g_assert_cmpint (BN_add_word (N, (BN_ULONG) delta), ==, 1);
  g_assert_cmpint (BN_bn2binpad (N, bytes, 384), ==, 384);
  BN_free (N);
  return g_bytes_new_take (bytes, 384);
}

static void
set_B (JsonObject *answer,
       GBytes     *B)
{
  JsonObject *srp = json_object_get_object_member (answer, "srp");
  g_autofree char *text = g_base64_encode (g_bytes_get_data (B, NULL), g_bytes_get_size (B));

  g_assert_nonnull (srp);
  json_object_set_string_member (srp, "B", text);
}

static void
edit_B_zero (JsonObject *answer)
{
  guint8 *zero = g_malloc0 (384);
  g_autoptr(GBytes) B = g_bytes_new_take (zero, 384);

  set_B (answer, B);
}

static void
edit_B_N (JsonObject *answer)
{
  g_autoptr(GBytes) B = padded_N_plus (0);

  set_B (answer, B);
}

static void
edit_B_N_plus_one (JsonObject *answer)
{
  g_autoptr(GBytes) B = padded_N_plus (1);

  set_B (answer, B);
}

static void
edit_B_short (JsonObject *answer)
{
  g_autoptr(GBytes) N = padded_N_plus (0);
  g_autoptr(GBytes) B = g_bytes_new_from_bytes (N, 1, 383);

  set_B (answer, B);
}

static void
edit_M2_flipped (JsonObject *answer)
{
  g_autoptr(GBytes) M2 = tl_message_get_base64 (answer, "M2", 64, NULL);
  g_autofree guint8 *bytes = g_memdup2 (g_bytes_get_data (M2, NULL), g_bytes_get_size (M2));
  g_autofree char *text = NULL;

  bytes[31] ^= 0x01;
  text = g_base64_encode (bytes, g_bytes_get_size (M2));
  json_object_set_string_member (answer, "M2", text);
}

static char *recorded_M2;

static void
edit_M2_replayed (JsonObject *answer)
{
  g_assert_nonnull (recorded_M2);
  json_object_set_string_member (answer, "M2", recorded_M2);
}

static void
edit_M2_short (JsonObject *answer)
{
  const char *M2 = json_object_get_string_member (answer, "M2");
  g_autofree char *shorter = g_strndup (M2, 40);

  json_object_set_string_member (answer, "M2", shorter);
}

static void
edit_M2_missing (JsonObject *answer)
{
  json_object_remove_member (answer, "M2");
}

typedef struct
{
  const char  *target;
  EditFunc     edit;
  TlAuthError  code;
  const char  *in_message;
} EditCase;

static const EditCase edit_cases[] = {
  { "v1/login/start", edit_B_zero, TL_AUTH_ERROR_PROTOCOL, "invalid SRP value" },
  { "v1/login/start", edit_B_N, TL_AUTH_ERROR_PROTOCOL, "invalid SRP value" },
  { "v1/login/start", edit_B_N_plus_one, TL_AUTH_ERROR_PROTOCOL, "invalid SRP value" },
  { "v1/login/start", edit_B_short, TL_AUTH_ERROR_PROTOCOL, NULL },
  { "v1/login/verify", edit_M2_flipped, TL_AUTH_ERROR_SERVER_IDENTITY, "could not prove its identity" },
  { "v1/login/verify", edit_M2_replayed, TL_AUTH_ERROR_SERVER_IDENTITY, "could not prove its identity" },
  { "v1/login/verify", edit_M2_short, TL_AUTH_ERROR_SERVER_IDENTITY, NULL },
  { "v1/login/verify", edit_M2_missing, TL_AUTH_ERROR_PROTOCOL, NULL },
};

/* Records the M2 of a real login, for the replay. */
static void
record_M2 (JsonObject *answer)
{
  g_free (recorded_M2);
  recorded_M2 = g_strdup (json_object_get_string_member (answer, "M2"));
}

static void
test_srp_edit (gconstpointer data)
{
  const EditCase *c = data;
  g_autoptr(Proxy) proxy = proxy_new ();

  if (c->edit == edit_M2_replayed)
    {
      /* An earlier login of the same user, seen by the man in the middle. */
      g_autofree char *username = add_user ();
      TlAuthClient *client = client_for (proxy->base_url, good_sha256);

      proxy->edit = record_M2;
      proxy_set (proxy, "v1/login/verify", TRICK_EDIT, 1);
      assert_usable (client, username);
      g_assert_finalize_object (client);
      g_assert_nonnull (recorded_M2);
    }

  proxy->edit = c->edit;
  proxy_set (proxy, c->target, TRICK_EDIT, 1);
  refused_then_usable (proxy, c->code, c->in_message);
}

/* Bodies ------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *target;
  guint       status;
  const char *type;
  const char *body;   /* NULL: see make_body () */
  TlAuthError code;
} BodyCase;

static const BodyCase body_cases[] = {
  { "array", "v1/login/verify", 200, "application/json", "[]", TL_AUTH_ERROR_PROTOCOL },
  { "null", "v1/login/verify", 200, "application/json", "null", TL_AUTH_ERROR_PROTOCOL },
  { "empty", "v1/login/verify", 200, "application/json", "", TL_AUTH_ERROR_PROTOCOL },
  { "trailing-garbage", "v1/login/verify", 200, "application/json", "{\"next\": \"session\"} <html>", TL_AUTH_ERROR_PROTOCOL },
  { "not-utf8", "v1/login/verify", 200, "application/json", "{\"M2\": \"\xff\xfe\xfd\"}", TL_AUTH_ERROR_PROTOCOL },
  { "nul-byte", "v1/login/verify", 200, "application/json", NULL, TL_AUTH_ERROR_PROTOCOL },
  { "deep-nesting", "v1/login/verify", 200, "application/json", NULL, TL_AUTH_ERROR_PROTOCOL },
  { "wrong-types", "v1/login/verify", 200, "application/json", "{\"M2\": 5, \"next\": [], \"session\": \"x\"}", TL_AUTH_ERROR_PROTOCOL },
  { "html-error", "v1/login/verify", 401, "text/html", "<html>401</html>", TL_AUTH_ERROR_PROTOCOL },
  { "unknown-status", "v1/login/start", 418, "application/json", "{\"error\": \"teapot\", \"message\": \"I am one.\"}", TL_AUTH_ERROR_PROTOCOL },
  { "success-with-error", "v1/login/start", 200, "application/json", "{\"error\": \"locked\", \"message\": \"x\"}", TL_AUTH_ERROR_PROTOCOL },
  { "login-id-huge", "v1/login/start", 200, "application/json", NULL, TL_AUTH_ERROR_PROTOCOL },
};

static GBytes *
make_body (const BodyCase *c)
{
  if (c->body != NULL)
    return g_bytes_new (c->body, strlen (c->body));

  if (g_str_equal (c->name, "nul-byte"))
    {
      static const char text[] = "{\"M2\": \"AAAA\0\", \"next\": \"session\"}";

      return g_bytes_new (text, sizeof text - 1);
    }

  if (g_str_equal (c->name, "deep-nesting"))
    {
      gsize size = 60 * 1024;
      char *text = g_malloc (size);

      memset (text, '[', size);
      text[0] = '{';
      return g_bytes_new_take (text, size);
    }

  if (g_str_equal (c->name, "login-id-huge"))
    {
      GString *text = g_string_new ("{\"login_id\": \"");

      for (guint i = 0; i < 50000; i++)
        g_string_append_c (text, 'L');
      g_string_append (text, "\", \"srp\": {\"group\": \"rfc5054-3072\", \"hash\": \"sha256\", "
                             "\"salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"B\": \"AAAA\"}, \"expires_in\": 300}");
      return g_string_free_to_bytes (text);
    }

  g_assert_not_reached ();
}

static void
test_body (gconstpointer data)
{
  const BodyCase *c = data;
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autoptr(GBytes) body = make_body (c);

  proxy_set_canned (proxy, c->status, c->type, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  proxy_set (proxy, c->target, TRICK_CANNED, 1);
  refused_then_usable (proxy, c->code, NULL);
}

/* An answer cut short: its length promises more than comes, then the
 * connection ends (cut under TLS, closed cleanly, or inside a chunk). */
static void
test_truncated (gconstpointer data)
{
  Trick trick = (Trick) GPOINTER_TO_INT (data);
  g_autoptr(Proxy) proxy = proxy_new ();

  proxy_set (proxy, "v1/login/start", trick, 1);
  refused_then_usable (proxy, TL_AUTH_ERROR_NETWORK, "127.0.0.1");
}

/* The longest the main loop went without dispatching, while a step ran:
 * what a window would feel as a freeze. */
typedef struct
{
  gint64 last;
  gint64 longest;
} Ticker;

static gboolean
on_tick (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = now_us ();

  if (ticker->last != 0)
    ticker->longest = MAX (ticker->longest, now - ticker->last);
  ticker->last = now;
  return G_SOURCE_CONTINUE;
}

/* 10 MB where no length says so up front: read until the connection
 * ends, as an error, or inside one header. The client stops at 64 KiB
 * (bodies) and gives a clear error. */
static void
test_huge (gconstpointer data)
{
  Trick trick = (Trick) GPOINTER_TO_INT (data);
  g_autoptr(Proxy) proxy = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autofree char *username = add_user ();
  g_autoptr(GError) error = NULL;
  gint64 started = now_us ();
  Ticker ticker = { 0 };
  guint tick_id = g_timeout_add (10, on_tick, &ticker);

  proxy_set (proxy, "v1/login/verify", trick, 1);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  g_source_remove (tick_id);
  g_test_message ("the main loop stood still for at most %" G_GINT64_FORMAT " ms", ticker.longest / 1000);
  g_mutex_lock (&proxy->mutex);
  g_test_message ("10 MB trick %d: refused after %" G_GINT64_FORMAT " ms; the proxy got %" G_GUINT64_FORMAT
                  " bytes out before the client left", trick, (now_us () - started) / 1000,
                  proxy->huge_bytes_sent);
  g_mutex_unlock (&proxy->mutex);
  if (trick == TRICK_HUGE_HEADER)
    {
      /* Whatever libsoup makes of it, it is no answer this app takes. */
      g_assert_true (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL) ||
                     g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK));
      assert_refused (client, error, (TlAuthError) error->code);
    }
  else
    {
      assert_refused (client, error, TL_AUTH_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "64 KiB"));
      /* Refused from what it announced or what came, not waited out. */
      g_assert_cmpint (now_us () - started, <, 10 * G_USEC_PER_SEC);
    }

  proxy_pass (proxy);
  assert_usable (client, username);
  g_assert_finalize_object (client);
}

/* A server may say "invalid credentials", but the words the person reads
 * are the client's own: a hostile server cannot put its text (a phone
 * number to call, a link) in front of them, and absurd numbers are not
 * repeated. */
static void
test_server_words_not_shown (void)
{
  static const char body[] =
    "{\"error\": \"invalid_credentials\", \"message\": \"Call +1 900 555 0100 now to unlock: https://evil.example/\", "
    "\"attempts_left\": -7}";
  static const char locked[] =
    "{\"error\": \"locked\", \"message\": \"Visit https://evil.example/unlock\", \"retry_after\": 999999999999999}";
  g_autoptr(Proxy) proxy = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autofree char *username = add_user ();
  g_autoptr(GError) error = NULL;

  proxy_set_canned (proxy, 401, "application/json", body, strlen (body));
  proxy_set (proxy, "v1/login/verify", TRICK_CANNED, 1);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  assert_sentence (error->message);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, "900"));
  g_assert_null (strstr (error->message, "evil"));
  g_assert_null (strstr (error->message, "-7"));
  g_assert_cmpint (tl_auth_client_get_attempts_left (client), >=, -1);
  g_clear_error (&error);

  proxy_set_canned (proxy, 423, "application/json", locked, strlen (locked));
  proxy_set (proxy, "v1/login/verify", TRICK_CANNED, 1);
  g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOCKED);
  assert_sentence (error->message);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, "evil"));
  g_assert_null (strstr (error->message, "999999"));

  proxy_pass (proxy);
  assert_usable (client, username);
  g_assert_finalize_object (client);
}

/* The second factor: answers outside what the contract allows. These need
 * the demo user, who has one device of each kind. */

typedef struct
{
  const char *name;
  const char *body;
} FactorCase;

static const FactorCase factor_cases[] = {
  { "digits-zero", "{\"method\": \"code\", \"digits\": 0, \"charset\": \"digits\"}" },
  { "digits-huge", "{\"method\": \"code\", \"digits\": 100000, \"charset\": \"digits\"}" },
  { "charset-unknown", "{\"method\": \"code\", \"digits\": 6, \"charset\": \"emoji\"}" },
  { "method-unknown", "{\"method\": \"telepathy\"}" },
  { "challenge-huge", NULL },
  { "card-many-indices", NULL },
};

static GBytes *
make_factor_body (const FactorCase *c)
{
  GString *text;

  if (c->body != NULL)
    return g_bytes_new (c->body, strlen (c->body));

  text = g_string_new (NULL);
  if (g_str_equal (c->name, "challenge-huge"))
    {
      g_string_append (text, "{\"method\": \"challenge\", \"challenge\": \"");
      for (guint i = 0; i < 40000; i++)
        g_string_append_c (text, '7');
      g_string_append (text, "\", \"suite\": \"OCRA-1:HOTP-SHA1-8:QN06-PSHA1\", \"response_digits\": 8}");
    }
  else
    {
      g_string_append (text, "{\"method\": \"card\", \"response_length\": 6, \"indices\": [1");
      for (guint i = 0; i < 5000; i++)
        g_string_append (text, ", 1");
      g_string_append (text, "]}");
    }

  return g_string_free_to_bytes (text);
}

static const char *
demo_string (const char *member)
{
  return json_object_get_string_member (tl_test_server_get_user (authd, TL_MODE_PAPER), member);
}

static const char *
demo_device (const char *kind,
             const char *member)
{
  return json_object_get_string_member (tl_test_server_get_device (authd, TL_MODE_PAPER, kind), member);
}

/* The demo user up to the choice of device. */
static void
demo_login (TlAuthClient *client)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tl_test_client_login (client, demo_string ("username"), demo_string ("password"), &error));
  g_assert_no_error (error);
  if (tl_auth_client_get_state (client) == TL_AUTH_STATE_EXISTING_SESSION)
    {
      g_assert_true (tl_test_client_continue (client, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_CHOOSE_DEVICE);
}

/* The demo user's whole login with the temporary passcode. */
static void
assert_demo_usable (TlAuthClient *client)
{
  g_autoptr(GError) error = NULL;

  demo_login (client);
  g_assert_true (tl_test_client_select_device (client, demo_device ("temp", "id"), &error));
  g_assert_no_error (error);
  g_assert_true (tl_test_client_answer (client, demo_device ("temp", "temp_code"), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  logout (client);
}

static void
test_factor_answer (gconstpointer data)
{
  const FactorCase *c = data;
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autoptr(GBytes) body = make_factor_body (c);
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autoptr(GError) error = NULL;

  demo_login (client);
  proxy_set_canned (proxy, 200, "application/json", g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  proxy_set (proxy, "v1/login/second-factor", TRICK_CANNED, 1);
  g_assert_false (tl_test_client_select_device (client, demo_device ("temp", "id"), &error));
  assert_refused (client, error, TL_AUTH_ERROR_PROTOCOL);

  proxy_pass (proxy);
  assert_demo_usable (client);
  g_assert_finalize_object (client);
}

/* Slow and silent servers ------------------------------------------------ */

/* A server that drips its answers a byte every 5 ms is slow, not hostile:
 * the login works. */
static void
test_slow_but_in_time (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autofree char *username = add_user ();
  gint64 started = now_us ();

  proxy->drip_ms = 5;
  proxy_set (proxy, NULL, TRICK_DRIP, -1);
  assert_usable (client, username);
  g_test_message ("a login dripped at 5 ms a byte took %" G_GINT64_FORMAT " ms", (now_us () - started) / 1000);
  g_assert_cmpuint (proxy_get (proxy, &proxy->trick_times->len), >=, 3);
  g_assert_finalize_object (client);
}

typedef struct
{
  const char   *name;
  Proxy        *proxy;
  TlAuthClient *client;
  char         *username;
  GAsyncResult *result;
  gint64        started;
  gint64        ended;
} Stalled;

static void
on_stalled_login (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Stalled *s = user_data;

  s->result = g_object_ref (result);
  s->ended = now_us ();
}

/* Approves (or denies) the demo user's newest push, as the phone would;
 * older requests left over from earlier tests are denied. */
static void
decide_pushes (const char *decision)
{
  g_autoptr(JsonObject) pending = NULL;
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  JsonArray *requests;
  gint64 now = tl_test_server_now (authd);
  guint status = 0;
  guint newest = 0;

  {
    g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (ibkey_secret, NULL),
                                        g_bytes_get_size (ibkey_secret));
    guint8 digest[32];
    gsize length = sizeof digest;
    g_autofree char *proof = NULL;

    message = g_strdup_printf ("pending:%s::%" G_GINT64_FORMAT, ibkey_device_id, now);
    g_hmac_update (hmac, (const guchar *) message, -1);
    g_hmac_get_digest (hmac, digest, &length);
    proof = g_base64_encode (digest, length);
    body = g_strdup_printf ("{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                            ibkey_device_id, now, proof);
  }
  pending = tl_test_server_send_json (authd, TL_MODE_PAPER, "v1/device/pending", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  requests = json_object_get_array_member (pending, "requests");
  g_assert_cmpuint (json_array_get_length (requests), >=, 1);

  for (guint i = 1; i < json_array_get_length (requests); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (requests, i), "created_at"),
                   json_object_get_string_member (json_array_get_object_element (requests, newest), "created_at")) >= 0)
      newest = i;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      const char *push_id = json_object_get_string_member (json_array_get_object_element (requests, i), "push_id");
      g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (ibkey_secret, NULL),
                                          g_bytes_get_size (ibkey_secret));
      guint8 digest[32];
      gsize length = sizeof digest;
      g_autofree char *proof = NULL;
      g_autofree char *respond = NULL;
      g_autoptr(JsonObject) done = NULL;

      g_free (message);
      message = g_strdup_printf ("respond:%s:%s:%" G_GINT64_FORMAT, ibkey_device_id, push_id, now);
      g_hmac_update (hmac, (const guchar *) message, -1);
      g_hmac_get_digest (hmac, digest, &length);
      proof = g_base64_encode (digest, length);
      respond = g_strdup_printf ("{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"%s\", "
                                 "\"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                                 ibkey_device_id, push_id, i == newest ? decision : "deny", now, proof);
      done = tl_test_server_send_json (authd, TL_MODE_PAPER, "v1/device/respond", respond, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
    }
}

static void
ensure_ibkey_activated (void)
{
  g_autoptr(JsonObject) activated = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  if (ibkey_device_id != NULL)
    return;

  body = g_strdup_printf ("{\"username\": \"%s\", \"activation_code\": \"%s\", \"name\": \"Hostile test phone\"}",
                          demo_string ("username"), demo_device ("ibkey", "activation_code"));
  activated = tl_test_server_send_json (authd, TL_MODE_PAPER, "v1/device/activate", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  ibkey_device_id = g_strdup (json_object_get_string_member (activated, "device_id"));
  ibkey_secret = tl_message_get_base64 (activated, "secret", 128, NULL);
  g_assert_nonnull (ibkey_secret);
}

static void
push_login (TlAuthClient *client)
{
  g_autoptr(GError) error = NULL;

  ensure_ibkey_activated ();
  demo_login (client);
  g_assert_true (tl_test_client_select_device (client, ibkey_device_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);
}

/* Silence, and drips that never end, all at once (each waits for the
 * client's 20 s request timeout, or the 35 s of a long poll): each login
 * ends with a clear error within its timeout, and the same client then
 * logs in. */
static void
test_stalled (void)
{
  static const struct { const char *name; Trick trick; const char *target; } kinds[] = {
    { "never answers", TRICK_SILENT, "v1/login/start" },
    { "never answers the verify", TRICK_SILENT, "v1/login/verify" },
    { "drips a body for ever", TRICK_DRIP_FOREVER, "v1/login/start" },
    { "drips headers for ever", TRICK_DRIP_HEADERS, "v1/login/start" },
  };
  Stalled stalled[G_N_ELEMENTS (kinds)] = { { 0 } };
  g_autoptr(Proxy) push_proxy = proxy_new ();
  TlAuthClient *push_client = client_for (push_proxy->base_url, good_sha256);
  g_autoptr(GAsyncResult) push_result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_done = FALSE;
  gboolean approved = FALSE;
  gint64 push_hung_at, push_left_at;

  /* The push: its long poll is held and never answered; the retry that
   * follows the client's 35 s timeout goes through, and is approved. */
  proxy_set (push_proxy, "v1/login/push/wait", TRICK_SILENT, 1);
  push_login (push_client);
  tl_auth_client_wait_push_async (push_client, NULL, tl_test_store_result, &push_result);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Stalled *s = &stalled[i];

      s->name = kinds[i].name;
      s->proxy = proxy_new ();
      s->proxy->drip_ms = 200;
      proxy_set (s->proxy, kinds[i].target, kinds[i].trick, -1);
      s->client = client_for (s->proxy->base_url, good_sha256);
      s->username = add_user ();
      s->started = now_us ();
      tl_auth_client_login_async (s->client, s->username, PASSWORD, NULL, on_stalled_login, s);
    }

  while (!all_done || push_result == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);

      all_done = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        all_done = all_done && stalled[i].result != NULL;

      /* The client gave up on the held poll: the phone approves, and
       * the retry finds the decision. */
      if (!approved && proxy_get (push_proxy, &push_proxy->end_times->len) >= 1)
        {
          decide_pushes ("approve");
          approved = TRUE;
        }

      if (push_result == NULL && now_us () - stalled[0].started > (LONG_POLL_TIMEOUT_S + 25 + SLACK_S) * G_USEC_PER_SEC)
        g_error ("The push wait did not come back after its long poll was held");
    }

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Stalled *s = &stalled[i];
      gint64 elapsed = s->ended - s->started;

      g_test_message ("A server that %s: the login failed after %.1f s", s->name, elapsed / 1e6);
      g_assert_false (tl_auth_client_login_finish (s->client, s->result, &error));
      assert_refused (s->client, error, TL_AUTH_ERROR_NETWORK);
      g_assert_nonnull (strstr (error->message, "did not answer in time"));
      g_assert_cmpint (elapsed, >=, (REQUEST_TIMEOUT_S - 1) * G_USEC_PER_SEC);
      g_assert_cmpint (elapsed, <, (REQUEST_TIMEOUT_S + SLACK_S) * G_USEC_PER_SEC);
      g_clear_error (&error);
      g_clear_object (&s->result);
    }

  g_assert_true (tl_auth_client_wait_push_finish (push_client, push_result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (push_client), ==, TL_AUTH_STATE_LOGGED_IN);
  push_hung_at = proxy_time (push_proxy, push_proxy->trick_times, 0);
  push_left_at = proxy_time (push_proxy, push_proxy->end_times, 0);
  g_test_message ("The held long poll was given up after %.1f s", (push_left_at - push_hung_at) / 1e6);
  /* (The client's clock starts before the proxy sees the request.) */
  g_assert_cmpint (push_left_at - push_hung_at, >=, (LONG_POLL_TIMEOUT_S - 3) * G_USEC_PER_SEC);
  g_assert_cmpint (push_left_at - push_hung_at, <, (LONG_POLL_TIMEOUT_S + SLACK_S) * G_USEC_PER_SEC);
  logout (push_client);
  g_clear_object (&push_result);
  g_assert_finalize_object (push_client);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Stalled *s = &stalled[i];

      proxy_pass (s->proxy);
      assert_usable (s->client, s->username);
      g_assert_finalize_object (s->client);
      proxy_free (s->proxy);
      g_free (s->username);
    }
}

/* The push ---------------------------------------------------------------- */

/* The long poll is dropped three ways (before a byte, after half an
 * answer, with a 503 page): the client asks again after 0.5, 1 and 2 s,
 * and the approval that follows logs the person in. */
static void
test_push_dropped (void)
{
  static const Trick tricks[] = { TRICK_DROP_LATE, TRICK_CANNED_HALF, TRICK_CANNED };
  static const char page[] = "<html><body>503 Service Unavailable</body></html>";
  static const double backoff[] = { 0.5, 1.0, 2.0 };
  g_autoptr(Proxy) proxy = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  static const double played_for[] = { 0.3, 0.0, 0.0 };
  gint64 started = now_us ();

  proxy->drip_ms = 300;
  proxy_set_canned (proxy, 503, "text/html", page, strlen (page));
  proxy_add_sequence (proxy, "v1/login/push/wait", tricks, G_N_ELEMENTS (tricks), FALSE);
  push_login (client);
  tl_auth_client_wait_push_async (client, NULL, tl_test_store_result, &result);

  /* Three long polls tricked; the fourth is relayed, and the server
   * holds it. */
  while (proxy_get (proxy, &proxy->arrivals->len) < G_N_ELEMENTS (tricks) + 1)
    {
      if (now_us () - started > 20 * G_USEC_PER_SEC)
        g_error ("The client did not come back after its long poll was dropped");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
      g_assert_null (result);
    }
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);

  for (guint i = 1; i <= G_N_ELEMENTS (tricks); i++)
    {
      double gap = (proxy_time (proxy, proxy->arrivals, i) - proxy_time (proxy, proxy->arrivals, i - 1)) / 1e6;

      g_test_message ("long poll %u came %.2f s after the one before", i + 1, gap);
      /* At least the back-off; at most the back-off and a generous rest. */
      g_assert_cmpfloat (gap, >=, played_for[i - 1] + backoff[i - 1] - 0.05);
      g_assert_cmpfloat (gap, <, played_for[i - 1] + backoff[i - 1] + 4.0);
    }

  decide_pushes ("approve");
  tl_test_await (&result);
  g_assert_true (tl_auth_client_wait_push_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_LOGGED_IN);
  logout (client);
  g_clear_object (&result);
  g_assert_finalize_object (client);
}

static void
edit_short_expiry (JsonObject *answer)
{
  if (json_object_has_member (answer, "expires_in"))
    json_object_set_int_member (answer, "expires_in", 4);
}

/* Every long poll dropped: the client keeps asking with its back-off
 * until the push's own deadline, then says it expired; no more requests
 * after that. */
static void
test_push_dropped_until_expiry (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;
  guint requests;

  ensure_ibkey_activated ();
  demo_login (client);
  proxy->edit = edit_short_expiry;
  proxy_set (proxy, "v1/login/second-factor", TRICK_EDIT, 1);
  proxy_add (proxy, "v1/login/push/wait", TRICK_DROP, -1);
  g_assert_true (tl_test_client_select_device (client, ibkey_device_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tl_auth_client_get_state (client), ==, TL_AUTH_STATE_WAITING_PUSH);

  started = now_us ();
  tl_auth_client_wait_push_async (client, NULL, tl_test_store_result, &result);
  tl_test_await_within (&result, 4 + 8 + SLACK_S);
  g_assert_false (tl_auth_client_wait_push_finish (client, result, &error));
  assert_refused (client, error, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED);
  g_test_message ("expired after %.1f s and %u long polls", (now_us () - started) / 1e6,
                  proxy_get (proxy, &proxy->trick_times->len));
  /* 0.5 + 1 + 2 s of back-off fit in 4 s: no spinning. */
  g_assert_cmpuint (proxy_get (proxy, &proxy->trick_times->len), >=, 2);
  g_assert_cmpuint (proxy_get (proxy, &proxy->trick_times->len), <=, 6);

  /* And then quiet. */
  requests = proxy_get (proxy, &proxy->requests);
  for (guint i = 0; i < 150; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (proxy_get (proxy, &proxy->requests), ==, requests);

  proxy_pass (proxy);
  assert_demo_usable (client);
  g_clear_object (&result);
  g_assert_finalize_object (client);
}

/* A server that answers "pending" at once, again and again, does not
 * make the client spin: at most about one long poll a second. */
static void
test_push_pending_spin (void)
{
  static const char pending[] = "{\"status\": \"pending\"}";
  g_autoptr(Proxy) proxy = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;
  guint polls;

  proxy_set_canned (proxy, 200, "application/json", pending, strlen (pending));
  proxy_set (proxy, "v1/login/push/wait", TRICK_CANNED, -1);
  started = now_us ();
  push_login (client);
  tl_auth_client_wait_push_async (client, NULL, tl_test_store_result, &result);

  while (now_us () - started < 5 * G_USEC_PER_SEC)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  polls = proxy_get (proxy, &proxy->trick_times->len);
  g_test_message ("%u immediate \"pending\" answers in 5 s", polls);
  g_assert_cmpuint (polls, >=, 2);
  g_assert_cmpuint (polls, <=, 7);
  g_assert_null (result);

  proxy_pass (proxy);
  decide_pushes ("approve");
  tl_test_await (&result);
  g_assert_true (tl_auth_client_wait_push_finish (client, result, &error));
  g_assert_no_error (error);
  logout (client);
  g_clear_object (&result);
  g_assert_finalize_object (client);
}

/* Redirects --------------------------------------------------------------- */

/* A 307 would make an HTTP library send the same POST (the SRP proof, a
 * code, a token) to the new address: the client refuses, and the other
 * address never hears from it. */
static void
test_redirect (gconstpointer data)
{
  const char *target = data;
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autoptr(Proxy) elsewhere = proxy_new ();
  TlAuthClient *client = client_for (proxy->base_url, good_sha256);
  g_autofree char *username = add_user ();
  g_autofree char *location = g_strdup_printf ("https://127.0.0.1:%u/paper/%s", elsewhere->port, target);
  g_autoptr(GError) error = NULL;

  proxy->redirect_to = g_strdup (location);
  proxy_set (proxy, target, TRICK_REDIRECT, 1);

  if (g_str_equal (target, "v1/session"))
    {
      g_autoptr(TlSession) stored = NULL;

      /* A stored session is checked at start-up: the token must not go
       * elsewhere. */
      proxy_pass (proxy);
      g_assert_true (tl_test_client_login (client, username, PASSWORD, &error));
      g_assert_no_error (error);
      stored = tl_session_copy (tl_auth_client_get_session (client));
      g_assert_finalize_object (client);

      client = client_for (proxy->base_url, good_sha256);
      proxy_set (proxy, target, TRICK_REDIRECT, -1);
      g_assert_false (resume (client, stored, &error));
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL);
      assert_sentence (error->message);
      g_assert_nonnull (strstr (error->message, "redirected"));
      g_assert_null (tl_auth_client_get_session (client));

      proxy_pass (proxy);
      g_clear_error (&error);
      g_assert_true (resume (client, stored, &error));
      g_assert_no_error (error);
      logout (client);
    }
  else
    {
      g_assert_false (tl_test_client_login (client, username, PASSWORD, &error));
      assert_refused (client, error, TL_AUTH_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "redirected"));
      proxy_pass (proxy);
      assert_usable (client, username);
    }

  g_assert_cmpuint (proxy_get (elsewhere, &elsewhere->connections), ==, 0);
  g_assert_finalize_object (client);
}

/* A redirect to plain http:// is no better. */
static void
test_redirect_to_http (void)
{
  g_autoptr(Proxy) proxy = proxy_new ();
  g_autoptr(Proxy) elsewhere = proxy_new ();

  proxy_set_certificate (elsewhere, NULL);
  proxy->redirect_to = g_strdup_printf ("http://127.0.0.1:%u/paper/v1/login/start", elsewhere->port);
  proxy_set (proxy, "v1/login/start", TRICK_REDIRECT, 1);
  refused_then_usable (proxy, TL_AUTH_ERROR_PROTOCOL, "redirected");
  g_assert_cmpuint (proxy_get (elsewhere, &elsewhere->connections), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  authd = tl_test_server_new_with_args ("--start-burst", "100000", NULL);
  /* The proxy's sessions to the server pin its certificate too. */
  tl_test_use_pin_database ();
  {
    g_autoptr(GUri) uri = g_uri_parse (tl_test_server_get_base_url (authd, TL_MODE_PAPER), G_URI_FLAGS_NONE, NULL);

    upstream_origin = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uri));
  }
  good_certificate = tl_test_cert_new (&good_sha256);

  g_test_add_func ("/tl/hostile/tls/wrong-certificate", test_wrong_certificate);
  g_test_add_func ("/tl/hostile/tls/pin-is-the-leaf", test_pin_is_the_leaf);
  g_test_add_func ("/tl/hostile/tls/expired-pinned", test_expired_pinned);
  g_test_add_func ("/tl/hostile/tls/expired-system-trust", test_expired_system_trust);
  g_test_add_func ("/tl/hostile/tls/plain-http-server", test_plain_http_server);
  g_test_add_func ("/tl/hostile/tls/http-url-loopback", test_http_url_loopback);

  {
    static const char * const names[] = {
      "b-zero", "b-n", "b-n-plus-one", "b-short", "m2-flipped", "m2-replayed", "m2-short", "m2-missing",
    };

    G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (edit_cases));
    for (guint i = 0; i < G_N_ELEMENTS (edit_cases); i++)
      {
        g_autofree char *path = g_strdup_printf ("/tl/hostile/srp/%s", names[i]);

        g_test_add_data_func (path, &edit_cases[i], test_srp_edit);
      }
  }

  for (guint i = 0; i < G_N_ELEMENTS (body_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tl/hostile/body/%s", body_cases[i].name);

      g_test_add_data_func (path, &body_cases[i], test_body);
    }
  g_test_add_data_func ("/tl/hostile/body/truncated/cut", GINT_TO_POINTER (TRICK_TRUNCATE), test_truncated);
  g_test_add_data_func ("/tl/hostile/body/truncated/clean-close", GINT_TO_POINTER (TRICK_TRUNCATE_CLEAN), test_truncated);
  g_test_add_data_func ("/tl/hostile/body/truncated/chunk", GINT_TO_POINTER (TRICK_TRUNCATE_CHUNKED), test_truncated);
  g_test_add_data_func ("/tl/hostile/body/huge/until-eof", GINT_TO_POINTER (TRICK_HUGE_EOF), test_huge);
  g_test_add_data_func ("/tl/hostile/body/huge/error", GINT_TO_POINTER (TRICK_HUGE_ERROR), test_huge);
  g_test_add_data_func ("/tl/hostile/body/huge/header", GINT_TO_POINTER (TRICK_HUGE_HEADER), test_huge);
  g_test_add_func ("/tl/hostile/body/server-words-not-shown", test_server_words_not_shown);

  for (guint i = 0; i < G_N_ELEMENTS (factor_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tl/hostile/second-factor/%s", factor_cases[i].name);

      g_test_add_data_func (path, &factor_cases[i], test_factor_answer);
    }

  g_test_add_func ("/tl/hostile/slow-but-in-time", test_slow_but_in_time);
  g_test_add_func ("/tl/hostile/stalled", test_stalled);
  g_test_add_func ("/tl/hostile/push/dropped", test_push_dropped);
  g_test_add_func ("/tl/hostile/push/pending-spin", test_push_pending_spin);
  g_test_add_func ("/tl/hostile/push/dropped-until-expiry", test_push_dropped_until_expiry);
  g_test_add_data_func ("/tl/hostile/redirect/verify", "v1/login/verify", test_redirect);
  g_test_add_data_func ("/tl/hostile/redirect/session", "v1/session", test_redirect);
  g_test_add_func ("/tl/hostile/redirect/to-http", test_redirect_to_http);

  status = g_test_run ();

  tl_test_server_free (authd);
  g_clear_object (&good_certificate);
  g_free (good_sha256);
  g_free (upstream_origin);
  g_free (recorded_M2);
  g_free (ibkey_device_id);
  g_clear_pointer (&ibkey_secret, g_bytes_unref);
  return status;
}
