/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TL_TYPE_PREFERENCES_WINDOW (tl_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TlPreferencesWindow, tl_preferences_window, TL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Servers (base URL and certificate pin per mode, "Use demo server") and
 * the trading app command per mode, stored in GSettings. */
TlPreferencesWindow *tl_preferences_window_new (GtkWindow *parent);

G_END_DECLS
