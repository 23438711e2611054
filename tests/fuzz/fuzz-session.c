/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-session"

#include "config.h"

#include "fuzz-common.h"
#include "tl-auth-error.h"
#include "tl-message.h"
#include "tl-session.h"

/* The session object: as the server sends it, as the keyring holds it,
 * and as a launched trading command reads it from its pipe. Whatever
 * tl_session_from_json() accepts must survive tl_session_to_json() and be
 * accepted again unchanged, or a session the person logged in to would
 * be lost on the way to the keyring or to the command. */

static void
check_round_trip (JsonObject *object,
                  gboolean    require_token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;
  g_autoptr(TlSession) copy = NULL;
  g_autoptr(TlSession) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autoptr(JsonObject) reparsed = NULL;

  session = tl_session_from_json (object, require_token, &error);
  if (session == NULL)
    {
      g_assert (error != NULL);
      return;
    }
  g_assert (error == NULL);
  g_assert (!require_token || session->token != NULL);
  g_assert (tl_username_is_valid (session->username));
  g_assert (session->expires_at != NULL);

  tl_session_seconds_left (session);
  copy = tl_session_copy (session);

  written = tl_session_to_json (copy, TRUE);
  text = tl_message_object_to_bytes (written);
  reparsed = tl_message_parse_bytes (text, &error);
  if (reparsed == NULL)
    g_error ("a stored session does not parse: %s", error->message);

  again = tl_session_from_json (reparsed, require_token, &error);
  if (again == NULL)
    g_error ("a stored session is refused when read back: %s", error->message);

  g_assert_cmpstr (again->token, ==, session->token);
  g_assert_cmpstr (again->username, ==, session->username);
  g_assert_cmpstr (again->account, ==, session->account);
  g_assert (again->mode == session->mode);
  g_assert (!again->read_only == !session->read_only);
  /* Stored to the second, as RFC 3339 without fractions. */
  g_assert_cmpint (g_date_time_to_unix (again->expires_at), ==,
                   g_date_time_to_unix (session->expires_at));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = NULL;

  fuzz_init ();

  object = tl_message_parse ((const char *) data, size, NULL);
  if (object == NULL)
    return 0;

  check_round_trip (object, TRUE);
  check_round_trip (object, FALSE);

  return 0;
}
