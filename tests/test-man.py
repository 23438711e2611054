#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the man pages in docs/man/ against the programs themselves:
# each page renders without a warning, has the usual sections, and names
# every option and command that the program's --help (and each command's
# --help) prints, in the right place; it names no option that none of the
# programs has, and lists the exit statuses the program prints. Speaks TAP.
#
#   test-man.py MAN_DIR PROGRAM...
#
# The page of PROGRAM is MAN_DIR/basename(PROGRAM).1.
import os
import re
import shutil
import subprocess
import sys

man_dir = sys.argv[1]
programs = sys.argv[2:]

SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "FILES",
            "EXIT STATUS", "EXAMPLES", "SECURITY", "SEE ALSO"]
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
# An entry of GOption's option table: "  -u, --username=NAME   The username".
TABLE_ENTRY = re.compile(r"^\s+(?:-([A-Za-z0-9]), )?(--[a-z][a-z0-9-]*)(?=[= ]|$)")

ENV = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", GROFF_NO_SGR="1")
ENV.pop("MANPAGER", None)
ENV.pop("PAGER", None)

results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail, None))


def skip(name, reason):
    results.append((name, True, "", reason))


def run(argv):
    try:
        proc = subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 127, "", str(e)
    return proc.returncode, proc.stdout, proc.stderr


def first_line(text):
    text = text.strip()
    return text.splitlines()[0][:200] if text else ""


class Help:
    """What --help says, for the program or one command path."""

    def __init__(self, program, path):
        self.path = path
        argv = [program] + path + ["--help"]
        self.status, out, err = run(argv)
        self.text = out + err
        # Options given as "--help-all", "--help-gapplication": their
        # output lists more options of the same scope.
        for extra in sorted(set(re.findall(r"(?<![\w-])--help-[a-z-]+", self.text))):
            status, out, err = run([program] + path + [extra])
            if status == 0:
                self.text += out + err
        self.table = {}     # long option -> short option or None
        for line in self.text.splitlines():
            m = TABLE_ENTRY.match(line)
            if m:
                self.table[m.group(2)] = m.group(1)
        self.mentioned = set(LONG_OPTION.findall(self.text))
        self.commands = self._commands()
        self.exit_codes = self._exit_codes()

    def _commands(self):
        if not self.path:
            names, inside = [], False
            for line in self.text.splitlines():
                if line.strip() == "Commands:":
                    inside = True
                elif inside and not line.strip():
                    break
                elif inside:
                    m = re.match(r"^\s+([a-z][a-z0-9-]*)\s{2,}\S", line)
                    if m:
                        names.append(m.group(1))
            if names:
                return names
        # "Usage: trading-authd user add|passwd|del|list|unlock …"
        prefix = r"Usage:\s+\S+ " + "".join(re.escape(w) + " " for w in self.path)
        m = re.search(prefix + r"([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)+)", self.text)
        return m.group(1).split("|") if m else []

    def _exit_codes(self):
        codes, inside = [], False
        for line in self.text.splitlines():
            if line.strip().lower() == "exit status:":
                inside = True
            elif inside and not line.strip():
                break
            elif inside:
                m = re.match(r"^\s+(\d+)\s", line)
                if m:
                    codes.append(m.group(1))
        return codes


def help_tree(program):
    """Every Help of a program: itself, its commands, their commands."""
    todo, done = [[]], []
    while todo:
        path = todo.pop(0)
        h = Help(program, path)
        done.append(h)
        if len(path) < 3:
            todo.extend(path + [c] for c in h.commands)
    return done


class Page:
    """The page as a reader sees it: rendered, without line breaks inside
    paragraphs or hyphenation, split into sections and subsections."""

    def __init__(self, path):
        status, out, err = run(["groff", "-man", "-Tutf8", "-rLL=5000n", "-rHY=0",
                                "-P-cbou", path])
        self.ok = status == 0
        text = out.replace("\u2212", "-").replace("\u2010", "-")
        self.sections = {}      # "OPTIONS" -> text
        self.subsections = {}   # ("COMMANDS", "user add USERNAME") -> text
        section = subsection = None
        for line in text.splitlines():
            if re.match(r"^[A-Z][A-Z ]*[A-Z]$", line):
                section, subsection = line, None
                self.sections.setdefault(section, "")
                continue
            m = re.match(r"^   (\S.*)$", line)
            if section is not None and m:
                subsection = m.group(1).strip()
                self.subsections.setdefault((section, subsection), "")
                continue
            if section is not None:
                self.sections[section] += line + "\n"
                if subsection is not None:
                    self.subsections[(section, subsection)] += line + "\n"
        self.text = text

    def section(self, name):
        return self.sections.get(name, "")

    def command_subsection(self, path):
        for (section, title), body in self.subsections.items():
            if section == "COMMANDS" and title.split()[:len(path)] == path:
                return body
        return None


def has_option(text, option):
    return re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", text) is not None


groff = shutil.which("groff")
man = shutil.which("man")

# Learn every program's options first: a page may name another program's.
trees = {program: help_tree(program) for program in programs}
known_options = set()
versions = {}
for program, tree in trees.items():
    for h in tree:
        known_options |= set(h.table) | h.mentioned
    status, out, err = run([program, "--version"])
    m = re.match(r"^\S+ (\d+\.\d+\.\d+)$", out.strip())
    if status == 0 and m:
        versions[program] = m.group(1)
        known_options.add("--version")
version = sorted(set(versions.values()))

check("the programs agree on their version", len(version) == 1, ", ".join(version))

for program in programs:
    name = os.path.basename(program)
    page_path = os.path.join(man_dir, name + ".1")
    tree = trees[program]
    top = tree[0]

    check(f"{name} --help works", top.status == 0 and top.text.strip(), first_line(top.text))
    if not os.path.isfile(page_path):
        check(f"{name}.1 exists", False, page_path)
        continue

    with open(page_path, encoding="utf-8") as f:
        source = f.read()

    m = re.search(r'^\.TH\s+(\S+)\s+1\s+(\S+)\s+"([^"]*)"', source, re.M)
    check(f"{name}.1 has a .TH line for section 1", m is not None)
    if m:
        check(f"{name}.1 is titled {name.upper()}", m.group(1) == name.upper(), m.group(1))
        check(f"{name}.1 is dated YYYY-MM-DD", re.match(r"^\d{4}-\d{2}-\d{2}$", m.group(2)), m.group(2))
        if len(version) == 1:
            check(f"{name}.1 is for version {version[0]}", m.group(3).endswith(" " + version[0]),
                  m.group(3))

    check(f"{name}.1 is plain ASCII roff", all(ord(c) < 128 for c in source))

    if groff is None:
        skip(f"{name}.1 renders with groff -ww without warnings", "groff is not installed")
        continue
    status, out, err = run([groff, "-man", "-Tutf8", "-ww", "-z", page_path])
    check(f"{name}.1 renders with groff -ww without warnings", status == 0 and not err.strip(),
          first_line(err))
    if man is None:
        skip(f"{name}.1 renders with man --warnings", "man is not installed")
    else:
        status, out, err = run([man, "--warnings", "-l", "-E", "UTF-8", "-Tutf8", page_path])
        check(f"{name}.1 renders with man --warnings", status == 0 and out.strip() and not err.strip(),
              first_line(err))

    page = Page(page_path)
    check(f"{name}.1 renders as text", page.ok and page.sections)

    required = SECTIONS + (["COMMANDS"] if top.commands else [])
    for section in required:
        check(f"{name}.1 has the section {section}", section in page.sections)
    check(f"{name}.1 NAME reads \"{name} - what it does\"",
          re.match(r"^\s+" + re.escape(name) + r" - \S", page.section("NAME")),
          first_line(page.section("NAME")))
    check(f"{name}.1 SEE ALSO names the other programs",
          all(os.path.basename(p) + "(1)" in page.section("SEE ALSO")
              for p in programs if p != program))

    # Each command has its subsection in COMMANDS; each option of the
    # command's table is described there, or with the common options
    # in OPTIONS; options only named in the help's prose are somewhere.
    options_text = page.section("OPTIONS")
    for h in tree:
        where = " ".join(h.path) or "the program"
        if h.path:
            body = page.command_subsection(h.path)
            if h.commands:
                # "user": its subcommands have the subsections.
                body = body or ""
            else:
                check(f"{name}.1 COMMANDS has a subsection for \"{where}\"", body is not None)
                body = body or ""
        else:
            body = ""
        if h.status != 0:
            check(f"{name} {where} --help works", False, first_line(h.text))
        for option, short in sorted(h.table.items()):
            scope = body + options_text
            check(f"{name}.1 describes {option} of {where}", has_option(scope, option))
            if short:
                check(f"{name}.1 gives -{short} with {option} of {where}",
                      has_option(scope, "-" + short))
        for option in sorted(h.mentioned - set(h.table)):
            check(f"{name}.1 mentions {option} (named in {where}'s help)",
                  has_option(page.text, option))
        for code in h.exit_codes:
            check(f"{name}.1 EXIT STATUS lists {code} (from {where}'s help)",
                  re.search(r"^\s+" + code + r"\s", page.section("EXIT STATUS"), re.M))

    # No invented commands or options. Examples may use other tools.
    commands = set(top.commands)
    for (section, title) in page.subsections:
        if section == "COMMANDS":
            check(f"{name}.1 COMMANDS subsection \"{title}\" is a command of {name}",
                  title.split()[0] in commands)
    for section, body in page.sections.items():
        if section == "EXAMPLES":
            continue
        for option in sorted(set(LONG_OPTION.findall(body))):
            check(f"{name}.1 {section}: {option} is an option of one of the programs",
                  option in known_options)

print(f"1..{len(results)}")
for i, (name, ok, detail, reason) in enumerate(results, 1):
    line = f"{'ok' if ok else 'not ok'} {i} - {name}"
    if reason:
        line += f" # SKIP {reason}"
    elif not ok and detail:
        line += f" # {detail}"
    print(line)
sys.exit(0 if all(ok for _, ok, _, _ in results) else 1)
