/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_DEVICE_PAGE (tl_device_page_get_type ())

G_DECLARE_FINAL_TYPE (TlDevicePage, tl_device_page, TL, DEVICE_PAGE, TlPage)

/* The user's second factors with kind and label, the default (or the one
 * in use) selected; Continue selects it. */
const char *tl_device_page_get_selected  (TlDevicePage *self);
void        tl_device_page_set_selected  (TlDevicePage *self,
                                          const char   *device_id);

G_END_DECLS
