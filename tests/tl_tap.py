# SPDX-License-Identifier: GPL-3.0-or-later
#
# TAP for the Python tests: each result printed as it comes, the plan at
# the end. `import tl_tap` from a test in this folder.


class Failed(Exception):
    """A required step failed: the rest of the test cannot go on."""


class Tap:
    def __init__(self):
        self.count = 0
        self.failures = 0

    @staticmethod
    def diag(text):
        for line in str(text).rstrip("\n").splitlines():
            print(f"# {line}")

    def ok(self, cond, name, detail=""):
        self.count += 1
        if not cond:
            self.failures += 1
        print(f"{'ok' if cond else 'not ok'} {self.count} - {name}", flush=True)
        if not cond and detail:
            self.diag(detail)
        return bool(cond)

    def skip(self, name, reason):
        self.count += 1
        print(f"ok {self.count} - {name} # SKIP {reason}", flush=True)

    def require(self, cond, name, detail=""):
        if not self.ok(cond, name, detail):
            raise Failed(name)

    def finish(self):
        """Prints the plan; returns the exit status (1 if anything failed or nothing ran)."""
        print(f"1..{self.count}")
        return 1 if self.failures or self.count == 0 else 0
