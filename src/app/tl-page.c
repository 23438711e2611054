/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-page"

#include "config.h"

#include "tl-auth-error.h"
#include "tl-page.h"

typedef struct
{
  TlAuthClient *client;
  GCancellable *cancellable;
  GtkWidget    *default_widget;
  gulong        notify_handler;
} TlPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (TlPage, tl_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_DEFAULT_WIDGET,
  N_PROPS
};

enum {
  STEP_DONE,
  TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
tl_page_dispose (GObject *object)
{
  TlPage *self = (TlPage *) object;
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  if (priv->client != NULL)
    g_clear_signal_handler (&priv->notify_handler, priv->client);
  g_clear_object (&priv->client);
  g_clear_object (&priv->cancellable);
  g_clear_weak_pointer (&priv->default_widget);

  G_OBJECT_CLASS (tl_page_parent_class)->dispose (object);
}

static void
tl_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TlPage *self = TL_PAGE (object);
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, priv->client);
      break;
    case PROP_DEFAULT_WIDGET:
      g_value_set_object (value, priv->default_widget);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  TlPage *self = TL_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      tl_page_set_client (self, g_value_get_object (value));
      break;
    case PROP_DEFAULT_WIDGET:
      tl_page_set_default_widget (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_page_class_init (TlPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tl_page_dispose;
  object_class->get_property = tl_page_get_property;
  object_class->set_property = tl_page_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         TL_TYPE_AUTH_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DEFAULT_WIDGET] =
    g_param_spec_object ("default-widget", NULL, NULL,
                         GTK_TYPE_WIDGET,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STEP_DONE] =
    g_signal_new ("step-done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tl_page_init (TlPage *self)
{
}

TlAuthClient *
tl_page_get_client (TlPage *self)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_val_if_fail (TL_IS_PAGE (self), NULL);

  return priv->client;
}

void
tl_page_set_client (TlPage       *self,
                    TlAuthClient *client)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_if_fail (TL_IS_PAGE (self));
  g_return_if_fail (client == NULL || TL_IS_AUTH_CLIENT (client));

  if (priv->client == client)
    return;

  if (priv->client != NULL)
    g_clear_signal_handler (&priv->notify_handler, priv->client);
  g_set_object (&priv->client, client);
  if (client != NULL)
    priv->notify_handler = g_signal_connect_object (client, "notify",
                                                    G_CALLBACK (tl_page_update), self,
                                                    G_CONNECT_SWAPPED);

  tl_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
tl_page_update (TlPage *self)
{
  g_return_if_fail (TL_IS_PAGE (self));

  if (TL_PAGE_GET_CLASS (self)->update != NULL)
    TL_PAGE_GET_CLASS (self)->update (self);
}

GCancellable *
tl_page_get_cancellable (TlPage *self)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_val_if_fail (TL_IS_PAGE (self), NULL);

  return priv->cancellable;
}

void
tl_page_set_cancellable (TlPage       *self,
                         GCancellable *cancellable)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_if_fail (TL_IS_PAGE (self));

  g_set_object (&priv->cancellable, cancellable);
}

GtkWidget *
tl_page_get_default_widget (TlPage *self)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_val_if_fail (TL_IS_PAGE (self), NULL);

  return priv->default_widget;
}

void
tl_page_set_default_widget (TlPage    *self,
                            GtkWidget *widget)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_if_fail (TL_IS_PAGE (self));

  if (g_set_weak_pointer (&priv->default_widget, widget))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_WIDGET]);
}

void
tl_page_shown (TlPage *self)
{
  g_return_if_fail (TL_IS_PAGE (self));

  if (TL_PAGE_GET_CLASS (self)->shown != NULL)
    TL_PAGE_GET_CLASS (self)->shown (self);
}

gboolean
tl_page_owns_error (TlPage       *self,
                    GObject      *source,
                    const GError *error,
                    TlAuthState   state)
{
  TlPagePrivate *priv = tl_page_get_instance_private (self);

  g_return_val_if_fail (TL_IS_PAGE (self), FALSE);

  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (priv->client == NULL || source != G_OBJECT (priv->client))
    return FALSE;

  return tl_auth_client_get_state (priv->client) == state;
}

void
tl_page_toast (TlPage     *self,
               const char *message)
{
  g_return_if_fail (TL_IS_PAGE (self));

  g_signal_emit (self, signals[TOAST], 0, message);
}

void
tl_page_step_done (TlPage *self)
{
  g_return_if_fail (TL_IS_PAGE (self));

  g_signal_emit (self, signals[STEP_DONE], 0);
}

void
tl_page_dispose_template (TlPage *self,
                          GType   type)
{
  g_return_if_fail (TL_IS_PAGE (self));

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), type);
}

void
tl_page_set_label_text (GtkLabel   *label,
                        const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && text[0] != '\0');
}
