/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tl-authd-devices.h"
#include "tl-authd-users.h"

G_BEGIN_DECLS

/* A device as its owner must receive it: the secrets to hand over once
 * (activation code, otpauth:// URI, the card to print, the temporary
 * passcode, the PIN). Shared by the admin commands and the demo. */
typedef struct
{
  char         *device_id;
  TlDeviceKind  kind;
  char         *label;
  char         *activation_code;  /* ibkey */
  char         *otpauth_uri;      /* totp */
  GStrv         card;             /* card: card[i] is index i + 1 */
  char         *temp_code;        /* temp */
  char         *pin;              /* dsc */
  GBytes       *secret;           /* dsc: the key a hardware card would hold */
  char         *phone;            /* sms */
  gint64        expires_at;       /* 0: never */
} TlAuthdProvisioned;

void                tl_authd_provisioned_free    (TlAuthdProvisioned  *p);

typedef struct
{
  const char *label;         /* NULL: a default per kind */
  const char *phone;         /* sms (NULL: the user's phone) */
  const char *pin;           /* dsc, 4 to 8 digits */
  gboolean    online_card;   /* card: expires after 21 days */
} TlAuthdDeviceOptions;

/* Creates a device for @user, in one transaction. A new temp device
 * replaces the user's old one. */
TlAuthdProvisioned *tl_authd_provision_device    (TlAuthdDb                   *db,
                                                  const TlAuthdUser           *user,
                                                  TlDeviceKind                 kind,
                                                  const TlAuthdDeviceOptions  *options,
                                                  GError                     **error);
/* What can be told again about an existing device (URI, card, PIN…);
 * the one-time values (activation code, temporary passcode) stay NULL. */
TlAuthdProvisioned *tl_authd_provision_describe  (TlAuthdDb                   *db,
                                                  const TlAuthdUser           *user,
                                                  const TlAuthdDevice         *device,
                                                  GError                     **error);
/* A new temporary passcode for an existing temp device (2 days). */
gboolean            tl_authd_provision_renew_temp(TlAuthdDb                   *db,
                                                  TlAuthdProvisioned          *p,
                                                  GError                     **error);

/* Human text, for the admin commands and the demo banner. */
void                tl_authd_provisioned_print   (const TlAuthdProvisioned    *p,
                                                  GString                     *out);
/* demo.json's device object. */
void                tl_authd_provisioned_to_json (const TlAuthdProvisioned    *p,
                                                  JsonBuilder                 *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdProvisioned, tl_authd_provisioned_free)

G_END_DECLS
