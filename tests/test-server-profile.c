/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-profile"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-device.h"
#include "tl-server-profile.h"
#include "tl-test-cert.h"

static const char pin_hex[] =
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
test_pin_forms (void)
{
  /* What people paste: colons, upper case, spaces. */
  static const char * const forms[] = {
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF",
    " 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(TlServerProfile) profile = NULL;
      g_autoptr(GError) error = NULL;

      profile = tl_server_profile_new (TL_MODE_PAPER, "https://127.0.0.1:4443/paper/", forms[i]);
      g_assert_cmpstr (tl_server_profile_get_pin_sha256 (profile), ==, pin_hex);
      g_assert_true (tl_server_profile_validate (profile, &error));
      g_assert_no_error (error);
    }
}

static void
test_pin_invalid (void)
{
  static const char * const forms[] = {
    "0123",                                                                 /* short */
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00",   /* long */
    "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",     /* not hex */
    "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",                  /* base64 (HPKP) */
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(TlServerProfile) profile = NULL;
      g_autoptr(GError) error = NULL;

      profile = tl_server_profile_new (TL_MODE_LIVE, "https://example.com/live/", forms[i]);
      g_assert_null (tl_server_profile_get_pin_sha256 (profile));
      g_assert_false (tl_server_profile_validate (profile, &error));
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==,
                       "The certificate fingerprint must be 64 hexadecimal digits "
                       "(a SHA-256 fingerprint), with or without colons.");
    }
}

static void
test_no_pin (void)
{
  g_autoptr(TlServerProfile) profile = NULL;
  g_autoptr(TlServerProfile) empty = NULL;

  profile = tl_server_profile_new (TL_MODE_LIVE, "https://example.com/live/", NULL);
  g_assert_null (tl_server_profile_get_pin_sha256 (profile));
  g_assert_true (tl_server_profile_validate (profile, NULL));

  /* An empty entry in a settings form means "no pin". */
  empty = tl_server_profile_new (TL_MODE_LIVE, "https://example.com/live/", "");
  g_assert_null (tl_server_profile_get_pin_sha256 (empty));
  g_assert_true (tl_server_profile_validate (empty, NULL));
}

static void
test_urls (void)
{
  g_autoptr(TlServerProfile) profile = NULL;
  g_autofree char *url = NULL;

  /* A missing final slash is added: paths are relative to the base. */
  profile = tl_server_profile_new (TL_MODE_PAPER, " https://login.example.com/paper ", NULL);
  g_assert_cmpstr (tl_server_profile_get_base_url (profile), ==, "https://login.example.com/paper/");
  g_assert_cmpint (tl_server_profile_get_mode (profile), ==, TL_MODE_PAPER);

  url = tl_server_profile_build_url (profile, "v1/login/start");
  g_assert_cmpstr (url, ==, "https://login.example.com/paper/v1/login/start");
}

typedef struct
{
  const char *url;
  gboolean    allow_loopback;
  const char *message;  /* NULL: valid */
} UrlCase;

static void
test_validate (void)
{
  static const UrlCase cases[] = {
    { "https://login.example.com/live/", FALSE, NULL },
    { "https://[::1]:4443/live/", FALSE, NULL },
    { "http://127.0.0.1:8080/live/", TRUE, NULL },
    { "http://127.9.9.9:8080/live/", TRUE, NULL },
    { "http://[::1]:8080/live/", TRUE, NULL },
    { "http://localhost:8080/live/", TRUE, NULL },
    { "", FALSE, "Enter the server address, for example https://login.example.com/live/." },
    { "login.example.com", FALSE,
      "“login.example.com/” is not a server address. Enter one like https://login.example.com/live/." },
    { "http://login.example.com/live/", FALSE,
      "The server address “http://login.example.com/live/” is not encrypted. Use an https:// address." },
    /* Allowing loopback does not allow anything else. */
    { "http://login.example.com/live/", TRUE,
      "The server address “http://login.example.com/live/” is not encrypted. Use an https:// address." },
    { "http://10.0.0.1/live/", TRUE,
      "The server address “http://10.0.0.1/live/” is not encrypted. Use an https:// address." },
    { "http://127.0.0.1:8080/live/", FALSE,
      "The server address “http://127.0.0.1:8080/live/” is not encrypted. Use an https:// address." },
    { "ftp://login.example.com/live/", FALSE,
      "The server address “ftp://login.example.com/live/” must start with https://." },
    { "https://user@login.example.com/live/", FALSE,
      "Remove the user name, “?” or “#” part from the server address “https://user@login.example.com/live/”." },
    { "https:///live/", FALSE,
      "The server address “https:///live/” has no host name. Enter one like https://login.example.com/live/." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TlServerProfile) profile = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      profile = tl_server_profile_new (TL_MODE_LIVE, cases[i].url, NULL);
      tl_server_profile_set_allow_insecure_loopback (profile, cases[i].allow_loopback);
      ok = tl_server_profile_validate (profile, &error);

      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_loopback_notify (void)
{
  g_autoptr(TlServerProfile) profile = NULL;
  guint count = 0;

  profile = tl_server_profile_new (TL_MODE_LIVE, "http://127.0.0.1/live/", NULL);
  g_signal_connect (profile, "notify::allow-insecure-loopback", G_CALLBACK (on_notify), &count);

  tl_server_profile_set_allow_insecure_loopback (profile, TRUE);
  tl_server_profile_set_allow_insecure_loopback (profile, TRUE);
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (tl_server_profile_get_allow_insecure_loopback (profile));

  tl_server_profile_set_allow_insecure_loopback (profile, FALSE);
  g_assert_cmpuint (count, ==, 2);
}

static void
test_certificate_sha256 (void)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *fingerprint = NULL;

  /* What `openssl x509 -noout -fingerprint -sha256` shows, minus colons. */
  certificate = tl_test_cert_new (&expected);
  fingerprint = tl_certificate_sha256 (certificate);
  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
}

static void
test_device (void)
{
  g_autoptr(TlDevice) device = tl_device_new ("d1", TL_DEVICE_KIND_CARD, "Card 0042", TRUE);
  g_autofree char *description = NULL;
  g_autofree char *id = NULL;
  int kind;

  g_assert_cmpstr (tl_device_get_id (device), ==, "d1");
  g_assert_cmpint (tl_device_get_kind (device), ==, TL_DEVICE_KIND_CARD);
  g_assert_cmpstr (tl_device_get_label (device), ==, "Card 0042");
  g_assert_true (tl_device_get_is_default (device));

  g_object_get (device, "id", &id, "kind", &kind, "description", &description, NULL);
  g_assert_cmpstr (id, ==, "d1");
  g_assert_cmpint (kind, ==, TL_DEVICE_KIND_CARD);
  g_assert_cmpstr (description, ==, "Security code card");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tl/server-profile/pin/forms", test_pin_forms);
  g_test_add_func ("/tl/server-profile/pin/invalid", test_pin_invalid);
  g_test_add_func ("/tl/server-profile/pin/none", test_no_pin);
  g_test_add_func ("/tl/server-profile/urls", test_urls);
  g_test_add_func ("/tl/server-profile/validate", test_validate);
  g_test_add_func ("/tl/server-profile/loopback-notify", test_loopback_notify);
  g_test_add_func ("/tl/server-profile/certificate-sha256", test_certificate_sha256);
  g_test_add_func ("/tl/device/properties", test_device);

  return g_test_run ();
}
