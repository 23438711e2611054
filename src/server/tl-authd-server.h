/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-authd-db.h"
#include "tl-authd-request.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  session_seconds;   /* --session-hours */
  char   *sms_command;       /* run with TL_SMS_TO, TL_SMS_CODE, TL_SMS_CHANNEL */
  char   *sms_log;           /* demo: append codes here instead */
  guint   start_burst;       /* login starts per address at once… */
  double  start_rate;        /* …then per second */
  guint   idle_seconds;      /* kept-alive connections idle this long are closed; 0: default */
} TlAuthdConfig;

#define TL_AUTHD_LOGIN_SECONDS     300
#define TL_AUTHD_PUSH_SECONDS      180
#define TL_AUTHD_LONG_POLL_SECONDS 25
#define TL_AUTHD_SMS_SECONDS       300
#define TL_AUTHD_RESEND_SECONDS    30
#define TL_AUTHD_MAX_ANSWER_FAILURES 3
#define TL_AUTHD_PROOF_WINDOW      60
/* Below the clients' own idle timeout (60 s in libtlauth). */
#define TL_AUTHD_IDLE_SECONDS      30

#define TL_TYPE_AUTHD_SERVER (tl_authd_server_get_type ())

G_DECLARE_FINAL_TYPE (TlAuthdServer, tl_authd_server, TL, AUTHD_SERVER, GObject)

/* @db stays owned by the caller and must outlive the server. */
TlAuthdServer       *tl_authd_server_new        (TlAuthdDb            *db,
                                                 GTlsCertificate      *certificate,
                                                 const TlAuthdConfig  *config);
/* Listens with TLS on @address (an IP literal) and @port (0: any free
 * port). */
gboolean             tl_authd_server_listen     (TlAuthdServer        *self,
                                                 const char           *address,
                                                 guint                 port,
                                                 GError              **error);
/* "https://ADDRESS:PORT/" as bound. */
char                *tl_authd_server_dup_url    (TlAuthdServer        *self);
guint                tl_authd_server_get_port   (TlAuthdServer        *self);
/* Answers every waiting long poll (graceful shutdown, first step). */
void                 tl_authd_server_shutdown   (TlAuthdServer        *self);
/* Stops listening and closes every connection. */
void                 tl_authd_server_disconnect (TlAuthdServer        *self);

TlAuthdDb           *tl_authd_server_get_db     (TlAuthdServer        *self);
const TlAuthdConfig *tl_authd_server_get_config (TlAuthdServer        *self);
/* The ids of the devices whose last pending-requests answer listed open
 * requests (tl-authd-api-push.c). */
GHashTable          *tl_authd_server_get_devices_shown_requests (TlAuthdServer *self);

/* Long polls. @func runs once: when tl_authd_server_wake() names @key
 * (woken = TRUE), or after @timeout_seconds (woken = FALSE). The waiter
 * holds a reference on @req (paused by this call). */
typedef void (*TlAuthdWakeFunc) (TlAuthdRequest *req,
                                 gboolean        woken,
                                 gpointer        data);
void                 tl_authd_server_wait       (TlAuthdServer        *self,
                                                 const char           *key,
                                                 TlAuthdRequest       *req,
                                                 guint                 timeout_seconds,
                                                 TlAuthdWakeFunc       func,
                                                 gpointer              data,
                                                 GDestroyNotify        data_free);
void                 tl_authd_server_wake       (TlAuthdServer        *self,
                                                 const char           *key);

/* Per-address limit of login starts; FALSE with the seconds to wait. */
gboolean             tl_authd_server_allow_start(TlAuthdServer        *self,
                                                 const char           *address,
                                                 gint64               *out_retry_after);

G_END_DECLS
