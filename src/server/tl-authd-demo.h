/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The documented demo accounts. */
#define TL_AUTHD_DEMO_LIVE_USER      "demo"
#define TL_AUTHD_DEMO_LIVE_PASSWORD  "practice-live"
#define TL_AUTHD_DEMO_PAPER_USER     "demopaper"
#define TL_AUTHD_DEMO_PAPER_PASSWORD "practice-paper"
#define TL_AUTHD_DEMO_PIN            "1234"

/* trading-authd demo DIR [--port N] */
int tl_authd_demo_main (int    argc,
                        char **argv);

G_END_DECLS
