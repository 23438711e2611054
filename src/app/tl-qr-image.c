/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-qr-image"

#include "config.h"

#include <qrencode.h>
#include <string.h>

#include "tl-qr-image.h"

#define QUIET_ZONE 4
#define NATURAL_MODULE_PX 4

struct _TlQrImage
{
  GtkWidget  parent_instance;

  char      *text;
  QRcode    *code;
};

G_DEFINE_FINAL_TYPE (TlQrImage, tl_qr_image, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tl_qr_image_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  TlQrImage *self = TL_QR_IMAGE (widget);
  int side = self->code != NULL ? self->code->width + 2 * QUIET_ZONE : 0;

  /* Four pixels per module scan comfortably from a phone held at the
   * screen; less is not offered, or a tight layout would shrink it. */
  *minimum = side * NATURAL_MODULE_PX;
  *natural = side * NATURAL_MODULE_PX;
}

static void
tl_qr_image_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  TlQrImage *self = TL_QR_IMAGE (widget);
  static const GdkRGBA light = { 1, 1, 1, 1 };
  static const GdkRGBA dark = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int side, module_px, x0, y0;

  if (self->code == NULL)
    return;

  side = self->code->width + 2 * QUIET_ZONE;
  module_px = MIN (width, height) / side;
  if (module_px < 1)
    return;

  x0 = (width - side * module_px) / 2;
  y0 = (height - side * module_px) / 2;

  gtk_snapshot_append_color (snapshot, &light,
                             &GRAPHENE_RECT_INIT (x0, y0, side * module_px, side * module_px));

  for (int y = 0; y < self->code->width; y++)
    for (int x = 0; x < self->code->width; x++)
      if (self->code->data[y * self->code->width + x] & 1)
        gtk_snapshot_append_color (snapshot, &dark,
                                   &GRAPHENE_RECT_INIT (x0 + (x + QUIET_ZONE) * module_px,
                                                        y0 + (y + QUIET_ZONE) * module_px,
                                                        module_px, module_px));
}

static void
tl_qr_image_finalize (GObject *object)
{
  TlQrImage *self = (TlQrImage *) object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->code, QRcode_free);

  G_OBJECT_CLASS (tl_qr_image_parent_class)->finalize (object);
}

static void
tl_qr_image_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TlQrImage *self = TL_QR_IMAGE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_qr_image_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TlQrImage *self = TL_QR_IMAGE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      tl_qr_image_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_qr_image_class_init (TlQrImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tl_qr_image_finalize;
  object_class->get_property = tl_qr_image_get_property;
  object_class->set_property = tl_qr_image_set_property;

  widget_class->measure = tl_qr_image_measure;
  widget_class->snapshot = tl_qr_image_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrimage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tl_qr_image_init (TlQrImage *self)
{
}

GtkWidget *
tl_qr_image_new (void)
{
  return g_object_new (TL_TYPE_QR_IMAGE, NULL);
}

const char *
tl_qr_image_get_text (TlQrImage *self)
{
  g_return_val_if_fail (TL_IS_QR_IMAGE (self), NULL);

  return self->text;
}

void
tl_qr_image_set_text (TlQrImage  *self,
                      const char *text)
{
  g_return_if_fail (TL_IS_QR_IMAGE (self));

  if (text != NULL && text[0] == '\0')
    text = NULL;

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->code, QRcode_free);
  if (text != NULL)
    {
      /* Fails only for out-of-memory or absurd lengths; then no code is
       * drawn and the digits next to it still work. */
      self->code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, TRUE);
      if (self->code == NULL)
        g_warning ("Could not encode a QR code of %u bytes", (guint) strlen (text));
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

int
tl_qr_image_get_modules (TlQrImage *self)
{
  g_return_val_if_fail (TL_IS_QR_IMAGE (self), 0);

  return self->code != NULL ? self->code->width : 0;
}

gboolean
tl_qr_image_get_module (TlQrImage *self,
                        int        x,
                        int        y)
{
  g_return_val_if_fail (TL_IS_QR_IMAGE (self), FALSE);

  if (self->code == NULL || x < 0 || y < 0 || x >= self->code->width || y >= self->code->width)
    return FALSE;

  return (self->code->data[y * self->code->width + x] & 1) != 0;
}
