#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# trading-login loads libsoup only after its first frame, through the
# tlhttp module (src/app/tl-http-loader.c, docs/performance.md): its
# executable must not need libsoup, the module must export nothing but its
# entry point, and every libtlauth function the module uses must be one
# the executable exports, or the module would fail to load at run time.
# Speaks TAP.
#
# Arguments: TRADING_LOGIN TLHTTP_MODULE
import subprocess
import sys

app, module = sys.argv[1:3]
count = 0
failures = 0


def ok(cond, name, detail=""):
    global count, failures
    count += 1
    if not cond:
        failures += 1
    print(f"{'ok' if cond else 'not ok'} {count} - {name}", flush=True)
    if not cond and detail:
        for line in str(detail).splitlines():
            print(f"# {line}")


def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]


def dynamic_symbols(path, which):
    out = subprocess.run(["nm", "-D", which, path], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


app_needs = needed(app)
ok(not any(lib.startswith("libsoup") for lib in app_needs),
   "trading-login does not link libsoup", "NEEDED: " + ", ".join(app_needs))
ok(any(lib.startswith("libsoup-3.0") for lib in needed(module)), "the tlhttp module links libsoup 3")

exported = dynamic_symbols(module, "--defined-only")
ok(exported == {"tl_http_module_get"}, "the module exports only tl_http_module_get",
   "exported: " + ", ".join(sorted(exported)))

wanted = {s for s in dynamic_symbols(module, "--undefined-only") if s.startswith("tl_")}
missing = wanted - dynamic_symbols(app, "--defined-only")
ok(len(wanted) > 0 and not missing, f"trading-login exports the {len(wanted)} libtlauth functions the module uses",
   "missing: " + ", ".join(sorted(missing)))

print(f"1..{count}")
sys.exit(1 if failures else 0)
