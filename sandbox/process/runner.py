"""nsgen sandbox runner: a warm fork server that runs untrusted programs one at a time.

This file is the in-jail agent. The process sandbox starts one runner per pool slot; the
Docker sandbox runs the very same file inside its containers. Standard library only.

Protocol: JSON lines. The runner writes one `ready` line describing what it could set up,
then reads messages from stdin and answers each `exec` with exactly one `result` line.

  in   {"type": "exec", "id": "j1", "language": "python" | "node", "code": "...",
        "stdin": "", "timeoutMs": 10000, "memoryMb": 512, "maxOutputBytes": 1048576,
        "maxProcesses": 64, "maxFileBytes": 67108864, "maxOpenFiles": 256}
  in   {"type": "cancel", "id": "j1"}            stop that job (status "killed")
  out  {"type": "ready", "pid": ..., "networkIsolated": ..., "privateTmp": ..., "uid": ...}
  out  {"type": "result", "id": "j1", "status": "ok", "exitCode": 0, "signal": null,
        "stdout": "...", "stderr": "...", "durationMs": 3.1}
  out  {"type": "result", "id": "j1", "sandboxError": "..."}     the jail itself failed

Why a fork server: forking this already-initialised interpreter costs about a millisecond,
starting a new one tens of milliseconds. Python jobs run in the forked child in a fresh
`__main__` namespace; node jobs exec the node binary named on the command line.

Isolation, each part optional and reported in the ready line:
- network: a private network namespace (only a loopback interface, left down);
- files: a private mount namespace with fresh tmpfs over the world-writable directories,
  wiped after every job, and the interpreter's folders kept reachable (see expose_path);
- user: as root, jobs run as an unprivileged uid claimed with a lock file, so process-count
  limits apply (root ignores them) and every leftover process of that uid can be swept;
- processes: the runner is a child subreaper, so detached descendants come back to it and
  are killed and reaped after the job.

Usage: python3 -I -S runner.py [--isolate-network] [--private-tmp] [--uid-range START:COUNT]
                 [--lock-dir DIR] [--node PATH] [--scratch-base DIR] [--tmpfs-mb N]
                 [--wipe-dir DIR]...
--wipe-dir names a directory emptied after every job (in a container, its tmpfs mounts), so
nothing one job writes is seen by the next.
       runner.py --sweep-uid UID      kill every process of UID (cleanup after a hard kill)
"""

import builtins
import ctypes
import errno
import fcntl
import gc
import json
import os
import resource
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import types

# Started with -S (site processing makes the warm interpreter slower to fork, and .pth
# files may import anything), so restore what programs expect of site: exit() and quit(),
# and the site-packages folders on sys.path, without running .pth files.
if sys.flags.no_site:
    import site

    site.setquit()
    site.setcopyright()
    site.sethelper()
    sys.path.extend(path for path in site.getsitepackages() if os.path.isdir(path) and path not in sys.path)

# Modules that many benchmark programs import: loading them here makes them free in every
# forked job. Only standard library, and nothing that keeps state a job could observe.
import bisect  # noqa: F401
import collections  # noqa: F401
import functools  # noqa: F401
import heapq  # noqa: F401
import itertools  # noqa: F401
import math  # noqa: F401
import re  # noqa: F401
import string  # noqa: F401
import typing  # noqa: F401

# After SIGTERM on a timeout, how long the job's process group has before SIGKILL.
KILL_GRACE_SECONDS = 0.2
# After the job ends, how long killing and reaping its leftover processes may take.
SWEEP_DEADLINE_SECONDS = 2.0
# How long to wait for the last buffered output once every writer is dead.
DRAIN_DEADLINE_SECONDS = 0.5
# The descriptors a job's child sees besides stdin, stdout and stderr.
MEMORY_FD = 3  # the Python wrapper writes b"M" here on an uncaught MemoryError
SETUP_FD = 4  # setup failures are reported here; closed before the program runs
# Messages in the stderr of node that mean it ran out of memory.
NODE_MEMORY_MARKERS = (
    b"JavaScript heap out of memory",
    b"Fatal process out of memory",
    b"Array buffer allocation failed",
)
MINIMAL_PATH = "/usr/local/bin:/usr/bin:/bin"

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

libc = ctypes.CDLL(None, use_errno=True)


def check_libc(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def unshare(flags):
    check_libc(libc.unshare(flags), "unshare")


def mount(source, target, fstype, flags, data):
    enc = lambda value: value.encode() if value is not None else None  # noqa: E731
    check_libc(libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def prctl(option, value):
    check_libc(libc.prctl(option, value, 0, 0, 0), "prctl")


def write_message(message):
    data = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(1, view)
        view = view[written:]


# ---------------------------------------------------------------------------------------
# Start-up: namespaces, private temporary directories, the unprivileged uid


def enter_user_namespace():
    """Non-root only: a user namespace owning the others, mapping our ids to themselves."""
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER)
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")


def only_loopback():
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def expose_path(path, stash):
    """Keeps `path` reachable for the job's uid when a parent folder is private.

    A root-installed interpreter often lives under /root (mode 0700), where an unprivileged
    uid cannot import the standard library. Inside our mount namespace the private parent is
    covered with an empty tmpfs that holds only `path` (bound back in), which also hides the
    rest of that folder (the host's secrets) from jobs.
    """
    path = os.path.realpath(path)
    blocked = None
    current = "/"
    for part in path.strip("/").split("/"):
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            blocked = current
            break
    if blocked is None or blocked == path:
        return
    os.makedirs(stash)
    mount(path, stash, None, MS_BIND | MS_REC, None)
    mount("tmpfs", blocked, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    os.makedirs(path, exist_ok=True)
    mount(stash, path, None, MS_BIND | MS_REC, None)
    check_libc(libc.umount2(stash.encode(), MNT_DETACH), f"umount {stash}")
    os.rmdir(stash)


def world_writable_dirs():
    found = []
    for path in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
        try:
            if os.path.isdir(path) and not os.path.islink(path) and os.stat(path).st_mode & 0o002:
                found.append(path)
        except OSError:
            pass
    return found


def setup_private_tmp(options, reachable):
    """A private mount namespace: fresh tmpfs over every world-writable directory.

    Each tmpfs is bounded in bytes and in inodes (256 per MiB), so a job creating empty
    files without end runs out of room instead of eating kernel memory."""
    unshare(CLONE_NEWNS)
    mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    private = world_writable_dirs()
    for path in private:
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={options['tmpfs_mb']}m,nr_inodes={options['tmpfs_mb'] * 256}")
    for index, path in enumerate(reachable):
        expose_path(path, f"/tmp/.nsgen-stash-{index}")
    return private


def claim_uid(options):
    """Claims a free uid of the range with a lock file held for the runner's lifetime."""
    start, count = options["uid_range"]
    os.makedirs(options["lock_dir"], mode=0o755, exist_ok=True)
    for uid in range(start, start + count):
        fd = os.open(os.path.join(options["lock_dir"], f"uid-{uid}.lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        os.set_inheritable(fd, False)
        return uid
    raise RuntimeError(f"no free uid in {start}..{start + count - 1} (locks in {options['lock_dir']})")


def parse_arguments(argv):
    options = {
        "isolate_network": False,
        "private_tmp": False,
        "uid_range": None,
        "lock_dir": "/run/nsgen-sandbox",
        "node": None,
        "scratch_base": "/tmp",
        "tmpfs_mb": 256,
        "sweep_uid": None,
        "wipe_dirs": [],
    }
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == "--isolate-network":
            options["isolate_network"] = True
        elif flag == "--private-tmp":
            options["private_tmp"] = True
        elif flag == "--uid-range":
            start, count = args.pop(0).split(":")
            options["uid_range"] = (int(start), int(count))
        elif flag in ("--lock-dir", "--node", "--scratch-base"):
            options[flag[2:].replace("-", "_")] = args.pop(0)
        elif flag == "--tmpfs-mb":
            options["tmpfs_mb"] = int(args.pop(0))
        elif flag == "--wipe-dir":
            options["wipe_dirs"].append(args.pop(0))
        elif flag == "--sweep-uid":
            options["sweep_uid"] = int(args.pop(0))
        else:
            raise SystemExit(f"runner.py: unknown argument {flag!r}")
    return options


class Context:
    """What the start-up established; every job runs under it."""

    def __init__(self):
        self.uid = None
        self.gid = None
        self.network_isolated = False
        self.private_dirs = []
        self.node = None
        self.scratch_root = None
        self.notes = []
        self.jobs = 0


def set_up(options):
    context = Context()
    root = os.geteuid() == 0
    wanted = (CLONE_NEWNET if options["isolate_network"] else 0) | (CLONE_NEWNS if options["private_tmp"] else 0)
    if wanted and not root:
        try:
            enter_user_namespace()
        except OSError as error:
            context.notes.append(f"no user namespace: {error}")
    if root and options["uid_range"]:
        # Before the mount namespace hides nothing we need: the lock dir is a host path.
        context.uid = context.gid = claim_uid(options)
    if options["isolate_network"]:
        try:
            unshare(CLONE_NEWNET)
            context.network_isolated = only_loopback()
        except OSError as error:
            context.notes.append(f"no network namespace: {error}")
    if options["private_tmp"]:
        # Only a switched uid can be locked out of the interpreters' folders.
        reachable = [sys.base_prefix, sys.prefix] if context.uid is not None else []
        if options["node"] and context.uid is not None:
            reachable.append(os.path.dirname(os.path.realpath(options["node"])))
        try:
            context.private_dirs = setup_private_tmp(options, reachable)
        except OSError as error:
            context.notes.append(f"no private temporary directories: {error}")
    context.node = options["node"]
    for path in options["wipe_dirs"]:
        if os.path.isdir(path) and path not in context.private_dirs:
            context.private_dirs.append(path)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    # A job running as our own uid (in a container) must not ptrace us, read our memory or
    # open our descriptors through /proc: that would let it forge the results of later jobs.
    prctl(PR_SET_DUMPABLE, 0)
    context.scratch_root = os.path.join(options["scratch_base"], f"nsgen-runner-{os.getpid()}")
    os.makedirs(context.scratch_root, mode=0o711, exist_ok=True)
    if context.uid is not None:
        sweep_uid(context.uid)
    return context


# ---------------------------------------------------------------------------------------
# Cleaning up after a job


def sweep_uid(uid):
    """Kills every process running as `uid`, wherever it went (daemonised, new sessions).

    kill(-1) from a process whose uid is `uid` reaches exactly that uid's processes. A
    helper child drops to the uid to do it, so the runner itself never loses root.
    """
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(3):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def direct_children():
    try:
        with open(f"/proc/self/task/{os.getpid()}/children") as handle:
            return [int(pid) for pid in handle.read().split()]
    except OSError:
        return []


def reap_all(deadline):
    """Kills and reaps every descendant: as a subreaper, orphans come back to us.

    Returns how many processes were still alive to kill (0 for a job that cleaned up)."""
    killed = set()
    while True:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return len(killed)
            if pid == 0:
                break
        children = direct_children()
        if not children:
            return len(killed)
        if time.monotonic() > deadline:
            return len(killed)
        killed.update(children)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.001)


def empty_directory(path):
    for entry in os.scandir(path):
        remove_tree(entry.path)


def remove_tree(path):
    # rmtree walks with file descriptors and never follows a symlink out of the tree.
    def make_writable_and_retry(function, target, _info):
        parent = os.path.dirname(target)
        os.chmod(parent, 0o700)
        function(target)

    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
    else:
        shutil.rmtree(path, onerror=make_writable_and_retry)


# ---------------------------------------------------------------------------------------
# The job's child process


def child_main(job, context, scratch, fds):
    """Runs in the forked child: jail it, then run the program. Never returns."""
    try:
        os.setsid()  # its own process group, so a timeout kills the whole group
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        # Move the pipe ends out of the way first, so no dup2 below overwrites a source.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 16) for fd in fds]
        for target, source in enumerate(high):
            os.dup2(source, target, inheritable=target <= 2)
        os.closerange(SETUP_FD + 1, os.sysconf("SC_OPEN_MAX"))
        for number in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        os.chdir(scratch)
        write_program(job, context, scratch)
        set_limits(job, context)
        if context.uid is not None:
            os.setgroups([])
            os.setresgid(context.gid, context.gid, context.gid)
            os.setresuid(context.uid, context.uid, context.uid)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        os.umask(0o077)
        os.environ.clear()
        os.environ.update({"PATH": MINIMAL_PATH, "HOME": scratch, "LANG": "C.UTF-8", "TMPDIR": scratch})
        if job["language"] == "python":
            run_python(job["code"], scratch)
        else:
            run_node(job, context)
    except BaseException as error:  # noqa: BLE001 - any failure here is the jail's, not the program's
        try:
            os.write(SETUP_FD, f"{type(error).__name__}: {error}".encode("utf-8", "replace")[:2000])
        finally:
            os._exit(127)


def set_limits(job, context):
    memory = job["memoryMb"] * 1024 * 1024
    seconds = int(job["timeoutMs"] / 1000) + 2  # CPU time: a second line behind the wall clock
    limits = [
        (resource.RLIMIT_CPU, seconds),
        (resource.RLIMIT_FSIZE, job["maxFileBytes"]),
        (resource.RLIMIT_NOFILE, job["maxOpenFiles"]),
        (resource.RLIMIT_CORE, 0),
    ]
    if job["language"] == "python":
        limits.append((resource.RLIMIT_AS, memory))
    else:
        # V8 reserves far more address space than it uses, so node gets a data-segment limit
        # (private writable mappings) and a heap limit instead of RLIMIT_AS.
        limits.append((resource.RLIMIT_DATA, memory))
    if context.uid is not None:
        limits.append((resource.RLIMIT_NPROC, job["maxProcesses"]))
    for limit, value in limits:
        resource.setrlimit(limit, (value, value))


def program_path(job, scratch):
    return os.path.join(scratch, "main.py" if job["language"] == "python" else "main.cjs")


def write_program(job, context, scratch):
    # Written before the limits apply, so the file-size limit bounds the program's writes only.
    path = program_path(job, scratch)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(job["code"])
    if context.uid is not None:
        os.chown(path, context.uid, context.gid)


def run_python(source, scratch):
    path = os.path.join(scratch, "main.py")
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.argv = [path]
    sys.path[0:0] = [scratch]
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    os.close(SETUP_FD)
    exit_code = 0
    try:
        exec(compile(source, path, "exec"), main.__dict__)
    except SystemExit as error:
        exit_code = system_exit_code(error)
    except BaseException as error:  # noqa: BLE001 - the program's uncaught exception, as Python reports it
        if isinstance(error, MemoryError):
            os.write(MEMORY_FD, b"M")
        # Drop this wrapper's frame so the traceback starts in the program, as for `python main.py`.
        error = error.with_traceback(error.__traceback__.tb_next if error.__traceback__ else None)
        sys.excepthook(type(error), error, error.__traceback__)
        exit_code = 1
    finish_python(exit_code)


def system_exit_code(error):
    if error.code is None:
        return 0
    if isinstance(error.code, int):
        return error.code & 0xFF
    print(error.code, file=sys.stderr)
    return 1


def finish_python(exit_code):
    """What the interpreter does at exit: join threads, run atexit, flush."""
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except SystemExit as error:
        exit_code = system_exit_code(error)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a closed pipe: Python exits with 120
            exit_code = exit_code or 120
    os._exit(exit_code)


def run_node(job, context):
    if not context.node:
        raise RuntimeError("this runner was started without --node, so it cannot run JavaScript")
    path = program_path(job, os.getcwd())
    heap = max(16, job["memoryMb"])
    argv = [context.node, f"--max-old-space-size={heap}", "--enable-source-maps", path]
    os.execve(context.node, argv, dict(os.environ))


# ---------------------------------------------------------------------------------------
# The runner's side of a job


class ControlReader:
    """Buffers stdin into JSON messages; runs while a job is in flight to catch cancels."""

    def __init__(self):
        self.buffer = bytearray()
        self.pending = []
        self.closed = False

    def fill(self):
        chunk = os.read(0, 1 << 20)
        if not chunk:
            self.closed = True
            return
        self.buffer += chunk
        while True:
            newline = self.buffer.find(b"\n")
            if newline < 0:
                return
            line = bytes(self.buffer[:newline])
            del self.buffer[: newline + 1]
            if line.strip():
                self.pending.append(json.loads(line))

    def next_message(self):
        while not self.pending and not self.closed:
            self.fill()
        return self.pending.pop(0) if self.pending else None

    def cancelled(self, job_id):
        kept = [m for m in self.pending if not (m.get("type") == "cancel" and m.get("id") == job_id)]
        found = len(kept) != len(self.pending)
        self.pending = kept
        return found


def new_scratch(context):
    context.jobs += 1
    scratch = os.path.join(context.scratch_root, f"job-{context.jobs}")
    os.mkdir(scratch, 0o700)
    if context.uid is not None:
        os.chown(scratch, context.uid, context.gid)
    return scratch


def run_job(job, control, context):
    scratch = new_scratch(context)
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    stderr_r, stderr_w = os.pipe()
    memory_r, memory_w = os.pipe()
    setup_r, setup_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        for fd in (stdin_w, stdout_r, stderr_r, memory_r, setup_r):
            os.close(fd)
        child_main(job, context, scratch, (stdin_r, stdout_w, stderr_w, memory_w, setup_w))
    for fd in (stdin_r, stdout_w, stderr_w, memory_w, setup_w):
        os.close(fd)
    watch = Watch(job, pid, started, (stdin_w, stdout_r, stderr_r))
    try:
        outcome = watch.run(control)
        side = {name: read_available(fd) for name, fd in (("memory", memory_r), ("setup", setup_r))}
    finally:
        for fd in (memory_r, setup_r):
            os.close(fd)
    # The program's main process is gone; nothing of the job may outlive it.
    deadline = time.monotonic() + SWEEP_DEADLINE_SECONDS
    if context.uid is not None:
        sweep_uid(context.uid)
    leftovers = reap_all(deadline)
    watch.drain()
    clean_files(context, scratch)
    result = describe(job, watch, outcome, side, scratch)
    if leftovers and "sandboxError" not in result:
        result["leftoverProcesses"] = leftovers
    return result


def read_available(fd):
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""


class Watch:
    """Feeds stdin, collects output under the cap, enforces the wall clock, honours cancel."""

    def __init__(self, job, pid, started, fds):
        self.job = job
        self.pid = pid
        self.started = started
        self.stdin_w, self.stdout_r, self.stderr_r = fds
        self.stdin = job.get("stdin", "").encode("utf-8")
        self.output = {self.stdout_r: bytearray(), self.stderr_r: bytearray()}
        self.open = [self.stdout_r, self.stderr_r]
        self.room = job["maxOutputBytes"]
        self.stop_reason = None  # "timeout" | "output-limit" | "cancelled": our decision to stop it
        self.kill_at = None
        self.ended = None
        for fd in (self.stdin_w, self.stdout_r, self.stderr_r):
            os.set_blocking(fd, False)
        if not self.stdin:
            self.close_stdin()

    def close_stdin(self):
        if self.stdin_w is not None:
            os.close(self.stdin_w)
            self.stdin_w = None

    def stop(self, reason, first_signal):
        if self.stop_reason is None:
            self.stop_reason = reason
        self.signal_group(first_signal)
        if first_signal == signal.SIGTERM:
            self.kill_at = time.monotonic() + KILL_GRACE_SECONDS

    def signal_group(self, number):
        try:
            os.killpg(self.pid, number)
        except (ProcessLookupError, PermissionError):
            pass

    def read(self, fd):
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.open.remove(fd)
            os.close(fd)
            return
        kept = chunk[: self.room]
        self.output[fd] += kept
        self.room -= len(kept)
        if len(kept) < len(chunk) and self.stop_reason is None:
            self.stop("output-limit", signal.SIGKILL)

    def write_stdin(self):
        try:
            written = os.write(self.stdin_w, self.stdin[:65536])
        except BlockingIOError:
            return
        except BrokenPipeError:
            self.stdin = b""
        else:
            self.stdin = self.stdin[written:]
        if not self.stdin:
            self.close_stdin()

    def run(self, control):
        pidfd = os.pidfd_open(self.pid)
        deadline = self.started + self.job["timeoutMs"] / 1000
        try:
            while True:
                now = time.monotonic()
                if now >= deadline and self.stop_reason is None:
                    self.stop("timeout", signal.SIGTERM)
                if self.kill_at is not None and now >= self.kill_at:
                    self.signal_group(signal.SIGKILL)
                    self.kill_at = None
                wake = [t for t in (deadline if self.stop_reason is None else None, self.kill_at) if t is not None]
                wait = max(0.0, min(wake) - now) if wake else None
                readers = [pidfd, *self.open] + ([] if control.closed else [0])
                writers = [self.stdin_w] if self.stdin_w is not None else []
                readable, writable, _ = select.select(readers, writers, [], wait)
                for fd in readable:
                    if fd in self.output:
                        self.read(fd)
                if writable:
                    self.write_stdin()
                if 0 in readable:
                    # End of input means shut down after this job, not cancel it.
                    control.fill()
                    if control.cancelled(self.job["id"]):
                        self.stop("cancelled", signal.SIGKILL)
                if pidfd in readable:
                    break
            # Still a zombie, so its process group cannot be reused: kill what is left of it.
            self.ended = time.monotonic()
            self.signal_group(signal.SIGKILL)
            _, status, usage = os.wait4(self.pid, 0)
            return status, usage
        finally:
            os.close(pidfd)
            self.close_stdin()

    def drain(self):
        """Reads what is left in the pipes; every writer is dead, so EOF comes quickly."""
        deadline = time.monotonic() + DRAIN_DEADLINE_SECONDS
        while self.open:
            wait = deadline - time.monotonic()
            if wait <= 0:
                break
            readable, _, _ = select.select(self.open, [], [], wait)
            for fd in readable:
                self.read(fd)
        for fd in self.open:
            os.close(fd)
        self.open = []


def clean_files(context, scratch):
    try:
        remove_tree(scratch)
        for path in context.private_dirs:
            for entry in os.scandir(path):
                if entry.path != context.scratch_root and not entry.name.startswith(".nsgen-stash"):
                    remove_tree(entry.path)
    except OSError as error:
        print(f"runner: cleaning {scratch} failed: {error}", file=sys.stderr, flush=True)


def describe(job, watch, outcome, side, scratch):
    status, usage = outcome
    # The scratch path changes with every runner and job; results name the program by its
    # file name alone, so the same program gives the same output in every run.
    prefix = (scratch + os.sep).encode()
    stdout = bytes(watch.output[watch.stdout_r]).replace(prefix, b"")
    stderr = bytes(watch.output[watch.stderr_r]).replace(prefix, b"")
    exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    result = {
        "type": "result",
        "id": job["id"],
        "exitCode": exit_code,
        "signal": signal.Signals(number).name if number else None,
        "stdout": stdout.decode("utf-8", "replace"),
        "stderr": stderr.decode("utf-8", "replace"),
        "durationMs": round((watch.ended - watch.started) * 1000, 3),
    }
    if exit_code == 127 and side["setup"]:
        return {"type": "result", "id": job["id"], "sandboxError": side["setup"].decode("utf-8", "replace")}
    if watch.stop_reason == "cancelled":
        result["status"] = "killed"
    elif watch.stop_reason is not None:
        result["status"] = watch.stop_reason
    elif exit_code == 0:
        result["status"] = "ok"
    elif out_of_memory(job, number, stderr, side, usage):
        result["status"] = "memory"
    elif number == signal.SIGXCPU:
        result["status"] = "timeout"
    elif number is not None:
        result["status"] = "killed"
    else:
        result["status"] = "error"
    return result


def out_of_memory(job, number, stderr, side, usage):
    if side["memory"]:
        return True
    if job["language"] == "node" and any(marker in stderr[-8192:] for marker in NODE_MEMORY_MARKERS):
        return True
    limit_kb = job["memoryMb"] * 1024
    near_limit = usage.ru_maxrss >= 0.9 * limit_kb
    # A SIGKILL we did not send, with the resident size near the limit: the kernel's OOM kill.
    if number == signal.SIGKILL and near_limit:
        return True
    # V8 crashes (SIGSEGV, SIGABRT, SIGTRAP) instead of reporting when RLIMIT_DATA refuses an
    # allocation it cannot do without, e.g. a write queue that outgrows the limit.
    crash = (signal.SIGSEGV, signal.SIGABRT, signal.SIGTRAP)
    return job["language"] == "node" and number in crash and near_limit


def main():
    options = parse_arguments(sys.argv[1:])
    if options["sweep_uid"] is not None:
        sweep_uid(options["sweep_uid"])
        return
    os.chdir("/")
    context = set_up(options)
    # Move everything loaded so far out of the collector's reach, so that a collection in a
    # forked job does not write to (and so copy) every page of the warm heap.
    gc.freeze()
    write_message(
        {
            "type": "ready",
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "networkIsolated": context.network_isolated,
            "privateTmp": bool(context.private_dirs),
            "uid": context.uid,
            "processLimit": context.uid is not None,
            "node": context.node is not None,
            "notes": context.notes,
        }
    )
    control = ControlReader()
    while True:
        message = control.next_message()
        if message is None:
            break
        if message.get("type") != "exec":
            continue  # a cancel for a job that already finished
        try:
            result = run_job(message, control, context)
        except Exception as error:  # noqa: BLE001 - report it and keep serving
            result = {"type": "result", "id": message.get("id"), "sandboxError": "".join(traceback.format_exception(error))}
        write_message(result)
    shutil.rmtree(context.scratch_root, ignore_errors=True)


if __name__ == "__main__":
    main()
