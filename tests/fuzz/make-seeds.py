#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the hand-made seed inputs of tests/fuzz/corpus/: realistic
# contract messages and edge cases. The SRP seeds are computed here from
# the contract's formulas (independently of tl-srp.c) so that the honest
# path of each side is in the corpus. Run it from anywhere; it overwrites
# only the files it names, so inputs found by fuzzing (crash-*, found-*)
# stay.
#
#   tests/fuzz/make-seeds.py

import base64
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    elif not isinstance(data, (bytes, bytearray)):
        data = json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8")
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def b64(data):
    return base64.b64encode(data).decode("ascii")


# SRP (contract "Password authentication: SRP-6a")

N1024 = int(
    "EEAF0AB9ADB38DD69C33F80AFA8FC5E86072618775FF3C0B9EA2314C"
    "9C256576D674DF7496EA81D3383B4813D692C6E0E0D5D8E250B98BE4"
    "8E495C1D6089DAD15DC7D7B46154D6B6CE8EF4AD69B15D4982559B29"
    "7BCF1885C529F566660E57EC68EDBC3C05726CC02FD4CBF4976EAA9A"
    "FD5138FE8376435B9FC61D2FC0EB06E3", 16)
# RFC 3526 group 15 = RFC 5054's 3072-bit group.
N3072 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E08"
    "8A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B"
    "302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9"
    "A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE6"
    "49286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8"
    "FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D"
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C"
    "180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D"
    "04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7D"
    "B3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226"
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFC"
    "E0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)

GROUPS = {
    # flag bit 1: (N, g, byte length, hash)
    0: (N1024, 2, 128, hashlib.sha1),
    2: (N3072, 5, 384, hashlib.sha256),
}

USERNAME = b"alice"
PASSWORD = b"correct horse battery staple"
SALT = bytes.fromhex("beb25379d1a8581eb5a727673a2441ee")
A_PRIV = bytes.fromhex("60975527035cf2ad1989806f0407210bc81edc04e2762a56afd529ddda2d4393")
B_PRIV = bytes.fromhex("e487cb59d31ac550471e81f00f6928e01dda08e974a004f49e61f5d105284d20")


def pad(n, length):
    return n.to_bytes(length, "big")


def minimal(n):
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


def H(h, *parts):
    d = h()
    for p in parts:
        d.update(p)
    return d.digest()


def srp_run(flag, salt, a_priv, b_priv):
    N, g, length, h = GROUPS[flag]
    k = int.from_bytes(H(h, pad(N, length), pad(g, length)), "big")
    x = int.from_bytes(H(h, salt, H(h, USERNAME + b":" + PASSWORD)), "big")
    v = pow(g, x, N)
    a = int.from_bytes(a_priv, "big")
    b = int.from_bytes(b_priv, "big")
    A = pow(g, a, N)
    B = (k * v + pow(g, b, N)) % N
    u = int.from_bytes(H(h, pad(A, length), pad(B, length)), "big")
    S = pow((B - k * pow(g, x, N)) % N, a + u * x, N)
    assert S == pow(A * pow(v, u, N) % N, b, N)
    K = H(h, pad(S, length))
    hn = H(h, minimal(N))
    hg = H(h, minimal(g))
    M1 = H(h, bytes(i ^ j for i, j in zip(hn, hg)), H(h, USERNAME), salt,
           pad(A, length), pad(B, length), K)
    M2 = H(h, pad(A, length), M1, K)
    return dict(N=N, length=length, A=pad(A, length), B=pad(B, length),
                M1=M1, M2=M2, hash_len=len(M1))


def field(data):
    return len(data).to_bytes(2, "big") + data


def srp_seeds():
    for flag, gname in ((0, "1024"), (2, "3072")):
        N = GROUPS[flag][0]
        length = GROUPS[flag][2]
        # The client's side: an honest server with this salt and b.
        honest = srp_run(flag, SALT, A_PRIV, B_PRIV)
        client = bytes([flag])
        write("fuzz-srp", f"client-{gname}-honest",
              client + field(SALT) + field(honest["B"]) + field(honest["M2"]))
        write("fuzz-srp", f"client-{gname}-wrong-M2",
              client + field(SALT) + field(honest["B"]) + field(bytes(honest["hash_len"])))
        write("fuzz-srp", f"client-{gname}-short-M2",
              client + field(SALT) + field(honest["B"]) + field(honest["M2"][:-1]))
        for name, B in (("B-zero", b"\0"), ("B-zero-padded", bytes(length)),
                        ("B-N", pad(N, length)), ("B-N-plus-1", pad(N + 1, length)),
                        ("B-one", b"\1"), ("B-N-minus-1", pad(N - 1, length)),
                        ("B-all-ff", b"\xff" * length), ("B-too-long", b"\0" + pad(N - 1, length)),
                        ("B-empty", b"")):
            write("fuzz-srp", f"client-{gname}-{name}",
                  client + field(SALT) + field(B) + field(honest["M2"]))
        write("fuzz-srp", f"client-{gname}-salt-empty",
              client + field(b"") + field(honest["B"]) + field(honest["M2"]))
        write("fuzz-srp", f"client-{gname}-salt-long",
              client + field(b"\xa5" * 1024) + field(honest["B"]) + field(honest["M2"]))

        # The server's side: an honest client against the target's fixed b.
        honest = srp_run(flag, SALT, A_PRIV, B_PRIV)
        server = bytes([flag | 1])
        write("fuzz-srp", f"server-{gname}-honest",
              server + field(honest["A"]) + field(honest["M1"]))
        write("fuzz-srp", f"server-{gname}-wrong-M1",
              server + field(honest["A"]) + field(bytes(honest["hash_len"])))
        for name, A in (("A-zero", b"\0"), ("A-zero-padded", bytes(length)),
                        ("A-N", pad(N, length)), ("A-2N-truncated", pad(2 * N % (1 << (8 * length)), length)),
                        ("A-one", b"\1"), ("A-N-minus-1", pad(N - 1, length)),
                        ("A-too-long", b"\0" * (length + 1)), ("A-empty", b"")):
            write("fuzz-srp", f"server-{gname}-{name}",
                  server + field(A) + field(honest["M1"]))
        write("fuzz-srp", f"server-{gname}-M1-long",
              server + field(honest["A"]) + field(honest["M1"] + b"\0"))
    write("fuzz-srp", "empty-after-flag", b"\0")
    write("fuzz-srp", "truncated-length", b"\x01\xff")


# Server responses (contract "Login", "Session", "Second-factor devices")

TOKEN = "Xq3mZ8r1bT5vY0wK2pLs9dHf4gJc7nAe6uQiRoVtB1k"
SESSION = {"token": TOKEN, "username": "alice", "mode": "live",
           "account": "U1234567", "read_only": False,
           "expires_at": "2030-06-01T12:00:00Z"}


def response_seeds():
    honest = srp_run(2, SALT, A_PRIV, B_PRIV)
    r = {}
    r["login-start"] = {"login_id": "lg_5f2c9a1e", "srp": {
        "group": "rfc5054-3072", "hash": "sha256", "salt": b64(SALT),
        "B": b64(honest["B"])}, "expires_in": 300}
    r["verify-second-factor"] = {
        "M2": b64(honest["M2"]), "next": "second_factor",
        "second_factor": {"devices": [
            {"id": "d1", "kind": "ibkey", "label": "Pixel 8"},
            {"id": "d2", "kind": "totp", "label": "Authenticator"},
            {"id": "d3", "kind": "sms", "label": "+1 *** *** 1234"},
            {"id": "d4", "kind": "dsc", "label": "DSC+"},
            {"id": "d5", "kind": "card", "label": "Code card"},
            {"id": "d6", "kind": "temp", "label": "Temporary passcode"},
            {"id": "d7", "kind": "yubikey", "label": "from a newer server"}],
            "default_device": "d1", "read_only_allowed": True, "timeout": 180},
        "existing_session": None}
    r["verify-existing-session"] = {
        "M2": b64(honest["M2"]), "next": "second_factor",
        "second_factor": {"devices": [{"id": "d1", "kind": "ibkey", "label": "Pixel 8"}],
                          "default_device": "d1", "read_only_allowed": False, "timeout": 180},
        "existing_session": {"client": "trading-login 0.1.0", "since": "2024-03-01T08:30:00+01:00"}}
    r["verify-existing-session-year-1"] = {
        "M2": b64(honest["M2"]), "next": "second_factor",
        "second_factor": {"devices": [], "timeout": 180},
        "existing_session": {"client": "x", "since": "0001-01-01T00:00:00+14:00"}}
    r["verify-session"] = {"M2": b64(honest["M2"]), "next": "session",
                           "session": SESSION, "existing_session": None}
    r["verify-next-unknown"] = {"M2": b64(honest["M2"]), "next": "party"}
    r["sf-push"] = {"method": "push", "push_id": "p_77", "expires_in": 180}
    r["sf-totp"] = {"method": "code", "digits": 6, "charset": "digits"}
    r["sf-sms"] = {"method": "code", "digits": 6, "charset": "digits",
                   "sent_to": "+1 *** *** 1234", "resend_after": 30}
    r["sf-temp"] = {"method": "code", "digits": 8, "charset": "upper-alnum"}
    r["sf-dsc"] = {"method": "challenge", "challenge": "123456",
                   "suite": "OCRA-1:HOTP-SHA1-8:QN06-PSHA1", "response_digits": 8}
    r["sf-card"] = {"method": "card", "indices": [12, 57], "response_length": 6}
    r["sf-card-bad-index"] = {"method": "card", "indices": [12, -1, 1e3, "7"], "response_length": 6}
    for status in ("pending", "denied", "expired"):
        r[f"push-wait-{status}"] = {"status": status}
    r["push-wait-approved"] = {"status": "approved", "session": SESSION}
    r["challenge"] = {"challenge": "12345678", "suite": "OCRA-1:HOTP-SHA256-8:QN08",
                      "response_digits": 8}
    r["challenge-too-long"] = {"challenge": "123456789", "suite": "OCRA-1:HOTP-SHA256-8:QN08",
                               "response_digits": 8}
    r["answer"] = {"session": SESSION}
    r["read-only"] = {"session": dict(SESSION, read_only=True)}
    r["resend"] = {"sent_to": "+1 *** *** 1234", "resend_after": 30}
    r["session-get"] = {k: v for k, v in SESSION.items() if k != "token"}
    r["logout"] = {"status": "logged_out"}
    r["error-invalid-credentials"] = {"error": "invalid_credentials",
                                      "message": "Wrong username or password.", "attempts_left": 7}
    r["error-locked"] = {"error": "locked", "message": "Locked.", "retry_after": 86400}
    r["error-throttled"] = {"error": "throttled", "message": "Slow down.", "retry_after": 30}
    r["error-second-factor-failed"] = {"error": "second_factor_failed",
                                       "message": "Wrong code.", "attempts_left": 2}
    r["error-unknown-code"] = {"error": "teapot", "message": "I'm a teapot."}
    r["error-negative-retry"] = {"error": "locked", "message": "x", "retry_after": -5}
    r["device-activate"] = {"device_id": "dev_1", "secret": b64(bytes(range(32))),
                            "ocra_suite": "OCRA-1:HOTP-SHA256-8:QN08",
                            "totp": {"algorithm": "SHA1", "digits": 6, "period": 30}}
    r["device-pending"] = {"requests": [{"push_id": "p_77", "username": "alice", "mode": "paper",
                                         "client": "trading-login 0.1.0", "ip": "127.0.0.1",
                                         "created_at": "2024-03-01T08:30:00Z"}]}
    r["device-respond"] = {"status": "ok"}
    for name, obj in r.items():
        write("fuzz-response", name, obj)
        write("fuzz-message", name, obj)

    # Bodies that are not what they should be.
    odd = {
        "empty": b"",
        "not-json": b"<html><body>502 Bad Gateway</body></html>",
        "array": b"[1,2,3]",
        "string": b"\"session\"",
        "truncated": json.dumps(r["verify-second-factor"]).encode()[:-7],
        "nul-escape": b'{"token": "abc\\u0000def", "username": "al\\u0000ice"}',
        "lone-surrogate": b'{"message": "\\ud800"}',
        "invalid-utf8": b'{"message": "\xc3\x28"}',
        "bom": b'\xef\xbb\xbf{"status": "ok"}',
        "duplicate-keys": b'{"status": "pending", "status": "approved", "session": 1, "session": {}}',
        "big-numbers": b'{"expires_in": 9223372036854775807, "timeout": -9223372036854775808,'
                       b' "digits": 18446744073709551616, "resend_after": 1e400, "attempts_left": -0}',
        "floats": b'{"expires_in": 300.0, "digits": 6.5, "response_length": 1e1}',
        "wrong-types": b'{"login_id": 1, "srp": [], "M2": null, "next": true, "devices": {},'
                       b' "session": "x", "indices": "12,57"}',
        "depth-8": b'{"a":[[[[[[[1]]]]]]]}',
        "depth-9": b'{"a":[[[[[[[[1]]]]]]]]}',
        "brackets-in-strings": b'{"a": "[[[[[[[[[[{{{{{{{{", "b": "\\"[[[["}',
        "escaped-backslash-end": b'{"a": "\\\\", "b": [[[[[[[1]]]]]]]}',
        "long-string": b'{"message": "' + b"x" * 5000 + b'"}',
        "whitespace": b' \t\r\n{ "status" : "ok" } \n',
        "trailing-garbage": b'{"status": "ok"} {"status": "ok"}',
        "comments": b'{/* c */ "status": "ok" // c\n}',
        "single-quotes": b"{'status': 'ok'}",
    }
    for name, data in odd.items():
        write("fuzz-response", name, data)
        write("fuzz-message", name, data)


def session_seeds():
    s = {}
    s["session"] = SESSION
    s["session-paper-read-only"] = dict(SESSION, mode="paper", read_only=True)
    s["session-no-token"] = {k: v for k, v in SESSION.items() if k != "token"}
    s["session-offset"] = dict(SESSION, expires_at="2030-06-01T14:00:00+02:00")
    s["session-fraction"] = dict(SESSION, expires_at="2030-06-01T12:00:00.999999Z")
    s["session-lowercase-t"] = dict(SESSION, expires_at="2030-06-01t12:00:00z")
    s["session-no-zone"] = dict(SESSION, expires_at="2030-06-01T12:00:00")
    s["session-year-1"] = dict(SESSION, expires_at="0001-01-01T00:00:00Z")
    s["session-year-9999"] = dict(SESSION, expires_at="9999-12-31T23:59:59Z")
    s["session-expired"] = dict(SESSION, expires_at="1970-01-01T00:00:00Z")
    s["session-token-short"] = dict(SESSION, token=TOKEN[:-1])
    s["session-token-padded"] = dict(SESSION, token=TOKEN[:-1] + "=")
    s["session-token-std-alphabet"] = dict(SESSION, token=TOKEN[:-2] + "+/")
    s["session-username-upper"] = dict(SESSION, username="Alice")
    s["session-username-65"] = dict(SESSION, username="a" * 65)
    s["session-mode-unknown"] = dict(SESSION, mode="demo")
    s["session-read-only-string"] = dict(SESSION, read_only="false")
    s["session-account-empty"] = dict(SESSION, account="")
    s["session-extra-members"] = dict(SESSION, extra={"nested": [1, 2, 3]})
    for name, obj in s.items():
        write("fuzz-session", name, obj)
    write("fuzz-session", "session-nul-in-token",
          json.dumps(SESSION).replace(TOKEN, TOKEN[:10] + "\\u0000" + TOKEN[11:]))


def ocra_seeds():
    key20 = b"12345678901234567890"
    key32 = b"12345678901234567890123456789012"
    key64 = key32 * 2
    seeds = {
        # RFC 6287 appendix C vectors (suite, Q, PIN, session, key)
        "rfc-sha1-qn08": ("OCRA-1:HOTP-SHA1-6:QN08", "11111111", "", "", key20),
        "rfc-sha256-c-qn08-psha1": ("OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", "12345678", "1234", "", key32),
        "rfc-sha256-qn08-psha1": ("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", "00000000", "1234", "", key32),
        "rfc-sha512-c-qn08": ("OCRA-1:HOTP-SHA512-8:C-QN08", "22222222", "", "", key64),
        "rfc-sha512-qn08-t1m": ("OCRA-1:HOTP-SHA512-8:QN08-T1M", "00000000", "", "", key64),
        "rfc-mutual-qa08": ("OCRA-1:HOTP-SHA256-8:QA08", "CLI22220", "", "", key32),
        "rfc-sig-qa10-t1m": ("OCRA-1:HOTP-SHA512-8:QA10-T1M", "SIG1000000", "", "", key64),
        # The contract's suites
        "contract-soft": ("OCRA-1:HOTP-SHA256-8:QN08", "12345678", "", "", key32),
        "contract-card": ("OCRA-1:HOTP-SHA1-8:QN06-PSHA1", "123456", "1234", "", key20),
        # Edges of the grammar
        "session-s064": ("OCRA-1:HOTP-SHA1-6:QH40-S064", "0123456789abcdefABCDEF", "", "session-info", key20),
        "session-s512": ("OCRA-1:HOTP-SHA1-6:QN04-S512", "1234", "", "x" * 512, key20),
        "full-hmac": ("OCRA-1:HOTP-SHA1-0:QH64", "f" * 64, "", "", key20),
        "ten-digits-all-fields": ("OCRA-1:HOTP-SHA512-10:C-QA64-PSHA512-S001-T48H", "~" * 64, "9", "s", key64),
        "t59s": ("OCRA-1:HOTP-SHA256-4:QN04-T59S", "0000", "", "", key32),
        "hex-odd-length": ("OCRA-1:HOTP-SHA1-6:QH05", "abcde", "", "", key20),
        "numeric-zero": ("OCRA-1:HOTP-SHA1-6:QN08", "0", "", "", key20),
        "numeric-max": ("OCRA-1:HOTP-SHA1-6:QN64", "9" * 64, "", "", key20),
        # Refused
        "bad-version": ("OCRA-2:HOTP-SHA1-6:QN08", "1", "", "", key20),
        "bad-hash": ("OCRA-1:HOTP-MD5-6:QN08", "1", "", "", key20),
        "bad-digits": ("OCRA-1:HOTP-SHA1-3:QN08", "1", "", "", key20),
        "leading-zero-digits": ("OCRA-1:HOTP-SHA1-06:QN08", "1", "", "", key20),
        "q-too-long": ("OCRA-1:HOTP-SHA1-6:QN65", "1", "", "", key20),
        "q-missing": ("OCRA-1:HOTP-SHA1-6:C", "1", "", "", key20),
        "out-of-order": ("OCRA-1:HOTP-SHA1-6:QN08-C", "1", "", "", key20),
        "repeated": ("OCRA-1:HOTP-SHA1-6:QN08-QN08", "1", "", "", key20),
        "empty-field": ("OCRA-1:HOTP-SHA1-6:QN08--PSHA1", "1", "", "", key20),
        "t0h": ("OCRA-1:HOTP-SHA1-6:QN08-T0H", "1", "", "", key20),
        "t49h": ("OCRA-1:HOTP-SHA1-6:QN08-T49H", "1", "", "", key20),
        "s000": ("OCRA-1:HOTP-SHA1-6:QN08-S000", "1", "", "", key20),
        "four-parts": ("OCRA-1:HOTP-SHA1-6:QN08:x", "1", "", "", key20),
        "utf8": ("OCRA-1:HOTP-SHA1-6:QN08-P\u00e9", "1", "", "", key20),
        "invalid-utf8": ("OCRA-1:HOTP-SHA1-6:Q\udcff08", "1", "", "", key20),
        "empty-key": ("OCRA-1:HOTP-SHA1-6:QN08", "12345678", "", "", b""),
        "no-pin": ("OCRA-1:HOTP-SHA1-8:QN06-PSHA1", "123456", "", "", key20),
        "question-wrong-format": ("OCRA-1:HOTP-SHA1-8:QN06", "12a456", "", "", key20),
        "too-long-suite": ("OCRA-1:HOTP-SHA1-6:" + "QN08-" * 30, "1", "", "", key20),
    }
    for name, (suite, question, pin, session, key) in seeds.items():
        text = "\n".join((suite, question, pin, session)).encode("utf-8", "surrogateescape")
        write("fuzz-ocra", name, text + b"\n" + key)
    write("fuzz-ocra", "empty", b"")


def base64_seeds():
    honest = srp_run(2, SALT, A_PRIV, B_PRIV)
    seeds = {
        "salt": (16, b64(SALT)),
        "B-3072": (255, b64(honest["B"])),
        "M2": (64, b64(honest["M2"])),
        "bound-exact": (3, "AAAA"),
        "bound-minus-one": (2, "AAAA"),
        "one-pad": (2, "AAA="),
        "two-pad": (1, "AA=="),
        "three-pad": (3, "A==="),
        "all-pad": (3, "===="),
        "pad-in-middle": (6, "AA==AAAA"),
        "pad-then-char": (3, "AA=A"),
        "no-padding": (3, "AAA"),
        "urlsafe": (3, "-_-_"),
        "whitespace": (6, "AAAA\nAAAA"),
        "space": (6, "AA AA"),
        "non-canonical-bits": (1, "AB=="),
        "empty": (3, ""),
        "high-bytes": (6, "\u00e9\u00e9\u00e9\u00e9"),
    }
    for name, (bound, text) in seeds.items():
        write("fuzz-base64", name, bytes([bound]) + text.encode("utf-8"))
    write("fuzz-base64", "embedded-nul", b"\x06AAAA\0AAA")


def username_seeds():
    seeds = {
        "plain": b"alice",
        "upper": b"ALICE",
        "spaces": b"  Bob123 \t\n",
        "inner-space": b"al ice",
        "max": b"a" * 64,
        "too-long": b"a" * 65,
        "too-long-after-strip": b" " + b"a" * 64 + b" ",
        "empty": b"",
        "only-spaces": b"   ",
        "latin1-upper": "\u00c4LICE".encode(),
        "kelvin-sign": "\u212a".encode(),
        "dotted-capital-i": "\u0130".encode(),
        "sharp-s": "STRA\u00dfE".encode(),
        "fullwidth": "\uff41\uff4c\uff49\uff43\uff45".encode(),
        "nbsp": "\u00a0alice\u00a0".encode(),
        "invalid-utf8": b"al\xffice",
        "truncated-utf8-end": b"alice\xf0",
        "truncated-utf8-3": b"alice\xe2\x82",
        "overlong": b"\xc0\xe1lice",
        "nul-inside": b"al\0ice",
        "mode-live": b"live",
        "mode-paper": b"paper",
        "kind-ibkey": b"ibkey",
        "kind-temp": b"temp",
        "error-locked": b"locked",
        "error-server-error": b"server_error",
    }
    for name, data in seeds.items():
        write("fuzz-username", name, data)


def otpauth_seeds():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    seeds = {
        "google-example": "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        "full": f"otpauth://totp/Trading%20Login:alice?secret={secret}&issuer=Trading%20Login"
                "&algorithm=SHA1&digits=6&period=30",
        "sha256-8": f"otpauth://totp/ACME:bob?secret={secret}&algorithm=SHA256&digits=8&period=60",
        "sha512": f"otpauth://totp/bob?secret={secret}&algorithm=sha512",
        "no-issuer": f"otpauth://totp/alice?secret={secret}",
        "lower-case-secret": f"otpauth://totp/alice?secret={secret.lower()}",
        "padded-secret": "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXPJA======",
        "space-after-colon": f"otpauth://totp/ACME:%20alice?secret={secret}&issuer=ACME",
        "issuer-mismatch": f"otpauth://totp/ACME:alice?secret={secret}&issuer=Evil",
        "empty-issuer": f"otpauth://totp/:alice?secret={secret}",
        "two-colons": f"otpauth://totp/A:B:C?secret={secret}",
        "slash-in-account": f"otpauth://totp/a/b?secret={secret}",
        "escaped-slash": f"otpauth://totp/a%2Fb?secret={secret}",
        "nul-escape": f"otpauth://totp/a%00b?secret={secret}",
        "utf8-account": f"otpauth://totp/%C3%A9l%C3%A8ve?secret={secret}",
        "plus-in-account": f"otpauth://totp/a+b?secret={secret}",
        "hotp": f"otpauth://hotp/alice?secret={secret}&counter=1",
        "short-secret": "otpauth://totp/alice?secret=JBSWY3DP",
        "bad-base32": "otpauth://totp/alice?secret=JBSWY3DPEHPK3PX1",
        "non-canonical": "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXPJB",
        "digits-5": f"otpauth://totp/alice?secret={secret}&digits=5",
        "digits-huge": f"otpauth://totp/alice?secret={secret}&digits=99999999999",
        "period-0": f"otpauth://totp/alice?secret={secret}&period=0",
        "period-3601": f"otpauth://totp/alice?secret={secret}&period=3601",
        "duplicate-params": f"otpauth://totp/alice?secret={secret}&secret=AAAA&digits=6&DIGITS=8",
        "upper-scheme": f"OTPAUTH://TOTP/alice?SECRET={secret}",
        "fragment": f"otpauth://totp/alice?secret={secret}#frag",
        "userinfo-port": f"otpauth://user@totp:99/alice?secret={secret}",
        "no-query": "otpauth://totp/alice",
        "empty-label": f"otpauth://totp/?secret={secret}",
        "http": f"https://totp/alice?secret={secret}",
        "base32-only": secret,
        "base32-lower": secret.lower(),
        "base32-pad-wrong": "JBSWY3DP=",
    }
    for name, text in seeds.items():
        write("fuzz-otpauth", name, text)


if __name__ == "__main__":
    srp_seeds()
    response_seeds()
    session_seeds()
    ocra_seeds()
    base64_seeds()
    username_seeds()
    otpauth_seeds()
