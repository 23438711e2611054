/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-db.h"
#include "tl-types.h"

G_BEGIN_DECLS

#define TL_AUTHD_IBKEY_SUITE   "OCRA-1:HOTP-SHA256-8:QN08"
#define TL_AUTHD_DSC_SUITE     "OCRA-1:HOTP-SHA1-8:QN06-PSHA1"
#define TL_AUTHD_CARD_CELLS    100   /* indices 1..100 */
#define TL_AUTHD_CARD_CODE_LENGTH 3
#define TL_AUTHD_TEMP_CODE_LENGTH 8
#define TL_AUTHD_TEMP_SECONDS  (2 * 24 * 60 * 60)
#define TL_AUTHD_ONLINE_CARD_SECONDS (21 * 24 * 60 * 60)
#define TL_AUTHD_ACTIVATION_SECONDS  (7 * 24 * 60 * 60)
#define TL_AUTHD_ACTIVATION_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

typedef struct
{
  char         *id;
  gint64        user_id;
  TlDeviceKind  kind;
  char         *label;
  GBytes       *secret;          /* NULL: an ibkey not yet activated, temp, card, sms */
  char         *ocra_suite;
  char         *pin;             /* dsc */
  char         *phone;           /* sms */
  gint64        last_totp_step;  /* -1 when never used */
  gint64        expires_at;      /* 0 when it never expires */
  gboolean      is_default;
} TlAuthdDevice;

void           tl_authd_device_free        (TlAuthdDevice *device);
/* Whether the device can be offered now: activated, not expired. */
gboolean       tl_authd_device_is_usable   (const TlAuthdDevice *device,
                                            gint64         now);

TlAuthdDevice *tl_authd_device_lookup      (TlAuthdDb     *db,
                                            const char    *id,
                                            GError       **error);
/* Elements are TlAuthdDevice, oldest first. */
GPtrArray     *tl_authd_device_list        (TlAuthdDb     *db,
                                            gint64         user_id,
                                            GError       **error);
/* Returns the new device's id. */
char          *tl_authd_device_add         (TlAuthdDb     *db,
                                            gint64         user_id,
                                            TlDeviceKind   kind,
                                            const char    *label,
                                            GBytes        *secret,
                                            const char    *ocra_suite,
                                            const char    *pin,
                                            const char    *phone,
                                            gint64         expires_at,
                                            GError       **error);
gboolean       tl_authd_device_delete      (TlAuthdDb     *db,
                                            const char    *id,
                                            GError       **error);
/* Records @step as used unless it (or a later one) was used before;
 * @out_accepted says which. */
gboolean       tl_authd_device_use_step    (TlAuthdDb     *db,
                                            const char    *id,
                                            gint64         step,
                                            gboolean      *out_accepted,
                                            GError       **error);

/* Code cards: @codes[i] is the code at index i + 1. */
gboolean       tl_authd_card_store         (TlAuthdDb     *db,
                                            const char    *device_id,
                                            GStrv          codes,
                                            GError       **error);
char          *tl_authd_card_get_cell      (TlAuthdDb     *db,
                                            const char    *device_id,
                                            gint64         index,
                                            GError       **error);
GStrv          tl_authd_card_get_cells     (TlAuthdDb     *db,
                                            const char    *device_id,
                                            GError       **error);

/* Short codes are stored as HMAC(server secret, purpose ":" code). */
GBytes        *tl_authd_code_hash          (TlAuthdDb     *db,
                                            const char    *purpose,
                                            const char    *code);

/* Temporary passcodes. */
gboolean       tl_authd_temp_store         (TlAuthdDb     *db,
                                            const char    *device_id,
                                            const char    *code,
                                            gint64         expires_at,
                                            GError       **error);
/* TRUE when @code is the device's passcode (expiry is checked apart). */
gboolean       tl_authd_temp_check         (TlAuthdDb     *db,
                                            const char    *device_id,
                                            const char    *code,
                                            GError       **error);

/* Activation codes of ibkey devices: single use, expiring. */
char          *tl_authd_activation_issue   (TlAuthdDb     *db,
                                            const char    *device_id,
                                            gint64         now,
                                            GError       **error);
/* Whether @code is a live, unused code of @device_id. */
gboolean       tl_authd_activation_is_live (TlAuthdDb     *db,
                                            const char    *device_id,
                                            const char    *code,
                                            gint64         now);
/* Marks the code used and returns its device id; NULL (and no @error)
 * when the code is wrong, used, expired or of another user. */
char          *tl_authd_activation_redeem  (TlAuthdDb     *db,
                                            TlMode         mode,
                                            const char    *username,
                                            const char    *code,
                                            gint64         now,
                                            GError       **error);
/* Upper-cases and drops spaces and dashes, as people type codes. */
char          *tl_authd_normalize_code     (const char    *typed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdDevice, tl_authd_device_free)

G_END_DECLS
