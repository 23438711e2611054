/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-server.h"

G_BEGIN_DECLS

/* Called once the server listens and before the main loop accepts its
 * first connection; returning FALSE (with @error) stops the server. */
typedef gboolean (*TlAuthdReadyFunc) (TlAuthdServer  *server,
                                      gpointer        user_data,
                                      GError        **error);

/* Serves until SIGTERM or SIGINT, then answers waiting long polls and
 * stops. Returns the exit status. */
int       tl_authd_serve_run        (TlAuthdDb            *db,
                                     GTlsCertificate      *certificate,
                                     const TlAuthdConfig  *config,
                                     const char           *address,
                                     guint                 port,
                                     TlAuthdReadyFunc      ready,
                                     gpointer              user_data);

/* "ADDRESS:PORT", "[v6]:PORT" or "ADDRESS" (port 4443). */
gboolean  tl_authd_parse_listen     (const char           *text,
                                     char                **out_address,
                                     guint                *out_port,
                                     GError              **error);

G_END_DECLS
