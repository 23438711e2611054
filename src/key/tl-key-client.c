/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-key-client.h"
#include "tl-key-url.h"
#include "tl-key-vault.h"
#include "tl-message.h"

/* The server holds a long poll for up to 25 s; anything silent for
 * longer than this is a dead connection. */
#define IO_TIMEOUT_SECONDS 45

struct _TlKeyClient
{
  GObject      parent_instance;

  char        *base_url;
  char        *pin_sha256;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (TlKeyClient, tl_key_client, G_TYPE_OBJECT)

typedef struct
{
  SoupMessage *message;
  char        *path;
  char        *seen_sha256;   /* the certificate a failed handshake showed */
  gboolean     pin_mismatch;
} PostData;

static void
post_data_free (PostData *data)
{
  if (data->message != NULL)
    g_signal_handlers_disconnect_by_data (data->message, data);
  g_clear_object (&data->message);
  g_clear_pointer (&data->path, g_free);
  g_clear_pointer (&data->seen_sha256, g_free);
  g_free (data);
}

static void
tl_key_client_dispose (GObject *object)
{
  TlKeyClient *self = (TlKeyClient *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tl_key_client_parent_class)->dispose (object);
}

static void
tl_key_client_finalize (GObject *object)
{
  TlKeyClient *self = (TlKeyClient *) object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->pin_sha256, g_free);

  G_OBJECT_CLASS (tl_key_client_parent_class)->finalize (object);
}

static void
tl_key_client_class_init (TlKeyClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tl_key_client_dispose;
  object_class->finalize = tl_key_client_finalize;
}

static void
tl_key_client_init (TlKeyClient *self)
{
}

TlKeyClient *
tl_key_client_new (const char *base_url,
                   const char *pin_sha256)
{
  TlKeyClient *self;
  g_autofree char *user_agent = NULL;

  g_return_val_if_fail (base_url != NULL && g_str_has_suffix (base_url, "/"), NULL);

  self = g_object_new (TL_TYPE_KEY_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  self->pin_sha256 = g_strdup (pin_sha256);

  user_agent = g_strdup_printf ("trading-key/%s", PACKAGE_VERSION);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", IO_TIMEOUT_SECONDS,
                                                 NULL);

  /* Without a database every certificate fails verification and goes
   * through accept-certificate, where only the pin decides. */
  if (pin_sha256 != NULL)
    soup_session_set_tls_database (self->session, NULL);

  return self;
}

const char *
tl_key_client_get_base_url (TlKeyClient *self)
{
  g_return_val_if_fail (TL_IS_KEY_CLIENT (self), NULL);

  return self->base_url;
}

static char *
certificate_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GTask *task = user_data;
  TlKeyClient *self = g_task_get_source_object (task);
  PostData *data = g_task_get_task_data (task);
  g_autofree char *seen = certificate_sha256 (certificate);

  g_free (data->seen_sha256);
  data->seen_sha256 = g_strdup (seen);

  if (self->pin_sha256 == NULL || seen == NULL)
    return FALSE;

  if (CRYPTO_memcmp (seen, self->pin_sha256, 64) == 0)
    return TRUE;

  data->pin_mismatch = TRUE;
  return FALSE;
}

static GError *
certificate_error (TlKeyClient *self,
                   PostData    *data)
{
  g_autofree char *seen = data->seen_sha256 != NULL ? tl_key_url_format_pin (data->seen_sha256) : NULL;
  g_autofree char *expected = self->pin_sha256 != NULL ? tl_key_url_format_pin (self->pin_sha256) : NULL;

  if (data->pin_mismatch)
    return g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                        _("The server's certificate does not match the pinned fingerprint: someone may be intercepting the connection. Do not continue. Expected %s, got %s."),
                        expected, seen);

  if (seen != NULL)
    return g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                        _("The server's certificate is not trusted by this system (SHA-256 fingerprint %s). If your broker confirms that fingerprint, pass it with --pin-sha256."),
                        seen);

  return g_error_new_literal (TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                              tl_auth_error_message (TL_AUTH_ERROR_CERTIFICATE));
}

static GError *
error_from_answer (TlKeyClient *self,
                   PostData    *data,
                   guint        status,
                   GBytes      *body)
{
  g_autoptr(JsonObject) object = NULL;
  const char *code = NULL;
  const char *message = NULL;
  TlAuthError error_code;

  if (body != NULL)
    object = tl_message_parse_bytes (body, NULL);

  if (object != NULL &&
      tl_message_get_optional_string (object, "error", &code, NULL) &&
      tl_message_get_optional_string (object, "message", &message, NULL) &&
      tl_auth_error_from_code (code, &error_code))
    {
      if (message == NULL || *message == '\0')
        message = tl_auth_error_message (error_code);
      return g_error_new_literal (TL_AUTH_ERROR, error_code, message);
    }

  if (status >= 500)
    return g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR,
                        _("The server had a problem (HTTP %u). Try again later."), status);

  if (status == 404)
    return g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                        _("The server has no %s%s (HTTP 404). Check the server address."),
                        self->base_url, data->path);

  return g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                      _("The server gave an answer this device does not understand (HTTP %u). Check the server address."),
                      status);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlKeyClient *self = g_task_get_source_object (task);
  PostData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonObject *answer;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      /* Only a refused certificate; a TLS connection cut short (the
       * server going away mid-handshake) is the network's doing. */
      else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
               data->pin_mismatch)
        g_task_return_error (task, certificate_error (self, data));
      else
        g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                                 _("Could not reach %s: %s."),
                                 self->base_url, error->message);
      return;
    }

  status = soup_message_get_status (data->message);
  if (status < 200 || status >= 300)
    {
      g_task_return_error (task, error_from_answer (self, data, status, body));
      return;
    }

  answer = tl_message_parse_bytes (body, &error);
  if (answer == NULL)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                               _("The server's answer to %s is not valid: %s"),
                               data->path, error->message);
      return;
    }

  g_task_return_pointer (task, answer, (GDestroyNotify) json_object_unref);
}

void
tl_key_client_post_async (TlKeyClient         *self,
                          const char          *path,
                          JsonNode            *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PostData *data;
  char *text;
  gsize length;

  g_return_if_fail (TL_IS_KEY_CLIENT (self));
  g_return_if_fail (path != NULL && *path != '/');
  g_return_if_fail (body != NULL && JSON_NODE_HOLDS_OBJECT (body));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_client_post_async);

  data = g_new0 (PostData, 1);
  data->path = g_strdup (path);
  g_task_set_task_data (task, data, (GDestroyNotify) post_data_free);

  base = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, &error);
  if (base != NULL)
    uri = g_uri_parse_relative (base, path, G_URI_FLAGS_NONE, &error);
  if (uri == NULL)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("The server address %s is not valid: %s"),
                               self->base_url, error->message);
      return;
    }

  generator = json_generator_new ();
  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, &length);
  /* Request bodies carry proofs and activation codes: wipe them. */
  bytes = g_bytes_new_with_free_func (text, length, (GDestroyNotify) tl_key_secret_free, text);

  data->message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  soup_message_set_request_body_from_bytes (data->message, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                "Accept", "application/json");
  g_signal_connect (data->message, "accept-certificate",
                    G_CALLBACK (accept_certificate_cb), task);

  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    cancellable, send_cb, g_steal_pointer (&task));
}

JsonObject *
tl_key_client_post_finish (TlKeyClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (TL_IS_KEY_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
tl_key_client_proof (GBytes     *secret,
                     const char *action,
                     const char *device_id,
                     const char *push_id,
                     gint64      time)
{
  g_autofree char *message = NULL;
  guint8 mac[EVP_MAX_MD_SIZE];
  size_t mac_len = 0;
  const guint8 *key;
  gsize key_len;
  char *proof;

  g_return_val_if_fail (secret != NULL && action != NULL && device_id != NULL, NULL);

  message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT,
                             action, device_id, push_id != NULL ? push_id : "", time);
  key = g_bytes_get_data (secret, &key_len);

  if (EVP_Q_mac (NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
                 (const guint8 *) message, strlen (message),
                 mac, sizeof mac, &mac_len) == NULL)
    return NULL;

  proof = g_base64_encode (mac, mac_len);
  OPENSSL_cleanse (mac, sizeof mac);

  return proof;
}
