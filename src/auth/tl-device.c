/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-device"

#include "config.h"

#include "tl-device.h"

struct _TlDevice
{
  GObject       parent_instance;

  char         *id;
  TlDeviceKind  kind;
  char         *label;
  gboolean      is_default;
};

G_DEFINE_FINAL_TYPE (TlDevice, tl_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_LABEL,
  PROP_DESCRIPTION,
  PROP_IS_DEFAULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tl_device_finalize (GObject *object)
{
  TlDevice *self = (TlDevice *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (tl_device_parent_class)->finalize (object);
}

static void
tl_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TlDevice *self = TL_DEVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, tl_device_kind_describe (self->kind));
      break;
    case PROP_IS_DEFAULT:
      g_value_set_boolean (value, self->is_default);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_device_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TlDevice *self = TL_DEVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_KIND:
      self->kind = (TlDeviceKind) g_value_get_int (value);
      break;
    case PROP_LABEL:
      self->label = g_value_dup_string (value);
      break;
    case PROP_IS_DEFAULT:
      self->is_default = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_device_class_init (TlDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                           G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  object_class->finalize = tl_device_finalize;
  object_class->get_property = tl_device_get_property;
  object_class->set_property = tl_device_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, construct);
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL,
                      TL_DEVICE_KIND_IBKEY, TL_DEVICE_KIND_TEMP, TL_DEVICE_KIND_IBKEY,
                      construct);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL, construct);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IS_DEFAULT] =
    g_param_spec_boolean ("is-default", NULL, NULL, FALSE, construct);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tl_device_init (TlDevice *self)
{
}

TlDevice *
tl_device_new (const char   *id,
               TlDeviceKind  kind,
               const char   *label,
               gboolean      is_default)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (TL_TYPE_DEVICE,
                       "id", id,
                       "kind", kind,
                       "label", label,
                       "is-default", is_default,
                       NULL);
}

const char *
tl_device_get_id (TlDevice *self)
{
  g_return_val_if_fail (TL_IS_DEVICE (self), NULL);

  return self->id;
}

TlDeviceKind
tl_device_get_kind (TlDevice *self)
{
  g_return_val_if_fail (TL_IS_DEVICE (self), TL_DEVICE_KIND_IBKEY);

  return self->kind;
}

const char *
tl_device_get_label (TlDevice *self)
{
  g_return_val_if_fail (TL_IS_DEVICE (self), NULL);

  return self->label;
}

gboolean
tl_device_get_is_default (TlDevice *self)
{
  g_return_val_if_fail (TL_IS_DEVICE (self), FALSE);

  return self->is_default;
}
