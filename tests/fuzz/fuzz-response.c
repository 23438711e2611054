/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-response"

#include "config.h"

#include "fuzz-common.h"
#include "tl-auth-error.h"
#include "tl-message.h"
#include "tl-otp.h"
#include "tl-session.h"
#include "tl-srp.h"
#include "tl-types.h"

/* A hostile or broken server's answers. Every body goes through the
 * parsing of every response shape of the contract (login/start, verify
 * with its second-factor devices, each second-factor method, push/wait,
 * challenge, answer, resend, read-only, session, logout, error bodies,
 * and the device calls the soft authenticator reads), done with the
 * libtlauth pieces a client uses: tl-message getters, tl_session_from_json,
 * the type tables, the OCRA suite parser and the SRP value checks. The
 * client engine does not expose its own per-response functions, so the
 * shapes are read here the way the contract says a client must; when it
 * does, this target should call those instead. */

#define MAX_ID        256
#define MAX_DEVICES   32
#define MAX_INDICES   16

static gboolean
check_id (const char *id)
{
  return id != NULL && id[0] != '\0' && strlen (id) <= MAX_ID;
}

/* A session as a client takes it: parsed, then written back the way it
 * goes to the keyring and to a launched command, and read once more. */
static void
parse_session (JsonObject *object,
               gboolean    require_token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(TlSession) again = NULL;

  if (object == NULL)
    return;

  session = tl_session_from_json (object, require_token, &error);
  if (session == NULL)
    {
      g_assert (error != NULL);
      return;
    }

  tl_session_seconds_left (session);
  written = tl_session_to_json (session, TRUE);
  again = tl_session_from_json (written, require_token, &error);
  if (again == NULL)
    g_error ("a session accepted from the server does not survive being stored: %s",
             error->message);
}

static void
parse_error_body (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  const char *code;
  const char *message = NULL;
  TlAuthError parsed;
  gint64 number = 0;

  if ((code = tl_message_get_string (object, "error", &error)) == NULL)
    return;
  if (!tl_auth_error_from_code (code, &parsed))
    parsed = TL_AUTH_ERROR_PROTOCOL;

  /* A person reads our own sentence for the code; the server's text is
   * only shown when it is sane. */
  tl_auth_error_message (parsed);
  tl_message_get_optional_string (object, "message", &message, NULL);

  tl_message_get_optional_int (object, "attempts_left", 0, 1000, &number, NULL);
  tl_message_get_optional_int (object, "retry_after", 0, 366 * 24 * 3600, &number, NULL);
}

static void
parse_login_start (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  JsonObject *srp;
  const char *text;
  TlSrpGroup group;
  TlSrpHash hash;
  gint64 expires_in;

  if (!check_id (tl_message_get_string (object, "login_id", &error)) ||
      (srp = tl_message_get_object (object, "srp", &error)) == NULL ||
      (text = tl_message_get_string (srp, "group", &error)) == NULL ||
      !tl_srp_group_from_string (text, &group) ||
      (text = tl_message_get_string (srp, "hash", &error)) == NULL ||
      !tl_srp_hash_from_string (text, &hash) ||
      (salt = tl_message_get_base64 (srp, "salt", 1024, &error)) == NULL ||
      (B = tl_message_get_base64 (srp, "B", tl_srp_group_length (group), &error)) == NULL ||
      !tl_message_get_int (object, "expires_in", 1, 24 * 3600, &expires_in, &error))
    return;

  /* The values themselves go to SRP; fuzz-srp takes them from there. */
  g_bytes_unref (tl_srp_compute_u (group, hash, B, B));
}

static void
parse_devices (JsonObject *second_factor)
{
  g_autoptr(GError) error = NULL;
  JsonArray *devices;
  const char *default_device = NULL;
  gboolean read_only_allowed = FALSE;
  gint64 timeout = 0;

  if ((devices = tl_message_get_array (second_factor, "devices", MAX_DEVICES, &error)) == NULL ||
      !tl_message_get_optional_string (second_factor, "default_device", &default_device, &error) ||
      !tl_message_get_optional_bool (second_factor, "read_only_allowed", &read_only_allowed, &error) ||
      !tl_message_get_int (second_factor, "timeout", 1, 3600, &timeout, &error))
    return;

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonNode *node = json_array_get_element (devices, i);
      JsonObject *device;
      const char *id, *kind, *label;
      TlDeviceKind parsed;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return;
      device = json_node_get_object (node);

      if (!check_id (id = tl_message_get_string (device, "id", &error)) ||
          (kind = tl_message_get_string (device, "kind", &error)) == NULL ||
          (label = tl_message_get_string (device, "label", &error)) == NULL)
        return;

      /* A kind from a newer server is skipped, not fatal. */
      if (tl_device_kind_from_string (kind, &parsed))
        tl_device_kind_describe (parsed);

      if (default_device != NULL && g_str_equal (default_device, id))
        default_device = NULL;
    }
}

static void
parse_verify (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) M2 = NULL;
  JsonObject *existing;
  const char *next;

  if ((M2 = tl_message_get_base64 (object, "M2", 64, &error)) == NULL ||
      (next = tl_message_get_string (object, "next", &error)) == NULL)
    return;

  existing = tl_message_get_optional_object (object, "existing_session");
  if (existing != NULL)
    {
      const char *client = tl_message_get_string (existing, "client", NULL);
      const char *since = tl_message_get_string (existing, "since", NULL);

      if (client != NULL && since != NULL)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (since, NULL);

          /* Shown to the person in local time; an extreme time cannot be
           * converted and must not be used. */
          if (when != NULL)
            {
              g_autoptr(GDateTime) local = g_date_time_to_local (when);

              if (local != NULL)
                g_free (g_date_time_format (local, "%c"));
            }
        }
    }

  if (g_str_equal (next, "second_factor"))
    {
      JsonObject *second_factor = tl_message_get_object (object, "second_factor", &error);

      if (second_factor != NULL)
        parse_devices (second_factor);
    }
  else if (g_str_equal (next, "session"))
    {
      parse_session (tl_message_get_object (object, "session", &error), TRUE);
    }
}

static void
parse_challenge (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  const char *challenge, *suite_text;
  gint64 digits;

  if ((challenge = tl_message_get_string (object, "challenge", &error)) == NULL ||
      (suite_text = tl_message_get_string (object, "suite", &error)) == NULL ||
      !tl_message_get_int (object, "response_digits", 4, 10, &digits, &error))
    return;

  if ((suite = tl_ocra_suite_parse (suite_text, &error)) == NULL)
    return;

  tl_ocra_check_question (suite, challenge, &error);
}

static void
parse_second_factor (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  const char *method;
  gint64 number;

  if ((method = tl_message_get_string (object, "method", &error)) == NULL)
    return;

  if (g_str_equal (method, "push"))
    {
      if (check_id (tl_message_get_string (object, "push_id", &error)))
        tl_message_get_int (object, "expires_in", 1, 3600, &number, &error);
    }
  else if (g_str_equal (method, "code"))
    {
      const char *charset;
      const char *sent_to = NULL;

      if (!tl_message_get_int (object, "digits", 4, 10, &number, &error) ||
          (charset = tl_message_get_string (object, "charset", &error)) == NULL ||
          (!g_str_equal (charset, "digits") && !g_str_equal (charset, "upper-alnum")) ||
          !tl_message_get_optional_string (object, "sent_to", &sent_to, &error) ||
          !tl_message_get_optional_int (object, "resend_after", 0, 3600, &number, &error))
        return;
    }
  else if (g_str_equal (method, "challenge"))
    {
      parse_challenge (object);
    }
  else if (g_str_equal (method, "card"))
    {
      JsonArray *indices;

      if ((indices = tl_message_get_array (object, "indices", MAX_INDICES, &error)) == NULL ||
          !tl_message_get_int (object, "response_length", 1, 16, &number, &error))
        return;

      for (guint i = 0; i < json_array_get_length (indices); i++)
        {
          JsonNode *node = json_array_get_element (indices, i);

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
            return;
          number = json_node_get_int (node);
          if (number < 0 || number > 999)
            return;
          g_free (g_strdup_printf ("%" G_GINT64_FORMAT, number));
        }
    }
}

static void
parse_push_wait (JsonObject *object)
{
  const char *status = tl_message_get_string (object, "status", NULL);

  if (status != NULL && g_str_equal (status, "approved"))
    parse_session (tl_message_get_object (object, "session", NULL), TRUE);
}

static void
parse_resend (JsonObject *object)
{
  gint64 resend_after;

  if (tl_message_get_string (object, "sent_to", NULL) != NULL)
    tl_message_get_int (object, "resend_after", 0, 3600, &resend_after, NULL);
}

/* The soft authenticator's side: activation and pending requests. */
static void
parse_device_activate (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  JsonObject *totp;
  const char *suite_text, *algorithm;
  gint64 digits, period;

  if (!check_id (tl_message_get_string (object, "device_id", &error)) ||
      (secret = tl_message_get_base64 (object, "secret", 128, &error)) == NULL ||
      (suite_text = tl_message_get_string (object, "ocra_suite", &error)) == NULL ||
      (suite = tl_ocra_suite_parse (suite_text, &error)) == NULL ||
      (totp = tl_message_get_object (object, "totp", &error)) == NULL ||
      (algorithm = tl_message_get_string (totp, "algorithm", &error)) == NULL ||
      !tl_message_get_int (totp, "digits", 6, 10, &digits, &error) ||
      !tl_message_get_int (totp, "period", 1, 3600, &period, &error))
    return;

  if (g_str_equal (algorithm, "SHA1"))
    {
      gsize key_len;
      const guint8 *key = g_bytes_get_data (secret, &key_len);
      g_autofree char *code = tl_totp (TL_OTP_HASH_SHA1, key, key_len, 59, (guint) period,
                                       (guint) digits, NULL);

      g_assert (code != NULL && strlen (code) == (gsize) digits);
    }
}

static void
parse_device_pending (JsonObject *object)
{
  JsonArray *requests = tl_message_get_array (object, "requests", MAX_DEVICES, NULL);

  for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
    {
      JsonNode *node = json_array_get_element (requests, i);
      JsonObject *request;
      const char *username, *mode, *created_at;
      TlMode parsed;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return;
      request = json_node_get_object (node);

      if (!check_id (tl_message_get_string (request, "push_id", NULL)) ||
          (username = tl_message_get_string (request, "username", NULL)) == NULL ||
          !tl_username_is_valid (username) ||
          (mode = tl_message_get_string (request, "mode", NULL)) == NULL ||
          !tl_mode_from_string (mode, &parsed) ||
          tl_message_get_string (request, "client", NULL) == NULL ||
          tl_message_get_string (request, "ip", NULL) == NULL ||
          (created_at = tl_message_get_string (request, "created_at", NULL)) == NULL)
        return;

      tl_mode_to_string (parsed);
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (created_at, NULL);

        if (when != NULL)
          {
            g_autoptr(GDateTime) local = g_date_time_to_local (when);

            if (local != NULL)
              g_free (g_date_time_format (local, "%X"));
          }
      }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  fuzz_init ();

  object = tl_message_parse ((const char *) data, size, &error);
  if (object == NULL)
    return 0;

  parse_error_body (object);
  parse_login_start (object);
  parse_verify (object);
  parse_second_factor (object);
  parse_push_wait (object);
  parse_challenge (object);
  /* v1/login/answer and v1/login/read-only: {"session": {...}} */
  parse_session (tl_message_get_optional_object (object, "session"), TRUE);
  parse_resend (object);
  /* v1/session and v1/session/tickle: the session without its token. */
  parse_session (object, FALSE);
  /* v1/session/logout, v1/device/respond: {"status": ...} */
  tl_message_get_string (object, "status", NULL);
  parse_device_activate (object);
  parse_device_pending (object);

  return 0;
}
