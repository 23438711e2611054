/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tl-types.h"

G_BEGIN_DECLS

/* Checks a server address as typed and returns its canonical form: an
 * https URL with a host, no query, user or fragment, and a path ending in
 * '/'. The mode comes from the last path segment ("…/live/" or
 * "…/paper/"); when it says neither, @out_mode_known is FALSE.
 * TL_KEY_ERROR_USAGE with a sentence saying what to fix. */
char     *tl_key_url_normalize_server  (const char  *typed,
                                        TlMode      *out_mode,
                                        gboolean    *out_mode_known,
                                        GError     **error);

/* 64 lower-case hex digits from a SHA-256 fingerprint typed with or
 * without colons or spaces, in any case. TL_KEY_ERROR_USAGE otherwise. */
char     *tl_key_url_normalize_pin     (const char  *typed,
                                        GError     **error);

/* "ab:cd:…" for people. */
char     *tl_key_url_format_pin        (const char  *pin);

G_END_DECLS
