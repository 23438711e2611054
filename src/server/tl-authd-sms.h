/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Delivers a one-time code by text message or voice call. The server
 * runs the configured command with TL_SMS_TO, TL_SMS_CODE and
 * TL_SMS_CHANNEL ("sms" or "voice") in its environment (never in argv),
 * and counts exit status 0 as delivered. The demo appends a line to a
 * file instead. */
void      tl_authd_sms_send_async  (const char           *command,
                                    const char           *log_path,
                                    const char           *to,
                                    const char           *code,
                                    const char           *channel,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  tl_authd_sms_send_finish (GAsyncResult         *result,
                                    GError              **error);

/* "+1 555 010 1234" -> "+1 *** *** 1234": the country code and the last
 * four digits stay. */
char     *tl_authd_sms_mask        (const char           *phone);

G_END_DECLS
