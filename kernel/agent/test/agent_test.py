#!/usr/bin/env python3
"""Host-mode test of the CrumbleCracker guest agent (docs/agent-protocol.md).

Builds the agent with kernel/agent/build.sh (unless --agent PATH is given),
starts `crumble-agent --listen-unix SOCK` as a host process and talks the
protocol to it: handshake, PING, EXEC (pipes, pty, windows, signals, exit
codes, errors), every file operation, malformed input, SHUTDOWN (host mode:
stops the listener).

    python3 kernel/agent/test/agent_test.py [--agent PATH] [-k SUBSTRING] [-v]

Stdlib only. Exits 0 when every test passes.
"""
import argparse
import errno
import hashlib
import os
import random
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT_DIR = os.path.dirname(HERE)

MAGIC = 0x424D5243
MAX_BODY = 1024 * 1024 + 4096
T = dict(HELLO=0x01, ERROR=0x02, OK=0x03, PING=0x04, EXEC=0x10, STARTED=0x11, DATA=0x12,
         ACK=0x13, EOF=0x14, SIGNAL=0x15, RESIZE=0x16, EXIT=0x17, STAT=0x20, STAT_REPLY=0x21,
         READDIR=0x22, DIR_ENTRIES=0x23, DIR_END=0x24, OPEN=0x25, HANDLE=0x26, PREAD=0x27,
         DATA_REPLY=0x28, PWRITE=0x29, COUNT=0x2A, FSTAT=0x2B, FTRUNCATE=0x2C, FSYNC=0x2D,
         CLOSE=0x2E, MKDIR=0x30, REMOVE=0x31, RENAME=0x32, SYMLINK=0x33, READLINK=0x34,
         PATH_REPLY=0x35, LINK=0x36, CHMOD=0x37, CHOWN=0x38, UTIMES=0x39, ACCESS=0x3A,
         REALPATH=0x3B, STATFS=0x3C, STATFS_REPLY=0x3D, TRUNCATE=0x3E, SYNC=0x3F, KILL=0x40,
         SHUTDOWN=0x50)
NAMES = {v: k for k, v in T.items()}
F_PTY, F_STDIN, F_MERGE = 1, 2, 4
O_READ, O_WRITE, O_CREATE, O_EXCL, O_TRUNC, O_APPEND, O_NOFOLLOW = 1, 2, 4, 8, 0x10, 0x20, 0x40
O_DIRECTORY = 0x200
UTIME_OMIT = 0x3FFFFFFE

VERBOSE = False


def log(*a):
    if VERBOSE:
        print("   ", *a, flush=True)


# ---------------------------------------------------------------- encoding
def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v & 0xFFFFFFFF)
def i32(v): return struct.pack("<i", v)
def u64(v): return struct.pack("<Q", v)
def i64(v): return struct.pack("<q", v)


def s(x):
    b = x.encode() if isinstance(x, str) else x
    return u32(len(b)) + b


def strs(xs):
    return u32(len(xs)) + b"".join(s(x) for x in xs)


def frame(t, body=b"", reserved=0):
    return struct.pack("<IHH", len(body), t, reserved) + body


class Closed(Exception):
    pass


class Reader:
    """Decodes a body (the test's own bounds-checked cursor)."""

    def __init__(self, b):
        self.b, self.p = b, 0

    def take(self, n):
        if self.p + n > len(self.b):
            raise AssertionError("short body")
        r = self.b[self.p:self.p + n]
        self.p += n
        return r

    def u8(self): return self.take(1)[0]
    def u16(self): return struct.unpack("<H", self.take(2))[0]
    def u32(self): return struct.unpack("<I", self.take(4))[0]
    def i32(self): return struct.unpack("<i", self.take(4))[0]
    def u64(self): return struct.unpack("<Q", self.take(8))[0]
    def i64(self): return struct.unpack("<q", self.take(8))[0]
    def str(self): return self.take(self.u32()).decode("utf-8", "surrogateescape")
    def rest(self): return self.take(len(self.b) - self.p)

    def end(self):
        assert self.p == len(self.b), "trailing bytes in a reply"


# ---------------------------------------------------------------- connection
class Conn:
    def __init__(self, path, hello=True):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        if hello:
            self.hello()

    def close(self):
        self.sock.close()

    def send(self, t, body=b"", reserved=0):
        self.sock.sendall(frame(t, body, reserved))

    def raw(self, b):
        self.sock.sendall(b)

    def recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                if buf:
                    raise AssertionError("connection ended inside a frame")
                raise Closed()
            buf += chunk
        return bytes(buf)

    def recv(self):
        h = self.recv_exact(8)
        ln, t, res = struct.unpack("<IHH", h)
        assert res == 0, "agent sent reserved != 0"
        assert ln <= MAX_BODY, "agent sent a frame above MAX_BODY"
        body = self.recv_exact(ln) if ln else b""
        return t, body

    def expect_closed(self, timeout=5):
        self.sock.settimeout(timeout)
        try:
            t, b = self.recv()
        except Closed:
            return
        raise AssertionError("expected the connection to close, got %s" % NAMES.get(t, t))

    def hello(self):
        self.send(T["HELLO"], u32(MAGIC) + u16(1) + u16(0))
        t, b = self.recv()
        assert t == T["HELLO"], "handshake answered by %s %r" % (NAMES.get(t, t), b)
        r = Reader(b)
        assert r.u32() == MAGIC and r.u16() == 1 and r.u16() == 0
        self.desc = r.str()
        r.end()
        assert self.desc.startswith("crumble-agent 1"), self.desc

    def request(self, t, body=b""):
        self.send(t, body)
        return self.recv()

    def ok(self, t, body=b""):
        rt, rb = self.request(t, body)
        if rt == T["ERROR"]:
            e, m = decode_error(rb)
            raise AssertionError("%s failed: %s (%d)" % (NAMES[t], m, e))
        assert rt == T["OK"], "expected OK, got %s" % NAMES.get(rt, rt)

    def error(self, t, body, want_errno, want_msg=None):
        rt, rb = self.request(t, body)
        assert rt == T["ERROR"], "expected ERROR %s, got %s" % (errno.errorcode[want_errno], NAMES.get(rt, rt))
        e, m = decode_error(rb)
        assert e == want_errno, "errno %s (%s), expected %s" % (errno.errorcode.get(e, e), m, errno.errorcode[want_errno])
        if want_msg is not None:
            assert m == want_msg, "message %r, expected %r" % (m, want_msg)
        log("ERROR", errno.errorcode[e], m)
        return m

    def reply(self, t, body, want):
        rt, rb = self.request(t, body)
        if rt == T["ERROR"]:
            e, m = decode_error(rb)
            raise AssertionError("%s failed: %s" % (NAMES[t], m))
        assert rt == T[want], "expected %s, got %s" % (want, NAMES.get(rt, rt))
        return Reader(rb)


def decode_error(b):
    r = Reader(b)
    e = r.i32()
    m = r.str()
    r.end()
    return e, m


def expect_proto_error(c, what):
    t, b = c.recv()
    assert t == T["ERROR"], "%s: expected ERROR, got %s" % (what, NAMES.get(t, t))
    e, m = decode_error(b)
    assert e == errno.EPROTO, "%s: errno %d (%s)" % (what, e, m)
    log("EPROTO:", m)
    c.expect_closed()


# ---------------------------------------------------------------- exec helper
def exec_body(argv, env=None, cwd="", user="", flags=0, rows=0, cols=0, window=65536):
    if env is None:
        env = ["PATH=/usr/local/bin:/usr/bin:/bin"]
    return u32(flags) + strs(argv) + strs(env) + s(cwd) + s(user) + u16(rows) + u16(cols) + u32(window)


class Session:
    """An EXEC session seen from the host, with the windows checked."""

    def __init__(self, path, argv, window=65536, **kw):
        self.c = Conn(path)
        self.window = window
        self.c.send(T["EXEC"], exec_body(argv, window=window, **kw))
        t, b = self.c.recv()
        self.error = None
        if t == T["ERROR"]:
            self.error = decode_error(b)
            return
        assert t == T["STARTED"], "expected STARTED, got %s" % NAMES.get(t, t)
        r = Reader(b)
        self.pid, self.stdin_window = r.u32(), r.u32()
        r.end()
        self.out = {1: bytearray(), 2: bytearray()}
        self.unacked = {1: 0, 2: 0}
        self.events = []          # ("DATA", stream, n) / ("EXIT", code, sig) / ("EOF", stream)
        self.exit = None
        self.eofs = set()
        self.closed = False
        self.stdin_unacked = 0

    def handle(self, t, b, ack=True):
        r = Reader(b)
        if t == T["DATA"]:
            st = r.u8()
            data = r.rest()
            assert st in (1, 2), "DATA for stream %d" % st
            assert 1 <= len(data) <= 65536, "DATA of %d bytes" % len(data)
            assert st not in self.eofs, "DATA after EOF on stream %d" % st
            self.unacked[st] += len(data)
            assert self.unacked[st] <= self.window, "agent exceeded the host window on stream %d" % st
            self.out[st] += data
            self.events.append(("DATA", st, len(data)))
            if ack:
                self.ack(st)
        elif t == T["EXIT"]:
            assert self.exit is None, "second EXIT"
            self.exit = (r.i32(), r.i32())
            r.end()
            self.events.append(("EXIT",) + self.exit)
        elif t == T["EOF"]:
            st = r.u8()
            r.end()
            assert self.exit is not None, "EOF before EXIT"
            assert st not in self.eofs, "second EOF for stream %d" % st
            self.eofs.add(st)
            self.events.append(("EOF", st))
        elif t == T["ACK"]:
            st, n = r.u8(), r.u32()
            r.end()
            assert st == 0 and n <= self.stdin_unacked, "bad ACK %d %d" % (st, n)
            self.stdin_unacked -= n
        elif t == T["ERROR"]:
            raise AssertionError("ERROR in session: %s" % (decode_error(b),))
        else:
            raise AssertionError("unexpected %s in session" % NAMES.get(t, t))

    def ack(self, st):
        if self.unacked[st]:
            self.c.send(T["ACK"], u8(st) + u32(self.unacked[st]))
            self.unacked[st] = 0

    def step(self, ack=True):
        try:
            t, b = self.c.recv()
        except Closed:
            self.closed = True
            return False
        self.handle(t, b, ack)
        return True

    def wait(self, timeout=30):
        assert self.error is None, "exec failed: %s" % (self.error,)
        self.c.sock.settimeout(timeout)
        while self.step():
            pass
        assert self.exit is not None, "connection closed without EXIT"
        self.c.close()
        return self

    def send_stdin(self, data):
        for i in range(0, len(data), 65536):
            chunk = data[i:i + 65536]
            while self.stdin_unacked + len(chunk) > self.stdin_window:
                assert self.step(), "closed while waiting for a stdin ACK"
            self.c.send(T["DATA"], u8(0) + chunk)
            self.stdin_unacked += len(chunk)

    def eof(self):
        self.c.send(T["EOF"], u8(0))


def check_order(sess, streams=(1, 2)):
    """EXIT after the process's data (as far as it was readable), EOFs after EXIT."""
    kinds = [e[0] for e in sess.events]
    assert kinds.count("EXIT") == 1
    ix = kinds.index("EXIT")
    assert all(k == "EOF" for k in kinds[ix + 1:] if k != "DATA")
    assert sess.eofs == set(streams), "EOFs %s, expected %s" % (sess.eofs, streams)
    assert kinds[-len(streams):] == ["EOF"] * len(streams), kinds
    assert sess.closed


# ---------------------------------------------------------------- the tests
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def handshake(ctx):
    c = Conn(ctx.sock)
    log(c.desc)
    c.ok(T["PING"])
    c.ok(T["PING"])
    c.close()
    c = Conn(ctx.sock, hello=False)
    c.send(T["HELLO"], u32(0x12345678) + u16(1) + u16(0))
    expect_proto_error(c, "bad magic")
    c = Conn(ctx.sock, hello=False)
    c.send(T["HELLO"], u32(MAGIC) + u16(2) + u16(0))
    expect_proto_error(c, "bad version")
    c = Conn(ctx.sock, hello=False)
    c.send(T["PING"])
    expect_proto_error(c, "PING before HELLO")
    c = Conn(ctx.sock, hello=False)
    c.send(T["HELLO"], u32(MAGIC) + u16(1))
    expect_proto_error(c, "short HELLO")


@test
def exec_echo(ctx):
    x = Session(ctx.sock, ["echo", "hi"]).wait()
    assert bytes(x.out[1]) == b"hi\n" and not x.out[2], x.out
    assert x.exit == (0, 0)
    kinds = [e[0] for e in x.events]
    assert kinds == ["DATA", "EXIT", "EOF", "EOF"], kinds
    check_order(x)


@test
def exec_exit_codes(ctx):
    x = Session(ctx.sock, ["sh", "-c", "echo err >&2; exit 3"]).wait()
    assert x.exit == (3, 0) and bytes(x.out[2]) == b"err\n", (x.exit, x.out)
    check_order(x)
    x = Session(ctx.sock, ["/bin/sh", "-c", "kill -9 $$"]).wait()
    assert x.exit == (-1, 9), x.exit
    x = Session(ctx.sock, ["true"], env=[]).wait()   # default PATH, no env at all
    assert x.exit == (0, 0)


@test
def exec_errors(ctx):
    x = Session(ctx.sock, ["nosuchcmd-xyz"])
    assert x.error == (errno.ENOENT, "exec nosuchcmd-xyz: No such file or directory"), x.error
    x.c.expect_closed()
    x = Session(ctx.sock, ["/nonexistent/prog"])
    assert x.error == (errno.ENOENT, "exec /nonexistent/prog: No such file or directory"), x.error
    x = Session(ctx.sock, ["true"], cwd="/nope")
    assert x.error == (errno.ENOENT, "chdir /nope: No such file or directory"), x.error
    x.c.expect_closed()
    x = Session(ctx.sock, ["/etc"])
    assert x.error[0] == errno.EACCES, x.error
    # found in PATH but not executable: EACCES like execvp
    d = os.path.join(ctx.tmp, "noexec")
    os.makedirs(d)
    with open(os.path.join(d, "prog"), "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(os.path.join(d, "prog"), 0o644)
    x = Session(ctx.sock, ["prog"], env=["PATH=%s:/bin" % d])
    assert x.error[0] == errno.EACCES, x.error
    x = Session(ctx.sock, ["true"], user="no-such-user-xyz")
    assert x.error == (errno.EINVAL, "unknown user no-such-user-xyz"), x.error
    x = Session(ctx.sock, ["true"], user="root:no-such-group-xyz")
    assert x.error[0] == errno.EINVAL, x.error
    x = Session(ctx.sock, ["true"], flags=0x80)
    assert x.error[0] == errno.EINVAL, x.error
    x = Session(ctx.sock, ["true"], window=0)
    assert x.error[0] == errno.EINVAL, x.error
    c = Conn(ctx.sock)
    c.send(T["EXEC"], u32(0) + strs([]) + strs([]) + s("") + s("") + u16(0) + u16(0) + u32(1024))
    t, b = c.recv()
    assert t == T["ERROR"] and decode_error(b)[0] == errno.EINVAL, "empty argv"
    c.expect_closed()
    c = Conn(ctx.sock)
    c.send(T["EXEC"], exec_body(["echo", "a\0b"]))
    t, b = c.recv()
    assert t == T["ERROR"] and decode_error(b)[0] == errno.EINVAL, "NUL in argv"


@test
def exec_env_home_user(ctx):
    uid = ctx.uid
    x = Session(ctx.sock, ["sh", "-c", "echo $HOME; id -u; pwd; echo $FOO"], env=["FOO=bar", "PATH=/usr/bin:/bin"],
                user=str(uid), cwd="/tmp").wait()
    import pwd
    home = pwd.getpwuid(uid).pw_dir
    assert bytes(x.out[1]).decode().split("\n")[:4] == [home, str(uid), "/tmp", "bar"], x.out
    x = Session(ctx.sock, ["sh", "-c", "echo $HOME"], env=["HOME=/given"]).wait()
    assert bytes(x.out[1]) == b"/given\n"
    name = pwd.getpwuid(uid).pw_name
    x = Session(ctx.sock, ["id", "-u"], user=name).wait()
    assert bytes(x.out[1]).strip() == str(uid).encode(), x.out
    x = Session(ctx.sock, ["id", "-u"], user="%d:%d" % (uid, ctx.gid)).wait()
    assert x.exit == (0, 0) and bytes(x.out[1]).strip() == str(uid).encode(), (x.exit, x.out)
    if uid == 0:
        # root on this host: really switch, and check the supplementary groups
        x = Session(ctx.sock, ["sh", "-c", "id -u; id -g; id -G; echo $HOME"], user="nobody").wait()
        lines = bytes(x.out[1]).decode().split("\n")
        pw = pwd.getpwnam("nobody")
        import grp
        sup = sorted({g.gr_gid for g in grp.getgrall() if "nobody" in g.gr_mem} | {pw.pw_gid})
        assert lines[0] == str(pw.pw_uid) and lines[1] == str(pw.pw_gid), lines
        assert sorted(int(g) for g in lines[2].split()) == sup, (lines, sup)
        assert lines[3] == pw.pw_dir, lines
        x = Session(ctx.sock, ["sh", "-c", "id -u; id -g"], user="12345").wait()
        assert bytes(x.out[1]).decode().split() == ["12345", "0"], x.out   # not in passwd: gid 0
        x = Session(ctx.sock, ["sh", "-c", "id -u; id -g"], user="nobody:daemon").wait()
        assert bytes(x.out[1]).decode().split() == [str(pw.pw_uid), "1"], x.out
        x = Session(ctx.sock, ["true"], cwd="/root", user="nobody")
        assert x.error and x.error[1].startswith("chdir /root: "), x.error
    else:
        x = Session(ctx.sock, ["true"], user="0")
        assert x.error and x.error[0] == errno.EPERM, x.error
        log("switch to root refused:", x.error[1])


@test
def exec_stdin_cat_20mb(ctx):
    rnd = random.Random(1)
    data = bytes(rnd.getrandbits(8) for _ in range(1 << 16)) * 320   # 20 MiB
    want = hashlib.sha256(data).hexdigest()
    x = Session(ctx.sock, ["cat"], flags=F_STDIN, window=256 * 1024)
    assert x.stdin_window > 0
    h = hashlib.sha256()
    got = 0
    pos = 0
    sock = x.c.sock
    while True:
        # send while the agent's window has room
        while pos < len(data) and x.stdin_unacked < x.stdin_window:
            n = min(65536, len(data) - pos, x.stdin_window - x.stdin_unacked)
            x.c.send(T["DATA"], u8(0) + data[pos:pos + n])
            x.stdin_unacked += n
            pos += n
            if pos == len(data):
                x.eof()
        r, _, _ = select.select([sock], [], [], 30)
        assert r, "timeout"
        if not x.step(ack=False):
            break
        if x.out[1]:
            h.update(x.out[1])
            got += len(x.out[1])
            x.out[1].clear()
            x.ack(1)
    assert got == len(data), (got, len(data))
    assert h.hexdigest() == want
    assert x.exit == (0, 0)
    check_order(x)
    log("20 MiB through cat, sha256 ok")


@test
def exec_stdin_small_and_closed_reader(ctx):
    x = Session(ctx.sock, ["cat"], flags=F_STDIN)
    x.send_stdin(b"abc")
    x.eof()
    x.wait()
    assert bytes(x.out[1]) == b"abc" and x.exit == (0, 0)
    # the reader goes away: data is still ACKed, nothing hangs
    x = Session(ctx.sock, ["sh", "-c", "exec 0<&-; sleep 0.2; echo done"], flags=F_STDIN)
    x.send_stdin(b"z" * 600000)
    x.eof()
    x.wait()
    assert bytes(x.out[1]) == b"done\n" and x.exit == (0, 0)
    assert x.stdin_unacked == 0, x.stdin_unacked


@test
def exec_large_output_small_window(ctx):
    x = Session(ctx.sock, ["head", "-c", "3000000", "/dev/zero"], window=1000)
    x.wait()
    assert len(x.out[1]) == 3000000 and x.exit == (0, 0)
    assert max(e[2] for e in x.events if e[0] == "DATA") <= 1000
    x = Session(ctx.sock, ["head", "-c", "5000000", "/dev/zero"], window=16 << 20)
    x.wait()
    assert len(x.out[1]) == 5000000
    assert all(e[2] <= 65536 for e in x.events if e[0] == "DATA")


@test
def exec_window_held(ctx):
    """The agent stops at the window until ACKs come; EXIT comes anyway."""
    x = Session(ctx.sock, ["head", "-c", "50000", "/dev/zero"], window=4096)   # fits in the pipe
    x.c.sock.settimeout(1.0)
    t0 = time.time()
    try:
        while time.time() - t0 < 1.0:
            x.step(ack=False)
    except socket.timeout:
        pass
    assert x.unacked[1] == 4096 and len(x.out[1]) == 4096, x.unacked
    # EXIT arrives although output is pending (the process ended)
    assert x.exit == (0, 0), x.events
    x.c.sock.settimeout(30)
    x.ack(1)
    x.wait()
    assert len(x.out[1]) == 50000
    check_order(x)


@test
def exec_merge_stderr(ctx):
    x = Session(ctx.sock, ["sh", "-c", "echo out; echo err >&2"], flags=F_MERGE).wait()
    assert bytes(x.out[1]) == b"out\nerr\n" and not x.out[2], x.out
    check_order(x, streams=(1,))


@test
def exec_background_holds_stdout(ctx):
    x = Session(ctx.sock, ["sh", "-c", "(sleep 0.5; echo late) & echo early"]).wait()
    assert bytes(x.out[1]) == b"early\nlate\n", x.out
    kinds = [(e[0], e[1] if len(e) > 1 else None) for e in x.events]
    ix = [k for k, _ in kinds].index("EXIT")
    assert ("DATA", 1) in kinds[ix + 1:], kinds   # forwarded after EXIT
    check_order(x)


@test
def exec_pty(ctx):
    x = Session(ctx.sock, ["tty"], flags=F_PTY).wait()
    out = bytes(x.out[1]).decode()
    assert out.startswith("/dev/pts/") and x.exit == (0, 0), (out, x.exit)
    check_order(x, streams=(1,))
    x = Session(ctx.sock, ["stty", "size"], flags=F_PTY, rows=33, cols=99).wait()
    assert bytes(x.out[1]).strip() == b"33 99", x.out
    x = Session(ctx.sock, ["stty", "size"], flags=F_PTY).wait()
    assert bytes(x.out[1]).strip() == b"24 80", x.out
    x = Session(ctx.sock, ["sh", "-c", "read x; stty size; echo got=$x; test -t 0 && test -t 2 && echo tty"],
                flags=F_PTY | F_STDIN, rows=10, cols=20)
    x.c.send(T["RESIZE"], u16(40) + u16(120))
    x.send_stdin(b"hello\n")
    x.wait()
    out = bytes(x.out[1]).decode()
    assert "40 120" in out and "got=hello" in out and "tty" in out and x.exit == (0, 0), out
    # EOF on a pty: the terminal's EOF character ends cat
    x = Session(ctx.sock, ["cat"], flags=F_PTY | F_STDIN)
    x.send_stdin(b"partial")
    x.eof()
    x.wait(timeout=10)
    assert x.exit == (0, 0) and b"partial" in bytes(x.out[1]), (x.exit, x.out)
    # session leader with a controlling terminal
    x = Session(ctx.sock, ["sh", "-c", "ps -o pid=,sid=,tty= -p $$"], flags=F_PTY).wait()
    f = bytes(x.out[1]).decode().split()
    assert f[0] == f[1] and f[2].startswith("pts/"), f


@test
def exec_signal(ctx):
    x = Session(ctx.sock, ["sleep", "100"])
    time.sleep(0.1)
    x.c.send(T["SIGNAL"], i32(15))
    x.wait(timeout=10)
    assert x.exit == (-1, 15), x.exit
    check_order(x)
    # a signal the process handles
    x = Session(ctx.sock, ["sh", "-c", "trap 'echo usr1; exit 7' USR1; echo ready; while :; do sleep 0.05; done"])
    while b"ready" not in x.out[1]:
        assert x.step()
    x.c.send(T["SIGNAL"], i32(10))
    x.wait(timeout=10)
    assert x.exit == (7, 0) and b"usr1" in x.out[1], (x.exit, x.out)


@test
def exec_kill_other_connection(ctx):
    x = Session(ctx.sock, ["sleep", "100"])
    c = Conn(ctx.sock)
    c.ok(T["KILL"], u32(x.pid) + i32(9))
    x.wait(timeout=10)
    assert x.exit == (-1, 9), x.exit
    c.error(T["KILL"], u32(x.pid) + i32(9), errno.ESRCH)
    c.error(T["KILL"], u32(0) + i32(9), errno.EINVAL)
    c.error(T["KILL"], u32(0xFFFFFFFF) + i32(9), errno.EINVAL)
    c.error(T["KILL"], u32(os.getpid()) + i32(99), errno.EINVAL)
    if ctx.uid == os.getuid():
        c.ok(T["KILL"], u32(os.getpid()) + i32(0))
    else:
        c.error(T["KILL"], u32(os.getpid()) + i32(0), errno.EPERM)


def gone(pid, timeout=5):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read().rsplit(")", 1)[1].split()[0]
            if st == "Z":
                time.sleep(0.05)
                continue
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False


@test
def exec_host_close_kills(ctx):
    x = Session(ctx.sock, ["sleep", "100"])
    assert os.path.exists("/proc/%d" % x.pid)
    x.c.close()
    assert gone(x.pid), "process survived the connection"
    # also with stdin and a pty
    x = Session(ctx.sock, ["cat"], flags=F_PTY | F_STDIN)
    x.c.close()
    assert gone(x.pid), "pty process survived the connection"


@test
def exec_protocol_errors(ctx):
    x = Session(ctx.sock, ["sleep", "100"])
    x.c.send(T["ACK"], u8(1) + u32(5))    # more than outstanding
    expect_proto_error(x.c, "ACK beyond outstanding")
    assert gone(x.pid)
    x = Session(ctx.sock, ["sleep", "100"])
    x.c.send(T["DATA"], u8(0) + b"x")      # no STDIN flag
    expect_proto_error(x.c, "DATA without STDIN")
    x = Session(ctx.sock, ["cat"], flags=F_STDIN)
    x.c.send(T["DATA"], u8(0) + b"x" * 65536)
    for _ in range(x.stdin_window // 65536):
        x.c.send(T["DATA"], u8(0) + b"x" * 65536)
    # either the window is exceeded at once, or after cat drained some: keep going
    try:
        for _ in range(64):
            x.c.send(T["DATA"], u8(0) + b"x" * 65536)
    except (BrokenPipeError, ConnectionResetError):
        pass
    t = None
    while True:
        t, b = x.c.recv()
        if t == T["ERROR"]:
            assert decode_error(b)[0] == errno.EPROTO
            break
    x = Session(ctx.sock, ["sleep", "100"])
    x.c.send(T["SIGNAL"], i32(0))
    expect_proto_error(x.c, "SIGNAL 0")
    x = Session(ctx.sock, ["sleep", "100"])
    x.c.send(T["STAT"], s("/") + u8(1))
    expect_proto_error(x.c, "STAT in an exec session")
    x = Session(ctx.sock, ["sleep", "100"])
    x.c.send(T["PING"], b"", reserved=1)
    expect_proto_error(x.c, "reserved in an exec session")
    x = Session(ctx.sock, ["sleep", "100"])
    x.c.raw(struct.pack("<IHH", 70000, T["DATA"], 0))
    expect_proto_error(x.c, "oversized DATA")


@test
def files_stat(ctx):
    c = Conn(ctx.sock)
    p = os.path.join(ctx.tmp, "f")
    with open(p, "wb") as f:
        f.write(b"x" * 1234)
    os.symlink(p, p + ".lnk")
    r = c.reply(T["STAT"], s(p + ".lnk") + u8(1), "STAT_REPLY")
    assert len(r.b) == 84
    st = os.stat(p)
    mode, uid, gid, nlink, size, ino, dev = r.u32(), r.u32(), r.u32(), r.u32(), r.u64(), r.u64(), r.u64()
    at = (r.i64(), r.u32())
    mt = (r.i64(), r.u32())
    ct = (r.i64(), r.u32())
    blocks = r.u64()
    r.end()
    assert (mode, uid, gid, nlink, size, ino, dev) == (st.st_mode, st.st_uid, st.st_gid, st.st_nlink,
                                                        st.st_size, st.st_ino, st.st_dev)
    assert mt[0] * 10**9 + mt[1] == st.st_mtime_ns and at[0] * 10**9 + at[1] == st.st_atime_ns
    assert ct[0] * 10**9 + ct[1] == st.st_ctime_ns and blocks == st.st_blocks
    r = c.reply(T["STAT"], s(p + ".lnk") + u8(0), "STAT_REPLY")
    assert r.u32() & 0o170000 == 0o120000
    c.error(T["STAT"], s("/nonexistent-x") + u8(1), errno.ENOENT,
            "stat /nonexistent-x: No such file or directory")
    c.error(T["STAT"], s("relative/path") + u8(1), errno.EINVAL)
    c.error(T["STAT"], s("/a\0b") + u8(1), errno.EINVAL)
    c.ok(T["PING"])   # still serving after errors


@test
def files_readdir(ctx):
    c = Conn(ctx.sock)
    d = os.path.join(ctx.tmp, "many")
    os.mkdir(d)
    names = set()
    for i in range(5000):
        n = "entry-%05d-%s" % (i, "x" * (i % 50))
        names.add(n)
        open(os.path.join(d, n), "w").close()
    os.mkdir(os.path.join(d, "sub"))
    os.symlink("nowhere", os.path.join(d, "lnk"))
    c.send(T["READDIR"], s(d))
    got = {}
    frames = 0
    while True:
        t, b = c.recv()
        if t == T["DIR_END"]:
            assert b == b""
            break
        assert t == T["DIR_ENTRIES"], NAMES.get(t, t)
        frames += 1
        r = Reader(b)
        for _ in range(r.u32()):
            ty = r.u8()
            nm = r.str()
            assert nm not in got
            got[nm] = ty
        r.end()
    assert set(got) == names | {"sub", "lnk"}, len(got)
    assert got["sub"] == 4 and got["lnk"] == 10 and got["entry-00000-"] == 8
    assert frames >= 2, frames
    log("5002 entries in %d DIR_ENTRIES frames" % frames)
    c.send(T["READDIR"], s(os.path.join(ctx.tmp, "nonexistent")))
    t, b = c.recv()
    assert t == T["ERROR"] and decode_error(b)[0] == errno.ENOENT
    c.send(T["READDIR"], s(os.path.join(d, "sub")))
    assert c.recv() == (T["DIR_END"], b"")   # empty directory: no DIR_ENTRIES
    c.error(T["READDIR"], s(os.path.join(d, "entry-00001-x")), errno.ENOTDIR)


@test
def files_handles(ctx):
    c = Conn(ctx.sock)
    p = os.path.join(ctx.tmp, "h")
    h = c.reply(T["OPEN"], s(p) + u32(O_READ | O_WRITE | O_CREATE | O_EXCL) + u32(0o640), "HANDLE").u32()
    assert os.stat(p).st_mode & 0o777 == 0o640 & ~ctx.umask
    c.error(T["OPEN"], s(p) + u32(O_WRITE | O_CREATE | O_EXCL) + u32(0o600), errno.EEXIST)
    assert c.reply(T["PWRITE"], u32(h) + u64(0) + b"hello world", "COUNT").u64() == 11
    assert c.reply(T["PWRITE"], u32(h) + u64(100) + b"END", "COUNT").u64() == 3
    big = os.urandom(1 << 20)
    assert c.reply(T["PWRITE"], u32(h) + u64(200) + big, "COUNT").u64() == 1 << 20
    r = c.reply(T["PREAD"], u32(h) + u64(6) + u32(5), "DATA_REPLY")
    assert r.rest() == b"world"
    r = c.reply(T["PREAD"], u32(h) + u64(90) + u32(16), "DATA_REPLY")
    assert r.rest() == b"\0" * 10 + b"END" + b"\0" * 3
    r = c.reply(T["PREAD"], u32(h) + u64(200) + u32(1 << 20), "DATA_REPLY")
    assert r.rest() == big
    r = c.reply(T["PREAD"], u32(h) + u64(200 + (1 << 20) - 3) + u32(100), "DATA_REPLY")
    assert len(r.rest()) == 3          # short at end of file
    r = c.reply(T["PREAD"], u32(h) + u64(10 << 20) + u32(100), "DATA_REPLY")
    assert r.rest() == b""             # empty at end of file
    c.error(T["PREAD"], u32(h) + u64(0) + u32((1 << 20) + 1), errno.EINVAL)
    r = c.reply(T["FSTAT"], u32(h), "STAT_REPLY")
    r.u32(); r.u32(); r.u32(); r.u32()
    assert r.u64() == 200 + (1 << 20)
    c.ok(T["FTRUNCATE"], u32(h) + u64(5))
    assert os.path.getsize(p) == 5
    c.ok(T["FSYNC"], u32(h))
    c.ok(T["CLOSE"], u32(h))
    c.error(T["PREAD"], u32(h) + u64(0) + u32(1), errno.EBADF, "pread handle %d: Bad file descriptor" % h)
    c.error(T["CLOSE"], u32(h), errno.EBADF)
    c.error(T["FSTAT"], u32(0), errno.EBADF)
    c.error(T["FSYNC"], u32(99999), errno.EBADF)
    # APPEND ignores the offset
    h = c.reply(T["OPEN"], s(p) + u32(O_WRITE | O_APPEND) + u32(0), "HANDLE").u32()
    c.reply(T["PWRITE"], u32(h) + u64(0) + b"+tail", "COUNT")
    assert open(p, "rb").read() == b"hello+tail"
    # TRUNCATE, NOFOLLOW, DIRECTORY, bad flags
    h2 = c.reply(T["OPEN"], s(p) + u32(O_WRITE | O_TRUNC) + u32(0), "HANDLE").u32()
    assert h2 != h and os.path.getsize(p) == 0
    os.symlink(p, p + ".l")
    c.error(T["OPEN"], s(p + ".l") + u32(O_READ | O_NOFOLLOW) + u32(0), errno.ELOOP)
    c.error(T["OPEN"], s(p) + u32(O_READ | O_DIRECTORY) + u32(0), errno.ENOTDIR)
    hd = c.reply(T["OPEN"], s(ctx.tmp) + u32(O_READ | O_DIRECTORY) + u32(0), "HANDLE").u32()
    c.ok(T["FSYNC"], u32(hd))
    c.error(T["OPEN"], s(p) + u32(0x400) + u32(0), errno.EINVAL)
    c.error(T["OPEN"], s(ctx.tmp + "/nonexistent/x") + u32(O_READ) + u32(0), errno.ENOENT,
            "open %s/nonexistent/x: No such file or directory" % ctx.tmp)
    # the handle limit: 1024 per connection
    hs = [hd, h, h2]
    while True:
        rt, rb = c.request(T["OPEN"], s(p) + u32(O_READ) + u32(0))
        if rt == T["ERROR"]:
            assert decode_error(rb)[0] == errno.EMFILE, decode_error(rb)
            break
        hs.append(Reader(rb).u32())
    assert len(hs) == 1024 and max(hs) <= 1024, (len(hs), max(hs))
    c.ok(T["CLOSE"], u32(hs[-1]))
    c.reply(T["OPEN"], s(p) + u32(O_READ) + u32(0), "HANDLE")
    # a second connection has its own table
    c2 = Conn(ctx.sock)
    c2.reply(T["OPEN"], s(p) + u32(O_READ) + u32(0), "HANDLE")


@test
def files_namespace(ctx):
    c = Conn(ctx.sock)
    t = ctx.tmp
    c.ok(T["MKDIR"], s(t + "/d") + u32(0o750))
    assert os.stat(t + "/d").st_mode & 0o777 == 0o750 & ~ctx.umask
    c.error(T["MKDIR"], s(t + "/d") + u32(0o755), errno.EEXIST, "mkdir %s/d: File exists" % t)
    open(t + "/d/file", "w").close()
    c.error(T["REMOVE"], s(t + "/d"), errno.ENOTEMPTY)
    c.ok(T["REMOVE"], s(t + "/d/file"))
    c.ok(T["REMOVE"], s(t + "/d"))
    assert not os.path.exists(t + "/d")
    c.error(T["REMOVE"], s(t + "/d"), errno.ENOENT)
    # rename
    open(t + "/a", "w").write("A")
    open(t + "/b", "w").write("B")
    c.error(T["RENAME"], s(t + "/a") + s(t + "/b") + u32(1), errno.EEXIST)
    c.ok(T["RENAME"], s(t + "/a") + s(t + "/c") + u32(1))
    c.ok(T["RENAME"], s(t + "/c") + s(t + "/b") + u32(0))
    assert open(t + "/b").read() == "A" and not os.path.exists(t + "/c")
    c.error(T["RENAME"], s(t + "/b") + s(t + "/x") + u32(2), errno.EINVAL)
    # symlink / readlink
    c.ok(T["SYMLINK"], s("b") + s(t + "/sl"))
    assert c.reply(T["READLINK"], s(t + "/sl"), "PATH_REPLY").str() == "b"
    c.error(T["READLINK"], s(t + "/b"), errno.EINVAL)
    # realpath
    assert c.reply(T["REALPATH"], s(t + "/sl"), "PATH_REPLY").str() == os.path.realpath(t + "/b")
    os.mkdir(t + "/x")
    assert c.reply(T["REALPATH"], s(t + "/./x/../sl"), "PATH_REPLY").str() == os.path.realpath(t + "/b")
    c.error(T["REALPATH"], s(t + "/nonexistent"), errno.ENOENT)
    # link
    c.ok(T["LINK"], s(t + "/b") + s(t + "/b2"))
    assert os.stat(t + "/b").st_nlink == 2
    c.error(T["LINK"], s(t + "/b") + s(t + "/b2"), errno.EEXIST)
    # chmod / chown
    c.ok(T["CHMOD"], s(t + "/b") + u32(0o604))
    assert os.stat(t + "/b").st_mode & 0o7777 == 0o604
    c.ok(T["CHOWN"], s(t + "/b") + u32(os.getuid()) + u32(0xFFFFFFFF) + u8(1))
    c.ok(T["CHOWN"], s(t + "/sl") + u32(0xFFFFFFFF) + u32(os.getgid()) + u8(0))
    if os.getuid() == 0:
        c.ok(T["CHOWN"], s(t + "/sl") + u32(1234) + u32(0xFFFFFFFF) + u8(0))
        assert os.lstat(t + "/sl").st_uid == 1234 and os.stat(t + "/b").st_uid == 0
    # utimes with omit
    before = os.stat(t + "/b")
    c.ok(T["UTIMES"], s(t + "/b") + u8(1) + i64(1000000000) + u32(5) + i64(0) + u32(UTIME_OMIT))
    after = os.stat(t + "/b")
    assert after.st_atime_ns == 1000000000 * 10**9 + 5 and after.st_mtime_ns == before.st_mtime_ns
    c.ok(T["UTIMES"], s(t + "/sl") + u8(0) + i64(0) + u32(UTIME_OMIT) + i64(12345) + u32(0))
    assert os.lstat(t + "/sl").st_mtime == 12345 and os.stat(t + "/b").st_mtime_ns == before.st_mtime_ns
    c.error(T["UTIMES"], s(t + "/b") + u8(1) + i64(0) + u32(2 * 10**9) + i64(0) + u32(0), errno.EINVAL)
    # access
    c.ok(T["ACCESS"], s(t + "/b") + u32(0))
    c.ok(T["ACCESS"], s(t + "/b") + u32(4))
    c.error(T["ACCESS"], s(t + "/b") + u32(1), errno.EACCES)   # 0604: no x for anyone
    c.error(T["ACCESS"], s(t + "/nonexistent") + u32(0), errno.ENOENT)
    c.error(T["ACCESS"], s(t + "/b") + u32(8), errno.EINVAL)
    # statfs
    r = c.reply(T["STATFS"], s(t), "STATFS_REPLY")
    bsize, blocks, bfree, bavail, name = r.u64(), r.u64(), r.u64(), r.u64(), r.str()
    r.end()
    sv = os.statvfs(t)
    assert bsize == sv.f_bsize and blocks == sv.f_blocks and name, (bsize, name)
    log("statfs %s: %s" % (t, name))
    assert c.reply(T["STATFS"], s("/proc"), "STATFS_REPLY").rest()[-4:] == b"proc"
    # truncate, sync
    c.ok(T["TRUNCATE"], s(t + "/b") + u64(4096))
    assert os.path.getsize(t + "/b") == 4096
    c.error(T["TRUNCATE"], s(t + "/nonexistent") + u64(1), errno.ENOENT)
    c.ok(T["SYNC"])
    c.ok(T["PING"])


@test
def malformed(ctx):
    cases = [
        ("length > MAX_BODY", struct.pack("<IHH", MAX_BODY + 1, T["PING"], 0)),
        ("huge length", struct.pack("<IHH", 0xFFFFFFFF, T["STAT"], 0)),
        ("reserved != 0", struct.pack("<IHH", 0, T["PING"], 7)),
        ("truncated body", frame(T["STAT"], b"\x05\x00")),
        ("string past the end", frame(T["STAT"], u32(100) + b"/x" + u8(1))),
        ("trailing garbage", frame(T["STAT"], s("/") + u8(1) + b"junk")),
        ("PING with a body", frame(T["PING"], b"x")),
        ("unknown type", frame(0x7777)),
        ("agent-to-host type", frame(T["OK"])),
        ("HELLO again", frame(T["HELLO"], u32(MAGIC) + u16(1) + u16(0))),
        ("strs count too big", frame(T["EXEC"], u32(0) + u32(70000))),
        ("strs count beyond body", frame(T["EXEC"], u32(0) + u32(1000) + s("x"))),
        ("EXEC trailing", frame(T["EXEC"], exec_body(["true"]) + b"!")),
        ("random bytes", bytes(random.Random(7).getrandbits(8) for _ in range(4096))),
    ]
    for what, data in cases:
        c = Conn(ctx.sock)
        c.raw(data)
        expect_proto_error(c, what)
        Conn(ctx.sock).ok(T["PING"])   # the agent keeps serving
    # a frame cut short by the host closing its side
    c = Conn(ctx.sock)
    c.raw(struct.pack("<IHH", 100, T["STAT"], 0) + b"abc")
    c.sock.shutdown(socket.SHUT_WR)
    expect_proto_error(c, "body cut by end of stream")
    # random bytes before the handshake
    for seed in range(5):
        c = Conn(ctx.sock, hello=False)
        c.raw(bytes(random.Random(seed).getrandbits(8) for _ in range(64)))
        c.sock.settimeout(5)
        try:
            t, b = c.recv()
            assert t == T["ERROR"], NAMES.get(t, t)
            c.expect_closed()
        except Closed:
            pass
    # a NUL inside a string is EINVAL, and the connection goes on
    c = Conn(ctx.sock)
    c.error(T["MKDIR"], s("/tmp/a\0b") + u32(0o755), errno.EINVAL)
    c.ok(T["PING"])
    # many connections at once still work
    cs = [Conn(ctx.sock) for _ in range(50)]
    for c in cs:
        c.ok(T["PING"])
    for c in cs:
        c.close()


@test
def z_shutdown_host_mode(ctx):
    c = Conn(ctx.sock)
    c.error(T["SHUTDOWN"], u8(5), errno.EINVAL)
    c.ok(T["SHUTDOWN"], u8(0))
    ctx.agent.wait(timeout=5)
    assert ctx.agent.returncode == 0, ctx.agent.returncode
    assert not os.path.exists(ctx.sock), "socket left behind"
    c.ok(T["PING"])   # a connection already open keeps working


# ---------------------------------------------------------------- runner
class Ctx:
    pass


def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agent", help="crumble-agent binary (default: build with kernel/agent/build.sh)")
    ap.add_argument("-k", help="run only tests whose name contains this")
    ap.add_argument("-v", action="store_true", help="verbose")
    ap.add_argument("--as-user", metavar="USER",
                    help="(as root) run the agent as this user, e.g. nobody: the unprivileged host mode;"
                         " only the tests that do not depend on the test's own files")
    a = ap.parse_args()
    VERBOSE = a.v
    agent = a.agent
    if not agent:
        cache = os.environ.get("CRUMBLE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "crumblecracker")
        out = subprocess.run([os.path.join(AGENT_DIR, "build.sh"), os.path.join(cache, "agent")],
                             check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
        agent = out
    print("agent: %s (%d bytes)" % (agent, os.path.getsize(agent)))
    tmp = tempfile.mkdtemp(prefix="agent-test-")
    ctx = Ctx()
    ctx.sock = os.path.join(tmp, "agent.sock")
    ctx.umask = os.umask(0o022)
    os.umask(ctx.umask)
    ctx.uid, ctx.gid = os.getuid(), os.getgid()
    cmd = [agent, "--listen-unix", ctx.sock]
    if a.as_user:
        import pwd
        pw = pwd.getpwnam(a.as_user)
        ctx.uid, ctx.gid = pw.pw_uid, pw.pw_gid
        os.chmod(tmp, 0o777)
        cmd = ["setpriv", "--reuid", str(ctx.uid), "--regid", str(ctx.gid), "--clear-groups"] + cmd
    ctx.agent = subprocess.Popen(cmd)
    failed = []
    try:
        for _ in range(100):
            if os.path.exists(ctx.sock):
                break
            time.sleep(0.02)
        tests = [t for t in TESTS if (not a.k or a.k in t.__name__)
                 and not (a.as_user and t.__name__.startswith("files_"))]
        for t in tests:
            ctx.tmp = os.path.join(tmp, t.__name__)
            os.mkdir(ctx.tmp)
            os.chmod(ctx.tmp, 0o777)
            t0 = time.time()
            try:
                t(ctx)
                print("PASS %-36s %.2fs" % (t.__name__, time.time() - t0), flush=True)
            except Exception:
                failed.append(t.__name__)
                print("FAIL %s" % t.__name__, flush=True)
                traceback.print_exc()
            if t.__name__ != "z_shutdown_host_mode":
                assert ctx.agent.poll() is None, "the agent died"
        print("%d passed, %d failed" % (len(tests) - len(failed), len(failed)))
    finally:
        if ctx.agent.poll() is None:
            ctx.agent.terminate()
            ctx.agent.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
