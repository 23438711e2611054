/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TL_TYPE_KEY_REQUEST (tl_key_request_get_type ())

/* One pending push, as v1/device/pending lists it. */
typedef struct
{
  char      *push_id;
  char      *username;
  char      *mode;        /* "live" / "paper" as the server says */
  char      *client;      /* e.g. "trading-login 0.1.0" */
  char      *ip;
  GDateTime *created_at;  /* NULL when the server gave none */
} TlKeyRequest;

GType         tl_key_request_get_type       (void) G_GNUC_CONST;

/* TL_AUTH_ERROR_PROTOCOL naming the bad member. */
TlKeyRequest *tl_key_request_new_from_json  (JsonObject         *object,
                                             GError            **error);
TlKeyRequest *tl_key_request_copy           (const TlKeyRequest *request);
void          tl_key_request_free           (TlKeyRequest       *request);

/* The lines a person reads before approving, indented by two spaces. */
char         *tl_key_request_describe       (const TlKeyRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlKeyRequest, tl_key_request_free)

G_END_DECLS
