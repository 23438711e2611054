/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TL_TYPE_QR_IMAGE (tl_qr_image_get_type ())

G_DECLARE_FINAL_TYPE (TlQrImage, tl_qr_image, TL, QR_IMAGE, GtkWidget)

/* A QR code (libqrencode) of "text", drawn dark on light whatever the
 * style, with the quiet zone scanners need, in whole pixels per module. */
GtkWidget  *tl_qr_image_new          (void);
const char *tl_qr_image_get_text     (TlQrImage  *self);
void        tl_qr_image_set_text     (TlQrImage  *self,
                                      const char *text);
/* Modules per side without the quiet zone; 0 when there is no code. */
int         tl_qr_image_get_modules  (TlQrImage  *self);
/* Whether the module at (x, y) is dark. */
gboolean    tl_qr_image_get_module   (TlQrImage  *self,
                                      int         x,
                                      int         y);

G_END_DECLS
