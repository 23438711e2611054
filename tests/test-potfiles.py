#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a file with translatable strings is missing from po/POTFILES
# (its strings would silently never be translated), or when POTFILES names
# a file that does not exist. Speaks TAP.
import os
import re
import sys

top = sys.argv[1]
MARKERS = {
    ".c": re.compile(r'\b(N?_|C_|NC_|g_dngettext|ngettext)\s*\('),
    ".ui": re.compile(r'translatable="yes"'),
    ".in": re.compile(r'^(Name|Comment|Keywords|GenericName)=|<(summary|description|caption|name)>', re.M),
    ".xml": re.compile(r'<(summary|description)>'),
}

listed = []
with open(os.path.join(top, "po", "POTFILES"), encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append(line)

found = []
for sub in ("src", "ui", "data"):
    for root, dirs, files in os.walk(os.path.join(top, sub)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, top)
            ext = os.path.splitext(name)[1]
            if name.endswith(".service.in"):
                continue  # a D-Bus service file: its Name= is a bus name, not text
            if name.endswith(".gschema.xml"):
                ext = ".xml"
            elif ext == ".xml" or ext not in MARKERS:
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                if MARKERS[ext].search(f.read()):
                    found.append(rel)

results = []
for rel in found:
    results.append((f"{rel} is in po/POTFILES", rel in listed))
for rel in listed:
    results.append((f"po/POTFILES entry {rel} exists", os.path.exists(os.path.join(top, rel))))

print(f"1..{len(results)}")
for i, (name, ok) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
sys.exit(0 if all(ok for _, ok in results) else 1)
