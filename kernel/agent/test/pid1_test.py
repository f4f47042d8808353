#!/usr/bin/env python3
"""PID-1 smoke test of the CrumbleCracker guest agent, without a VM.

A new PID, mount, UTS, network and IPC namespace stands in for the VM: the
agent runs as PID 1 of that namespace from a fake initramfs directory
(`/init` + `/crumble/config`), builds the container root from an EROFS image
(mkfs.erofs of a static busybox tree, attached read-only to a loop device),
and serves on a UNIX socket inside the container root (the test-only config
key `debug_listen_unix`) instead of vsock; no READY is sent. The host side
connects through /proc/<pid>/root/run/agent.sock.

What this covers: config parsing, steps 1-6 of "Building the root" (stage,
MS_MOVE, chroot, overlay, pivot_root, detach, the container's /proc /sys /dev
/dev/pts /dev/shm /run, symlinks, hostname, lo), PID-1 serving and orphan
reaping, exec in the container (users from its /etc/passwd), SHUTDOWN (in a
PID namespace reboot(2) ends the namespace instead of the machine) and the
fatal path (console message, then the namespace ends). What it does not: vsock,
READY/CLOCK, a real initramfs (rootfs without a parent mount) and a real
console; those need a VM.

Caution: devtmpfs is one instance per kernel, so the container's /dev is the
host's /dev. Step 5 replaces /dev/ptmx with a symlink to pts/ptmx there (and
would create /dev/fd, /dev/std*, /dev/pts, /dev/shm if missing). Harmless in a
VM, but on a host it breaks pty allocation for unprivileged users while the
symlink is in place (the host's devpts usually has ptmxmode=000). So the test
only runs with --allow-host-dev, and puts those entries back as they were
afterwards (and if it is interrupted, restore with
`mknod -m 666 /dev/ptmx c 5 2` after removing the symlink).

Needs root, unshare(1), losetup(8), mkfs.erofs, a static busybox. Otherwise it
prints SKIP and exits 0.

    python3 kernel/agent/test/pid1_test.py --allow-host-dev [--agent PATH] [-v]
"""
import argparse
import os
import shutil
import stat
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import agent_test as A  # noqa: E402

T = A.T


def skip(why):
    print("SKIP pid1_test: %s" % why)
    sys.exit(0)


class HostDevGuard:
    """Records the host /dev entries that step 5 may change, and restores them."""

    ENTRIES = ("ptmx", "fd", "stdin", "stdout", "stderr", "pts", "shm")

    def __init__(self):
        self.saved = {}
        for name in self.ENTRIES:
            p = "/dev/" + name
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                self.saved[name] = None
                continue
            target = os.readlink(p) if stat.S_ISLNK(st.st_mode) else None
            self.saved[name] = (st, target)

    def restore(self):
        for name, saved in self.saved.items():
            p = "/dev/" + name
            try:
                now = os.lstat(p)
            except FileNotFoundError:
                now = None
            if saved is None:
                if now is None:
                    continue
                if stat.S_ISLNK(now.st_mode):
                    os.unlink(p)
                elif stat.S_ISDIR(now.st_mode) and not os.path.ismount(p) and not os.listdir(p):
                    os.rmdir(p)
                continue
            st, target = saved
            if now is not None and (now.st_mode, now.st_rdev, now.st_ino) == (st.st_mode, st.st_rdev, st.st_ino):
                continue
            tmp = "/dev/.crumble-restore-" + name
            if target is not None:
                if now is not None and stat.S_ISLNK(now.st_mode) and os.readlink(p) == target:
                    continue
                os.symlink(target, tmp)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                os.mknod(tmp, st.st_mode, st.st_rdev)
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
                os.chown(tmp, st.st_uid, st.st_gid)
            else:
                continue   # directories: left alone
            os.rename(tmp, p)
            print("restored /dev/%s" % name)


def build_image(tmp):
    root = os.path.join(tmp, "rootimg")
    for d in ("bin", "etc", "root", "home/app", "tmp"):
        os.makedirs(os.path.join(root, d))
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    os.chown(os.path.join(root, "home/app"), 1000, 1000)
    bb = shutil.which("busybox")
    shutil.copy(bb, os.path.join(root, "bin/busybox"))
    applets = subprocess.run([bb, "--list"], stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    for a in applets:
        if a != "busybox" and "/" not in a:
            os.symlink("busybox", os.path.join(root, "bin", a))
    with open(os.path.join(root, "etc/passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n"
                "app:x:1000:1000:App:/home/app:/bin/sh\n"
                "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    with open(os.path.join(root, "etc/group"), "w") as f:
        f.write("root:x:0:\ntty:x:5:\napp:x:1000:\nextra:x:2000:nobody,app\nother:x:3000:root\n")
    with open(os.path.join(root, "etc/hello.txt"), "w") as f:
        f.write("hello from the image\n")
    img = os.path.join(tmp, "root.erofs")
    subprocess.run(["mkfs.erofs", "--quiet", img, root], check=True, stdout=subprocess.DEVNULL)
    return img


class Vm:
    """The agent as PID 1 of fresh namespaces, from a fake initramfs."""

    def __init__(self, tmp, name, agent, config):
        self.dir = os.path.join(tmp, name)
        os.makedirs(os.path.join(self.dir, "crumble"))
        os.makedirs(os.path.join(self.dir, "dev"))
        shutil.copy(agent, os.path.join(self.dir, "init"))
        with open(os.path.join(self.dir, "crumble/config"), "w") as f:
            f.write(config)
        self.console = os.path.join(tmp, name + ".console")
        open(self.console, "w").close()
        # devtmpfs is mounted before /init runs so that the agent's own mount
        # of it is EBUSY and our file bound over /dev/console stays in place:
        # the agent's console messages land in a file, not on this machine's
        # console.
        script = ('mount -t devtmpfs devtmpfs "$1/dev" && mount --bind "$2" "$1/dev/console" '
                  '&& exec chroot "$1" /init')
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--pid", "--fork", "--uts", "--net", "--ipc", "--propagation", "private",
             "sh", "-c", script, "sh", self.dir, self.console])
        self.pid = None
        for _ in range(200):
            try:
                with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                    kids = f.read().split()
                if kids:
                    self.pid = int(kids[0])
                    break
            except FileNotFoundError:
                break
            time.sleep(0.01)
        self.sock = "/proc/%d/root/run/agent.sock" % self.pid if self.pid else None

    def wait_socket(self, timeout=10):
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                raise AssertionError("the namespace ended early; console: %r" % self.console_text())
            try:
                if os.path.exists(self.sock):
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("no socket; console: %r" % self.console_text())

    def console_text(self):
        with open(self.console) as f:
            return f.read()

    def run(self, argv, **kw):
        x = A.Session(self.sock, argv, **kw)
        if x.error:
            raise AssertionError("exec %s: %s" % (argv, x.error))
        x.wait()
        return x

    def out(self, argv, **kw):
        x = self.run(argv, **kw)
        assert x.exit == (0, 0), (argv, x.exit, x.out)
        return bytes(x.out[1]).decode()

    def stop(self):
        # SIGKILL to a PID namespace's init ends the whole namespace; killing
        # only unshare(1) would leave it running.
        if self.pid and self.proc.poll() is None:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def test_vm(vm):
    vm.wait_socket()
    c = A.Conn(vm.sock)
    A.log("hello:", c.desc)
    c.ok(T["PING"])
    assert vm.out(["hostname"]).strip() == "pid1test"
    mounts = [line.split() for line in vm.out(["cat", "/proc/mounts"]).splitlines()]
    A.log("\n    ".join(" ".join(m[:4]) for m in mounts))
    where = {m[1]: m for m in mounts}
    assert where["/"][2] == "overlay", where["/"]
    assert "lowerdir=/lower" in where["/"][3] and "upperdir=/rw/upper" in where["/"][3]
    for mp, fs in (("/proc", "proc"), ("/sys", "sysfs"), ("/dev", "devtmpfs"), ("/dev/pts", "devpts"),
                   ("/dev/shm", "tmpfs"), ("/run", "tmpfs")):
        assert where[mp][2] == fs, (mp, where.get(mp))
    assert "ptmxmode=666" in where["/dev/pts"][3] and "gid=5" in where["/dev/pts"][3], where["/dev/pts"]
    assert not any(m[1] in ("/lower", "/rw", "/stage", "/root") or m[1].startswith("/stage") for m in mounts)
    assert len(mounts) == 7, mounts
    links = vm.out(["sh", "-c", "for l in /dev/ptmx /dev/fd /dev/stdin /dev/stdout /dev/stderr; do readlink $l; done"])
    assert links.split() == ["pts/ptmx", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1",
                             "/proc/self/fd/2"], links
    assert vm.out(["stat", "-c", "%a", "/dev/shm", "/run", "/"]).split() == ["1777", "755", "755"]
    x = vm.run(["tty"], flags=A.F_PTY)
    assert bytes(x.out[1]).strip() == b"/dev/pts/0", x.out
    x = vm.run(["sh", "-c", "stty size; ls -l /proc/self/fd/0"], flags=A.F_PTY, rows=50, cols=132)
    assert b"50 132" in x.out[1], x.out
    assert vm.out(["cat", "/etc/hello.txt"]) == "hello from the image\n"
    assert vm.out(["sh", "-c", "echo new > /etc/new; cat /etc/new; mkdir -p /var/x; echo ok"]) == "new\nok\n"
    # users from the image's /etc/passwd and /etc/group
    assert vm.out(["sh", "-c", "id -u; id -g; id -G; echo $HOME; pwd"], user="app", cwd="/home/app").split() == [
        "1000", "1000", "1000", "2000", "/home/app", "/home/app"]
    assert vm.out(["id", "-G"]).split() == ["0", "3000"], "root's supplementary groups"
    assert vm.out(["id", "-u"], user="1000:2000").strip() == "1000"
    x = A.Session(vm.sock, ["true"], user="ghost")
    assert x.error == (22, "unknown user ghost"), x.error
    x = A.Session(vm.sock, ["touch", "/root/x"], user="app")
    x.wait()
    assert x.exit == (1, 0), x.exit
    # PID 1 is the agent, and it reaps orphans
    ps = vm.out(["ps", "-o", "pid,stat,comm"])
    A.log(ps)
    assert any(l.split()[:1] == ["1"] and l.split()[-1] == "init" for l in ps.splitlines()), ps
    vm.out(["sh", "-c", "(sleep 0.2; true) & (sleep 0.1; true) & exit 0"])
    time.sleep(0.6)
    ps = vm.out(["ps", "-o", "pid,stat,comm"])
    assert not any(len(l.split()) > 1 and l.split()[1].startswith("Z") for l in ps.splitlines()), ps
    # file operations see the container root
    r = c.reply(T["STATFS"], A.s("/"), "STATFS_REPLY")
    r.u64(), r.u64(), r.u64(), r.u64()
    assert r.str() == "overlay"
    c.reply(T["STAT"], A.s("/etc/hello.txt") + A.u8(1), "STAT_REPLY")
    c.send(T["READDIR"], A.s("/"))
    names = set()
    while True:
        t, b = c.recv()
        if t == T["DIR_END"]:
            break
        rd = A.Reader(b)
        for _ in range(rd.u32()):
            rd.u8()
            names.add(rd.str())
    assert {"bin", "etc", "proc", "sys", "dev", "run", "tmp"} <= names, names
    assert not {"lower", "rw", "stage", "init", "crumble"} & names, names
    # SHUTDOWN: OK, then everything stops (the namespace's init ends)
    sleeper = A.Session(vm.sock, ["sleep", "100"])
    c.ok(T["SHUTDOWN"], A.u8(0))
    vm.proc.wait(timeout=10)
    A.log("namespace ended with", vm.proc.returncode)
    try:
        sleeper.wait(timeout=5)
    except (Exception,):
        pass   # killed with the others; EXIT may or may not get out first
    assert "fatal" not in vm.console_text(), vm.console_text()


def test_fatal(vm):
    t0 = time.time()
    vm.proc.wait(timeout=15)
    text = vm.console_text()
    A.log("console:", text.strip(), "after %.1fs" % (time.time() - t0))
    assert "crumble-agent: fatal: mount /dev/nonexistent (erofs) on /lower: No such file or directory" in text, text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agent")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--allow-host-dev", action="store_true",
                    help="let the agent change the host's /dev/ptmx for the test's duration (see above)")
    a = ap.parse_args()
    A.VERBOSE = a.v
    if os.geteuid() != 0:
        skip("needs root")
    if not a.allow_host_dev:
        skip("the container's devtmpfs is the host's /dev; run with --allow-host-dev (see the docstring)")
    for tool in ("unshare", "losetup", "mkfs.erofs", "busybox", "chroot"):
        if not shutil.which(tool):
            skip("%s not found" % tool)
    if "statically linked" not in subprocess.run(["file", "-L", shutil.which("busybox")],
                                                 stdout=subprocess.PIPE, text=True).stdout:
        skip("busybox is not static")
    agent = a.agent
    if not agent:
        cache = os.environ.get("CRUMBLE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "crumblecracker")
        agent = subprocess.run([os.path.join(os.path.dirname(HERE), "build.sh"), os.path.join(cache, "agent")],
                               check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    tmp = tempfile.mkdtemp(prefix="agent-pid1-")
    loop = None
    vms = []
    failed = 0
    guard = HostDevGuard()
    try:
        img = build_image(tmp)
        loop = subprocess.run(["losetup", "-f", "--show", "-r", img], check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()
        base = ("hostname=pid1test\nroot_fstype=erofs\nupper_size=64m\nunknown_key=ignored\n"
                "debug_listen_unix=/run/agent.sock\n")
        for name, fn, cfg in (("vm", test_vm, base + "root_device=%s\n" % loop),
                              ("fatal", test_fatal, base + "root_device=/dev/nonexistent\n")):
            vm = Vm(tmp, name, agent, cfg)
            vms.append(vm)
            t0 = time.time()
            try:
                fn(vm)
                print("PASS pid1 %-28s %.2fs" % (name, time.time() - t0), flush=True)
            except Exception:
                failed += 1
                print("FAIL pid1 %s" % name, flush=True)
                traceback.print_exc()
                print("console:", vm.console_text())
    finally:
        for vm in vms:
            vm.stop()
        guard.restore()
        if loop:
            subprocess.run(["losetup", "-d", loop])
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (2 - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
