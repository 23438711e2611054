#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's first command, build-aux/run-demo, driven the way a person
# uses it: in a terminal (a pty, since trading-key watch asks on /dev/tty),
# typing the PINs, approving and denying pushes, answering a challenge with
# `trading-key respond`, and pressing Ctrl+C. Logins are made with the real
# trading-login-cli against the demo server that run-demo started. Then the
# demo is run again on the same directory (it must be reused, not enrolled
# again; stopped with SIGTERM this time), once more with the desktop app,
# whose window must appear on the test session's X display and log in from
# the keyboard, and once with its old port taken. After each run no process
# it started may be left. Speaks TAP.
#
# Arguments: SOURCE_ROOT BUILD_ROOT. Runs inside build-aux/test-session
# (private keyring, D-Bus and Xvfb display), like every test.
import codecs
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

source_root, build_root = (os.path.abspath(p) for p in sys.argv[1:3])
run_demo = os.path.join(source_root, "build-aux", "run-demo")
cli_bin = os.path.join(build_root, "src", "cli", "trading-login-cli")
key_bin = os.path.join(build_root, "src", "key", "trading-key")
authd_bin = os.path.join(build_root, "src", "server", "trading-authd")
PIN = "2468"  # the README's demo uses run-demo's default PIN

# --- TAP ---------------------------------------------------------------

count = 0
failures = 0


def diag(text):
    for line in str(text).rstrip("\n").splitlines():
        print(f"# {line}")


def ok(cond, name, detail=""):
    global count, failures
    count += 1
    if not cond:
        failures += 1
    print(f"{'ok' if cond else 'not ok'} {count} - {name}", flush=True)
    if not cond and detail:
        diag(detail)
    return cond


class Failed(Exception):
    """A step failed; the rest of that run cannot go on."""


def report_failure(run, error, term):
    """A run could not go on: says where it stopped, and what it printed."""
    first, _, rest = str(error).partition("\n")
    if term is not None and not rest:
        rest = term.since(0)[-4000:]
    ok(False, f"{run}: {first}", rest)


def require(cond, name, detail=""):
    if not ok(cond, name, detail):
        raise Failed(name)


# --- The terminal --------------------------------------------------------


# The terminal's shell, reduced to what matters here: like an interactive
# shell it leads the terminal's session and runs the command as a job, in a
# process group of its own that it puts in the foreground. So Ctrl+C reaches
# that job alone, and when the job ends nothing else is sent a SIGHUP: any
# process the command leaves behind stays, as it would in a real terminal.
# It reports the job's pid and exit status on the file descriptor argv[1].
SHELL = r"""
import os, signal, sys
report = int(sys.argv[1])
for s in (signal.SIGTTOU, signal.SIGINT, signal.SIGQUIT):
    signal.signal(s, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpid())
    for s in (signal.SIGTTOU, signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(s, signal.SIG_DFL)
    os.close(report)
    os.execv(sys.argv[2], sys.argv[2:])
try:
    os.setpgid(pid, pid)
except OSError:
    pass
os.tcsetpgrp(0, pid)
os.write(report, f"pid {pid}\n".encode())
_, status = os.waitpid(pid, 0)
os.tcsetpgrp(0, os.getpgrp())
os.write(report, f"status {os.waitstatus_to_exitcode(status)}\n".encode())
while True:
    signal.pause()
"""


class Terminal:
    """A command run from a shell in a terminal (a pty), as when a person
    types it in a terminal window. Keeps all it printed."""

    def __init__(self, argv, env):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        report_r, report_w = os.pipe()

        def controlling_tty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.shell = subprocess.Popen([sys.executable, "-c", SHELL, str(report_w), *argv],
                                      stdin=slave, stdout=slave, stderr=slave, env=env,
                                      start_new_session=True, preexec_fn=controlling_tty,
                                      pass_fds=(report_w,))
        os.close(slave)
        os.close(report_w)
        self.report = os.fdopen(report_r, "r")
        self.master = master
        self.text = ""
        self.pos = 0
        self.eof = False
        self.status = None
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        line = self._report(30)
        if not line.startswith("pid "):
            self.close()
            raise Failed(f"the terminal's shell did not start {argv}")
        self.pid = int(line.split()[1])  # the command's, and its process group's

    def _report(self, timeout):
        ready, _, _ = select.select([self.report], [], [], timeout)
        return self.report.readline() if ready else ""

    def wait(self, timeout):
        """The command's exit status, or None if it still runs after @timeout s."""
        if self.status is None:
            line = self._report(timeout)
            if line.startswith("status "):
                self.status = int(line.split()[1])
        return self.status

    def running(self):
        return self.wait(0) is None

    def close(self):
        """Closes the terminal window."""
        if self.master < 0:
            return
        if self.shell.poll() is None:
            self.shell.kill()
        self.shell.wait()
        self.thread.join(timeout=5)
        os.close(self.master)
        self.master = -1
        self.report.close()

    def _read(self):
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: every process holding the pty has gone
                data = b""
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.text += decoder.decode(data).replace("\r", "")
                self.cond.notify_all()

    def expect(self, patterns, timeout=30):
        """Waits for the first of @patterns after what was already matched;
        returns (index, match) and moves past the match."""
        if isinstance(patterns, str):
            patterns = [patterns]
        regexes = [re.compile(p, re.S) for p in patterns]
        deadline = time.monotonic() + timeout
        ended = None
        with self.cond:
            while True:
                found = [(m.start(), i, m) for i, r in enumerate(regexes)
                         for m in [r.search(self.text, self.pos)] if m]
                if found:
                    _, i, m = min(found, key=lambda f: (f[0], f[1]))
                    self.pos = m.end()
                    return i, m
                now = time.monotonic()
                if ended is None and not self.running():
                    ended = now
                # Once the command has ended, only what it printed last may still come.
                if ended is not None and now - ended > 1:
                    raise Failed(f"expected {patterns!r}, but run-demo ended (exit status {self.status})")
                if self.eof or now >= deadline:
                    why = "the terminal closed" if self.eof else f"{timeout} s passed"
                    raise Failed(f"expected {patterns!r}, but {why}")
                self.cond.wait(min(deadline - now, 0.2))

    def since(self, pos):
        with self.cond:
            return self.text[pos:]

    def type(self, text):
        os.write(self.master, text.encode())



class Piped:
    """A command with pipes; its standard output and error are collected
    as they come, so that a prompt on standard error can be waited for."""

    running = []

    def __init__(self, argv, env):
        # Its own session: no controlling terminal, as in a script.
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, text=True,
                                     start_new_session=True)
        self.out = []
        self.err = ""
        self.cond = threading.Condition()
        self.threads = [threading.Thread(target=self._collect, args=(self.proc.stdout, False), daemon=True),
                        threading.Thread(target=self._collect, args=(self.proc.stderr, True), daemon=True)]
        for t in self.threads:
            t.start()
        Piped.running.append(self)

    def _collect(self, stream, is_err):
        for chunk in iter(lambda: stream.read(1), ""):
            with self.cond:
                if is_err:
                    self.err += chunk
                else:
                    self.out.append(chunk)
                self.cond.notify_all()

    def write(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect_err(self, pattern, timeout=30):
        regex = re.compile(pattern, re.S)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = regex.search(self.err)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise Failed(f"trading-login-cli did not print {pattern!r}; it printed: {self.err}")
                self.cond.wait(min(left, 0.5))

    def finish(self, timeout=60):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        for t in self.threads:
            t.join(timeout=5)
        if self in Piped.running:
            Piped.running.remove(self)
        return status, "".join(self.out), self.err


def last_json(stdout):
    for line in reversed(stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {}


# --- Processes -----------------------------------------------------------


def processes(demo_dir, term):
    """Processes that belong to a run of the demo: in the terminal's session
    (but for its shell), or with this demo's directory in their environment
    or command line. Zombies (already dead, not yet reaped) do not count."""
    leader = term.shell.pid
    tag = b"\0TL_DEMO_DIR=" + demo_dir.encode() + b"\0"
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (os.getpid(), leader):
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read()
            try:
                with open(f"/proc/{name}/environ", "rb") as f:
                    environ = b"\0" + f.read() + b"\0"
            except OSError:
                environ = b""
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        state, session = fields[0], int(fields[3])
        if state == "Z":
            continue
        if session == leader or tag in environ or demo_dir.encode() in cmdline:
            found[int(name)] = (comm, cmdline.replace(b"\0", b" ").decode(errors="replace").strip())
    return found


def show_processes(found):
    return "\n".join(f"{pid} {comm}: {cmd}" for pid, (comm, cmd) in sorted(found.items()))


def key(*args, stdin=None, env):
    return subprocess.run([key_bin, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60)


# --- One run of the demo -------------------------------------------------


def demo_env(demo_dir, with_app):
    env = dict(os.environ, TL_DEMO_SKIP_BUILD="1", TL_BUILDDIR=build_root,
               TL_DEMO_DIR=demo_dir, TERM="xterm-256color")
    env.pop("TL_DEMO_PIN", None)
    env.pop("TL_DEMO_NO_APP", None)
    if not with_app:
        env["TL_DEMO_NO_APP"] = "1"
    else:
        # No AT-SPI: the accessibility bus it would start prints on the
        # test session's standard output, which carries this test's TAP.
        env["GTK_A11Y"] = "test"
    return env


def start(run, demo_dir, with_app, expect_before=None):
    """Starts run-demo, checks its banner, types the PINs watch asks for.
    Returns (terminal, demo.json, fingerprint, PIN prompts)."""
    term = Terminal([run_demo], demo_env(demo_dir, with_app))
    try:
        return (term, *started(run, term, demo_dir, expect_before))
    except Failed as e:
        kill_all(term, demo_dir)
        raise Failed(f"{e}\n{term.since(0)[-4000:]}")


def started(run, term, demo_dir, expect_before):
    _, m = term.expect(r"Certificate: pinned, SHA-256 ([0-9a-f]{64})\n", timeout=60)
    fingerprint = m.group(1)
    before = term.since(0).split("Trading Login demo")[0]
    if expect_before:
        ok(re.fullmatch(expect_before[0], before.strip()) is not None,
           f"{run}: run-demo prints only this before its banner: {expect_before[1]}", before)
    else:
        ok(before.strip() == "", f"{run}: run-demo prints nothing before its banner (no stray prompts)",
           before)
    with open(os.path.join(demo_dir, "demo.json"), encoding="utf-8") as f:
        demo = json.load(f)
    banner = term.since(0)
    ok(fingerprint == demo["cert_sha256"],
       f"{run}: the banner shows the certificate fingerprint of demo.json",
       f"banner {fingerprint}, demo.json {demo['cert_sha256']}")
    ok(demo["base_urls"]["live"] in banner and demo["base_urls"]["paper"] in banner,
       f"{run}: the banner shows both server addresses", banner)

    _, m = term.expect(r"Accounts \(username / password\):\n(.*?)\n\n", timeout=10)
    accounts = m.group(1)
    listed = all(re.search(rf"^\s+{u['mode']}\s+{re.escape(u['username'])} / {re.escape(u['password'])}$",
                           accounts, re.M) for u in demo["users"])
    ok(listed and len(demo["users"]) == 2,
       f"{run}: the banner lists each demo account with its password", accounts)
    term.expect(rf"The authenticator PIN is {PIN}\.", timeout=10)
    term.expect(r"Press Ctrl\+C here to stop the demo\.", timeout=10)

    # watch asks each device's PIN once, then says it watches.
    prompts = []
    while True:
        i, m = term.expect([r"PIN for (\S+) \((\w+)\) on (\S+): ", r"Press Ctrl\+C to stop\.\n"], timeout=60)
        if i == 1:
            break
        prompts.append((m.group(1), m.group(2), m.group(3)))
        if len(prompts) > 4:
            raise Failed(f"watch asks more PINs than there are demo devices:\n{term.since(0)}")
        term.type(PIN + "\n")
    expected = sorted((u["username"], u["mode"], demo["base_urls"][u["mode"]]) for u in demo["users"])
    ok(sorted(prompts) == expected,
       f"{run}: watch asks the PIN of exactly the two demo devices",
       f"asked {prompts}, expected {expected}")
    watching = term.since(0)
    ok(all(f"Watching for login requests for {u} ({mode}) on {url}." in watching
           for u, mode, url in expected),
       f"{run}: watch watches both demo devices", watching[-1500:])
    ok("Wrong PIN" not in watching, f"{run}: the PIN {PIN} opens the devices", watching[-1500:])
    return demo, fingerprint, prompts


def stop(run, term, demo_dir, how="Ctrl+C", with_app=False):
    """Stops the demo as a person would, with Ctrl+C in its terminal or
    with `kill PID` (SIGTERM to run-demo alone) from another one, and
    checks that everything run-demo started is gone."""
    running = processes(demo_dir, term)
    comms = {comm for comm, _ in running.values()}
    expected = {"trading-authd", "trading-key"} | ({"trading-login"} if with_app else set())
    ok(expected <= comms,
       f"{run}: before {how} these run: {', '.join(sorted(expected))}",
       show_processes(running))

    mark = len(term.since(0))
    if how == "Ctrl+C":
        term.type("\x03")  # the terminal sends SIGINT to its foreground process group
    else:
        os.kill(term.pid, signal.SIGTERM)
    status = term.wait(30)
    ok(status is not None, f"{run}: run-demo ends within 30 s of {how}", term.since(mark))
    try:  # its last words may still be on their way through the pty
        term.expect(r"Demo stopped[^\n]*\n", timeout=5)
    except Failed:
        pass
    after = term.since(mark)
    ok(status == 130, f"{run}: run-demo exits with status 130 (interrupted) after {how}",
       f"status {status}")
    # The terminal echoes the key as “^C” in front of it.
    ok(re.search(r"^(\^C)?Stopped\.$", after, re.M) is not None, f"{run}: watch says it stopped", after)
    ok(re.search(r"^Demo stopped\. Its data stays in .+; run build-aux/run-demo again to continue\.$",
                 after, re.M) is not None,
       f"{run}: run-demo says “Demo stopped”", after)
    left = processes(demo_dir, term)
    ok(not left, f"{run}: no process of the demo is left (server, watch, app)", show_processes(left))
    if status is None or left:
        kill_all(term, demo_dir)
    term.close()


def kill_all(term, demo_dir):
    """After a failure: end whatever this run started."""
    for cli in list(Piped.running):
        status, out, err = cli.finish(timeout=0.1)
        diag(f"trading-login-cli (exit {status}) said: {out}{err}")
    if term.running():
        try:
            os.killpg(term.pid, signal.SIGKILL)
        except OSError:
            pass
        term.wait(10)
    for pid in processes(demo_dir, term):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    term.close()


def cli_login(demo, fingerprint, mode, *extra):
    user = next(u for u in demo["users"] if u["mode"] == mode)
    argv = [cli_bin, "login", "--server", demo["base_urls"][mode], "--pin-sha256", fingerprint,
            "--mode", mode, "--username", user["username"], "--password-stdin",
            "--device", "ibkey", "--json", *extra]
    cli = Piped(argv, os.environ)
    cli.write(user["password"])
    return cli, user


def cli_simple(command, demo, fingerprint, mode):
    user = next(u for u in demo["users"] if u["mode"] == mode)
    proc = subprocess.run([cli_bin, command, "--server", demo["base_urls"][mode],
                           "--pin-sha256", fingerprint, "--mode", mode,
                           "--username", user["username"], "--json"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    return proc.returncode, last_json(proc.stdout), proc.stdout + proc.stderr


def answer_push(run, term, username, mode, decision, client="trading-login-cli"):
    """Waits for the request in the terminal and answers it as a person."""
    _, m = term.expect(r"Login request:\n(.*?)Approve this login\? \[approve/deny\]: ", timeout=60)
    details = m.group(1)
    ok(re.search(rf"User:\s+{re.escape(username)}\n", details) is not None and
       re.search(rf"Mode:\s+{mode} trading\n", details) is not None and
       re.search(rf"Client:\s+{re.escape(client)} \d", details) is not None,
       f"{run}: watch shows who asks: user, mode and client ({client})", details)
    term.type(decision + "\n")
    if decision == "approve":
        term.expect(r"PIN to approve: ", timeout=30)
        term.type(PIN + "\n")
        term.expect(rf"Approved: {re.escape(username)} \({mode}\)", timeout=30)
    else:
        term.expect(rf"Denied: {re.escape(username)} \({mode}\)", timeout=30)


# --- The runs ------------------------------------------------------------


def first_run(demo_dir):
    run = "first run"
    term = None
    try:
        term, demo, fingerprint, _ = start(run, demo_dir, with_app=False)
        ok(not os.path.exists(os.path.join(demo_dir, "app.log")),
           f"{run}: with TL_DEMO_NO_APP=1 the app is not started")

        # Push: the CLI waits; the person approves in the demo's terminal.
        cli, user = cli_login(demo, fingerprint, "paper")
        answer_push(run, term, user["username"], "paper", "approve")
        status, out, err = cli.finish()
        result = last_json(out)
        ok(status == 0 and result.get("status") == "logged_in" and
           result.get("username") == user["username"] and result.get("mode") == "paper" and
           result.get("in_keyring") is True and result.get("resumed") is False,
           f"{run}: trading-login-cli logs in with the push approved in the terminal",
           f"exit {status}\nstdout: {out}\nstderr: {err}")

        status, result, text = cli_simple("status", demo, fingerprint, "paper")
        ok(status == 0 and result.get("status") == "logged_in",
           f"{run}: the session is in the keyring and the server knows it", text)
        status, result, text = cli_simple("logout", demo, fingerprint, "paper")
        ok(status == 0 and result.get("status") == "logged_out", f"{run}: logout ends it", text)

        # Challenge: no push; the response comes from `trading-key respond`.
        mark = len(term.since(0))
        cli, user = cli_login(demo, fingerprint, "paper", "--no-push", "--answer-stdin")
        m = cli.expect_err(r"Challenge: (\S+)\n.*?type the (\d+)-digit response it shows: ")
        challenge, digits = m.group(1), int(m.group(2))
        respond = key("respond", challenge, "--username", user["username"],
                      "--server", demo["base_urls"]["paper"], "--pin-stdin",
                      stdin=PIN + "\n", env=os.environ)
        response = respond.stdout.strip().splitlines()[0] if respond.stdout.strip() else ""
        ok(respond.returncode == 0 and re.fullmatch(rf"\d{{{digits}}}", response) is not None,
           f"{run}: trading-key respond answers the challenge with {digits} digits",
           f"exit {respond.returncode}\n{respond.stdout}{respond.stderr}")
        cli.write(response)
        status, out, err = cli.finish()
        result = last_json(out)
        ok(status == 0 and result.get("status") == "logged_in" and result.get("resumed") is False,
           f"{run}: trading-login-cli logs in with the challenge response",
           f"exit {status}\nstdout: {out}\nstderr: {err}")

        # Choosing the authenticator makes a push before the client asks
        # for a challenge, which cancels it (protocol: v1/login/challenge);
        # whether watch saw it in between is a matter of timing. If it did,
        # a person may well approve it: that must let nobody in.
        term.pos = max(term.pos, mark)
        try:
            _, m = term.expect(r"Login request:\n(.*?)Approve this login\? \[approve/deny\]: ", timeout=3)
        except Failed:
            m = None
        if m is None:
            diag(f"{run}: the cancelled push did not reach watch in time")
        else:
            diag(f"{run}: the cancelled push reached watch; approving it")
            term.type("approve\n")
            term.expect(r"PIN to approve: ", timeout=30)
            term.type(PIN + "\n")
            i, _ = term.expect([r"Could not answer the login request for demopaper \(paper\)[^\n]*: [^\n]+\n",
                                r"Approved: demopaper"], timeout=30)
            ok(i == 0, f"{run}: approving the push the challenge cancelled is refused", term.since(mark))

        # Started again while it runs, in another terminal: it says so and
        # leaves the running demo alone.
        with open(os.path.join(demo_dir, "demo.json"), encoding="utf-8") as f:
            running_demo = f.read()
        again = subprocess.run([run_demo], env=demo_env(demo_dir, with_app=False), capture_output=True,
                               text=True, timeout=60, stdin=subprocess.DEVNULL, start_new_session=True)
        with open(os.path.join(demo_dir, "demo.json"), encoding="utf-8") as f:
            untouched = f.read() == running_demo
        ok(again.returncode == 1 and "is already running" in again.stderr and
           "Demo stopped" not in again.stdout and untouched,
           f"{run}: a second run-demo on the same directory refuses to start",
           f"exit {again.returncode}\n{again.stdout}{again.stderr}")

        # The app logs in as demopaper later: no session may be left over.
        status, result, text = cli_simple("logout", demo, fingerprint, "paper")
        ok(status == 0 and result.get("status") == "logged_out", f"{run}: logout ends that one too", text)

        enrolled = key("list", env=os.environ)
        stop(run, term, demo_dir)
        return fingerprint, demo["base_urls"], enrolled.stdout
    except Failed as e:
        report_failure(run, e, term)
        if term:
            kill_all(term, demo_dir)
        return None, None, None


def second_run(demo_dir, fingerprint, urls, enrolled):
    run = "second run"
    term = None
    try:
        term, demo, again, _ = start(run, demo_dir, with_app=False)
        ok(again == fingerprint, f"{run}: the demo is reused: same certificate",
           f"first {fingerprint}, now {again}")
        ok(demo["base_urls"] == urls, f"{run}: the demo is reused: same addresses",
           f"first {urls}, now {demo['base_urls']}")
        ok("taken; moving the demo" not in term.since(0), f"{run}: the demo did not have to move",
           term.since(0))
        now = key("list", env=os.environ)
        ok(now.returncode == 0 and now.stdout == enrolled,
           f"{run}: the authenticator is not activated again (trading-key list unchanged)",
           f"before:\n{enrolled}\nnow:\n{now.stdout}{now.stderr}")

        # The live account this time, and the person denies.
        cli, user = cli_login(demo, fingerprint, "live")
        answer_push(run, term, user["username"], "live", "deny")
        status, out, err = cli.finish()
        result = last_json(out)
        ok(status == 4 and result.get("status") == "error",
           f"{run}: a denied push ends the CLI login with exit code 4",
           f"exit {status}\nstdout: {out}\nstderr: {err}")

        stop(run, term, demo_dir, how="SIGTERM")
    except Failed as e:
        report_failure(run, e, term)
        if term:
            kill_all(term, demo_dir)


def window_of(pid, timeout=30):
    """The visible X window of process @pid: (id, x, y, width, height, title)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        search = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                                capture_output=True, text=True)
        for wid in search.stdout.split():
            geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid],
                                      capture_output=True, text=True).stdout
            values = dict(line.split("=", 1) for line in geometry.split() if "=" in line)
            name = subprocess.run(["xdotool", "getwindowname", wid],
                                  capture_output=True, text=True).stdout.strip()
            try:
                w, h = int(values["WIDTH"]), int(values["HEIGHT"])
                x, y = int(values["X"]), int(values["Y"])
            except (KeyError, ValueError):
                continue
            if w > 100 and h > 100:
                return wid, x, y, w, h, name
        time.sleep(0.3)
    return None


def app_run(demo_dir):
    run = "run with the app"
    term = None
    try:
        term, demo, fingerprint, _ = start(run, demo_dir, with_app=True)

        apps = {}
        deadline = time.monotonic() + 20
        while not apps and time.monotonic() < deadline:
            apps = {pid: c for pid, c in processes(demo_dir, term).items()
                    if c[0] == "trading-login"}
            time.sleep(0.2)
        app_log = os.path.join(demo_dir, "app.log")
        require(len(apps) == 1, f"{run}: the app starts", read(app_log))
        app_pid = next(iter(apps))

        keyfile = os.path.join(demo_dir, "config", "glib-2.0", "settings", "keyfile")
        settings = read(keyfile)
        ok("use-demo=true" in settings and f"demo-data-dir='{demo_dir}'" in settings,
           f"{run}: the app's demo settings are in a keyfile in the demo directory", settings)

        window = window_of(app_pid)
        require(window is not None, f"{run}: the app shows a window on the display", read(app_log))
        wid, x, y, w, h, title = window
        ok(title == "Trading Login", f"{run}: the window is titled “Trading Login”", title)

        time.sleep(1.5)  # the first frames
        shot = os.path.join(demo_dir, "screen.png")
        crop = os.path.join(demo_dir, "window.png")
        grab = subprocess.run(["import", "-window", "root", shot], capture_output=True, text=True)
        require(grab.returncode == 0, f"{run}: import takes a screenshot", grab.stderr)
        info = subprocess.run(["convert", shot, "-crop", f"{w}x{h}+{x}+{y}", "+repage",
                               "-write", crop, "-format", "%k %[fx:mean] %[fx:maxima]", "info:"],
                              capture_output=True, text=True)
        try:
            colours, mean, maxima = info.stdout.split()
            colours, mean, maxima = int(colours), float(mean), float(maxima)
        except ValueError:
            colours, mean, maxima = 0, 0.0, 0.0
        # A rendered libadwaita page: mostly light, with antialiased text
        # (many colours); neither black nor the bare root window's pattern.
        ok(colours >= 16 and mean > 0.3 and maxima > 0.5,
           f"{run}: the screenshot shows the window drawn (not black, not empty)",
           f"{info.stdout}{info.stderr}")
        if os.environ.get("TL_SCREENSHOT_DIR"):
            os.makedirs(os.environ["TL_SCREENSHOT_DIR"], exist_ok=True)
            shutil.copyfile(crop, os.path.join(os.environ["TL_SCREENSHOT_DIR"], "demo.png"))

        time.sleep(3)
        alive = processes(demo_dir, term)
        ok(app_pid in alive and window_of(app_pid, timeout=2) is not None,
           f"{run}: the app stays up", read(app_log))

        # A person logs in to the paper account from the keyboard, and
        # approves the push in the demo's terminal, as the banner says.
        # Alt+A (paper trading) puts the focus on the mode switch, and Tab
        # moves on to Username. With no window manager here, keys go to the
        # window under the pointer.
        mark = len(term.since(0))
        user = next(u for u in demo["users"] if u["mode"] == "paper")
        xdotool("mousemove", "--window", wid, str(w // 2), str(h // 2))
        xdotool("key", "--delay", "100", "alt+a", "Tab")
        xdotool("type", "--delay", "20", user["username"])
        xdotool("key", "Tab")
        xdotool("type", "--delay", "20", user["password"])
        passwords_ok = password_ok_count(demo_dir, user)
        xdotool("key", "Return")
        # Several second factors: the device page, the authenticator first.
        # It comes once the server has checked the password.
        deadline = time.monotonic() + 30
        while password_ok_count(demo_dir, user) <= passwords_ok and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(1.5)
        xdotool("key", "Return")
        try:
            answer_push(run, term, user["username"], "paper", "approve", client="trading-login")
            pushed = True
        except Failed as e:
            pushed = False
            ok(False, f"{run}: the app's login reaches the authenticator in the terminal",
               f"{e}\n{term.since(mark)}\n{read(app_log)}")
        if pushed:
            session = None
            deadline = time.monotonic() + 20
            while session is None and time.monotonic() < deadline:
                status, result, text = cli_simple("status", demo, fingerprint, "paper")
                if status == 0:
                    session = result
                else:
                    time.sleep(0.5)
            ok(session is not None and session.get("status") == "logged_in" and
               session.get("username") == user["username"],
               f"{run}: the app logs in with the push approved in the terminal; "
               "its session is in the keyring", text)

        ok(app_pid in processes(demo_dir, term),
           f"{run}: the app is still up after the login", read(app_log))
        ok(re.search(r"CRITICAL|WARNING", read(app_log)) is None,
           f"{run}: the app logs no warning", read(app_log))

        stop(run, term, demo_dir, with_app=True)
    except Failed as e:
        report_failure(run, e, term)
        if term:
            kill_all(term, demo_dir)


def password_ok_count(demo_dir, user):
    """How many times the server's audit log has a good password for @user."""
    audit = subprocess.run([authd_bin, "audit", "--data-dir", demo_dir, "--user", user["username"],
                            "--mode", user["mode"], "--limit", "1000"],
                           capture_output=True, text=True, timeout=30)
    return len(re.findall(r"\bpassword\s+ok\b", audit.stdout))


def xdotool(*args):
    subprocess.run(["xdotool", *args], capture_output=True, timeout=30)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as e:
        return f"({path}: {e.strerror})"


def moved_run(demo_dir):
    """The port of the last run is taken now: the demo moves, enrols the
    authenticator again and forgets the devices of the old address."""
    run = "run on a taken port"
    term = None
    if not os.path.exists(os.path.join(demo_dir, "demo.json")):
        ok(False, f"{run}: there is no demo.json of an earlier run to start from")
        return
    with open(os.path.join(demo_dir, "demo.json"), encoding="utf-8") as f:
        old_urls = json.load(f)["base_urls"]
    port = int(re.search(r":(\d+)/", old_urls["live"]).group(1))
    squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        squatter.bind(("127.0.0.1", port))
        squatter.listen(1)
        said = rf"run-demo: port {port}, where the demo ran last time, is taken; moving the demo to another port\."
        term, demo, _, _ = start(run, demo_dir, with_app=False,
                                       expect_before=(said, "the old port is taken"))
        ok(demo["base_urls"] != old_urls, f"{run}: the demo moves to another port", str(demo["base_urls"]))
        now = key("list", env=os.environ)
        listed = re.findall(r"^(\S+) \((\w+)\) on (\S+)$", now.stdout, re.M)
        expected = sorted((u["username"], u["mode"], demo["base_urls"][u["mode"]]) for u in demo["users"])
        ok(sorted(listed) == expected,
           f"{run}: the authenticator is enrolled at the new address only", now.stdout + now.stderr)

        # The app's session of demopaper is still active: replace it.
        cli, user = cli_login(demo, demo["cert_sha256"], "paper", "--replace-session")
        answer_push(run, term, user["username"], "paper", "approve")
        status, out, err = cli.finish()
        ok(status == 0 and last_json(out).get("status") == "logged_in",
           f"{run}: a push login works at the new address", f"exit {status}\n{out}{err}")
        stop(run, term, demo_dir)
    except Failed as e:
        report_failure(run, e, term)
        if term:
            kill_all(term, demo_dir)
    finally:
        squatter.close()


def main():
    started = time.monotonic()
    # A space in the path, as in many a home directory.
    demo_dir = tempfile.mkdtemp(prefix="tl demo ")
    try:
        fingerprint, urls, enrolled = first_run(demo_dir)
        if fingerprint is not None:
            second_run(demo_dir, fingerprint, urls, enrolled)
        app_run(demo_dir)
        moved_run(demo_dir)
        if failures:
            diag("server.log:\n" + read(os.path.join(demo_dir, "server.log"))[-3000:])
    finally:
        shutil.rmtree(demo_dir, ignore_errors=True)
    diag(f"took {time.monotonic() - started:.0f} s")
    print(f"1..{count}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
