/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tl-auth-error.h"
#include "tl-types.h"

G_BEGIN_DECLS

typedef struct _TlAuthdServer TlAuthdServer;

/* One HTTP request to an API path. Reference counted so that a long
 * poll can keep it (paused) after its handler returned. */
typedef struct _TlAuthdRequest TlAuthdRequest;

struct _TlAuthdRequest
{
  int                 ref_count;
  TlAuthdServer      *server;     /* unowned: outlives every request */
  SoupServerMessage  *msg;
  TlMode              mode;
  char               *ip;
  JsonObject         *body;       /* NULL for GET */
  gboolean            paused;
  gboolean            replied;
  gboolean            gone;       /* the client disconnected */
  gulong              disconnected_id;
};


TlAuthdRequest *tl_authd_request_new          (TlAuthdServer      *server,
                                               SoupServerMessage  *msg,
                                               TlMode              mode);
TlAuthdRequest *tl_authd_request_ref          (TlAuthdRequest     *req);
void            tl_authd_request_unref        (TlAuthdRequest     *req);

/* Keeps the message open after the handler returns (long poll, SMS). */
void            tl_authd_request_pause        (TlAuthdRequest     *req);

/* The bearer token of "Authorization: Bearer …", or NULL. */
const char     *tl_authd_request_get_bearer   (TlAuthdRequest     *req);
/* "name/version" from the body's "client" object, or the User-Agent. */
char           *tl_authd_request_dup_client   (TlAuthdRequest     *req);

/* Replies end the request (and unpause it if it was paused). */
void            tl_authd_request_reply        (TlAuthdRequest     *req,
                                               guint               status,
                                               GBytes             *body);
/* Ends the builder's open object and sends it with 200. */
void            tl_authd_request_reply_builder(TlAuthdRequest     *req,
                                               JsonBuilder        *builder);
/* A contract error; @message NULL uses the code's default sentence;
 * @extra_name/@extra_value add "attempts_left" or "retry_after" when
 * @extra_name is not NULL. */
void            tl_authd_request_reply_error  (TlAuthdRequest     *req,
                                               TlAuthError         code,
                                               const char         *message,
                                               const char         *extra_name,
                                               gint64              extra_value);
/* A TL_AUTH_ERROR error goes out as is; anything else is logged and
 * answered with server_error, without its details. */
void            tl_authd_request_reply_gerror (TlAuthdRequest     *req,
                                               const GError       *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdRequest, tl_authd_request_unref)

gboolean        tl_authd_text_is_printable (const char *text);

G_END_DECLS
