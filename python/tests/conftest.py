# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the Python suite: a real busybox container, real veth pairs.

Every interface and container made here is named "lxp..." (at most 15 bytes)
and removed at teardown whether or not the test passed. Nothing else on the
machine is touched; "the host" is this process's network namespace.
"""

import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

CI = os.environ.get("CI") == "true"
_counter = itertools.count()


def unique_name(prefix):
    """'lxp' + prefix + pid + a counter: unique per run, at most 15 bytes."""
    name = f"lxp{prefix}{os.getpid() % 10000}x{next(_counter)}"
    assert len(name.encode()) <= 15, name
    return name


def run(*argv, check=True):
    """Runs argv; returns its stdout. A failure raises with the whole output."""
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed with {done.returncode}: {done.stdout}{done.stderr}")
    return done.stdout


def quietly(*argv):
    """For teardown: never raises, whatever state the test left."""
    subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True)


def own_netns():
    """The calling thread's netns inode: every lxcnet call must leave it unchanged."""
    return os.stat("/proc/thread-self/ns/net").st_ino


def needs_module(name):
    """Imports an optional module; a skip without it, except under CI=true."""
    try:
        return __import__(name)
    except ImportError as e:
        if CI:
            pytest.fail(f"module {name} is missing and CI=true forbids skipping: {e}")
        pytest.skip(f"module {name} is missing: {e}")


def host_has_link(dev):
    return subprocess.run(["ip", "link", "show", "dev", dev], capture_output=True).returncode == 0


def device_state(dev, prefix=()):
    """What a user sees of a device, as one comparable text, minus what
    legitimately changes on a move (name, ifindex, DAD state, lifetimes,
    linkdown, the kernel's IPv6 link-local).

    The twin of device_state() in tests/support/support.cpp, line for line:
    both are held to tests/support/device_state_cases.txt
    (test_device_state.py here, tests/lxc/device_state_test.cpp there)."""
    link = run(*prefix, "ip", "-o", "link", "show", "dev", dev)
    out = ""
    if m := re.search(r"<([^>]*)>", link):
        out += "admin " + ("up" if re.search(r"(^|,)UP(,|$)", m[1]) else "down") + "\n"
    if m := re.search(r" mtu ([0-9]+)", link):
        out += f"mtu {m[1]}\n"
    if m := re.search(r"link/ether ([0-9a-f:]+)", link):
        out += f"mac {m[1]}\n"
    # `ip -o` ends each attribute with a backslash and the record with a newline.
    if m := re.search(r"\\    alias ([^\n]*)", link):
        out += f"alias {m[1]}\n"
    items = []
    for line in _lines(run(*prefix, "ip", "-o", "addr", "show", "dev", dev)):
        m = re.search(r"(inet6?) (\S+)(.*?)scope (\S+)(.*?)\\", line)
        if not m or (m[1] == "inet6" and m[4] == "link"):
            continue  # the kernel's own link-local
        rest = re.sub(r"\b(tentative|dadfailed|optimistic)\b", "", m[3] + m[5])
        rest = rest.replace(dev, "DEV")  # a label carries the name, which a move may change
        items.append(re.sub(r"\s+", " ", f"addr {m[1]} {m[2]}{rest} scope {m[4]}"))
    for family in ("-4", "-6"):
        for line in _lines(run(*prefix, "ip", family, "route", "show", "dev", dev)):
            if line.startswith("fe80::/64"):
                continue
            line = re.sub(r"\b(linkdown)\b", "", line)
            items.append("route " + re.sub(r"\s+", " ", line))
    return out + "".join(f"{item}\n" for item in sorted(item.rstrip(" ") for item in items))


def _lines(text):
    return [line for line in text.split("\n") if line]


def state_lines(state, kind):
    """The lines of one kind ("addr", "route", "admin") of a device_state()."""
    return [line for line in state.splitlines() if line.split(" ", 1)[0] == kind]


class ScopedContainer:
    """A busybox container (no network of its own, unconfined) in a private lxcpath."""

    def __init__(self, start=True):
        self.lxcpath = tempfile.mkdtemp(prefix="lxcnet-py-lxc.")
        self.name = unique_name("c")
        try:
            conf = os.path.join(self.lxcpath, "lxcnet-test.conf")
            with open(conf, "w") as f:
                f.write("lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n")
            run("lxc-create", "-P", self.lxcpath, "-n", self.name, "-t", "busybox", "-f", conf)
            if start:
                self.start()
        except BaseException:
            self.destroy()
            raise

    def start(self):
        run("lxc-start", "-P", self.lxcpath, "-n", self.name)
        run("lxc-wait", "-P", self.lxcpath, "-n", self.name, "-s", "RUNNING", "-t", "20")

    def destroy(self):
        quietly("lxc-stop", "-k", "-P", self.lxcpath, "-n", self.name)
        quietly("lxc-destroy", "-f", "-P", self.lxcpath, "-n", self.name)
        shutil.rmtree(self.lxcpath, ignore_errors=True)

    def inside(self):
        """Prefix that runs the host's iproute2 in the container's netns."""
        pid = run("lxc-info", "-P", self.lxcpath, "-n", self.name, "-pH").strip()
        return ("nsenter", f"--net=/proc/{pid}/ns/net")

    def has_link(self, dev):
        return subprocess.run([*self.inside(), "ip", "link", "show", "dev", dev], capture_output=True).returncode == 0

    def links(self):
        return sorted(link["ifname"] for link in json.loads(run(*self.inside(), "ip", "-j", "link", "show")))


@pytest.fixture(scope="session")
def container():
    """One running container shared by the tests that leave it running."""
    ct = ScopedContainer()
    try:
        yield ct
    finally:
        ct.destroy()


@pytest.fixture
def stopped_container():
    """A created container that was never started."""
    ct = ScopedContainer(start=False)
    try:
        yield ct
    finally:
        ct.destroy()


@pytest.fixture(scope="session")
def _state_root():
    root = tempfile.mkdtemp(prefix="lxcnet-py-state.")
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def state_dir(_state_root, monkeypatch):
    """A fresh LXCNET_STATE_DIR per test, so a failed test's records cannot
    surface in another test's detach_all()."""
    path = tempfile.mkdtemp(dir=_state_root)
    monkeypatch.setenv("LXCNET_STATE_DIR", path)
    return path


class Links:
    """Makes veth pairs and remembers every host name to delete at teardown."""

    def __init__(self):
        self._names = []

    def veth(self):
        """A new veth pair; returns the end to move. Its peer (name + 'p') stays home."""
        name = unique_name("v")
        self._names += [name, name + "p"]
        run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p")
        return name

    def configure(self, dev, subnet):
        """UP, MTU 1400, a fixed MAC, an alias, IPv4 and IPv6 addresses and a route through each."""
        n = str(subnet)
        run("ip", "link", "set", dev, "mtu", "1400", "address", f"02:00:00:00:{subnet:02x}:01")
        run("ip", "link", "set", dev, "alias", f"lxcnet python test {n}")
        run("ip", "addr", "add", f"10.252.{n}.1/24", "dev", dev)
        run("ip", "addr", "add", f"fd00:252:{n}::1/64", "dev", dev)
        run("ip", "link", "set", dev, "up")
        run("ip", "link", "set", dev + "p", "up")
        run("ip", "route", "add", f"10.253.{n}.0/24", "via", f"10.252.{n}.2", "dev", dev)
        run("ip", "-6", "route", "add", f"fd00:253:{n}::/64", "via", f"fd00:252:{n}::2", "dev", dev)

    def track(self, name):
        """A name that a test gives a device on the host (detach to a new name)."""
        self._names.append(name)
        return name

    def remove_all(self):
        # Deleting a peer that stayed home also deletes its other end,
        # wherever that end is now (in the container included).
        for name in reversed(self._names):
            quietly("ip", "link", "del", name)


@pytest.fixture
def links():
    made = Links()
    try:
        yield made
    finally:
        made.remove_all()
