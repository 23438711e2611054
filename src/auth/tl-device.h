/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tl-types.h"

G_BEGIN_DECLS

#define TL_TYPE_DEVICE (tl_device_get_type ())

G_DECLARE_FINAL_TYPE (TlDevice, tl_device, TL, DEVICE, GObject)

/* One of the user's second factors as the server lists it. Immutable;
 * properties "id", "kind" (TlDeviceKind as int), "label", "description"
 * (tl_device_kind_describe), "is-default". */
TlDevice     *tl_device_new             (const char   *id,
                                         TlDeviceKind  kind,
                                         const char   *label,
                                         gboolean      is_default);
const char   *tl_device_get_id          (TlDevice     *self);
TlDeviceKind  tl_device_get_kind        (TlDevice     *self);
const char   *tl_device_get_label       (TlDevice     *self);
gboolean      tl_device_get_is_default  (TlDevice     *self);

G_END_DECLS
