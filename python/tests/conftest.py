# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the Python suite: a real busybox container, real veth pairs.

Every interface and container made here is named "lxp..." (at most 15 bytes)
and removed at teardown whether or not the test passed. Nothing else on the
machine is touched; "the host" is this process's network namespace.
"""

import itertools
import json
import os
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
    """What a user sees of a device, minus what legitimately changes on a move
    (name, ifindex, DAD state, lifetimes, the kernel's IPv6 link-local)."""
    ip = [*prefix, "ip", "-j"]
    link = json.loads(run(*ip, "link", "show", "dev", dev))[0]
    state = {
        "up": "UP" in link["flags"],
        "mtu": link["mtu"],
        "mac": link.get("address"),
        "alias": link.get("ifalias"),
    }
    addresses = set()
    for entry in json.loads(run(*ip, "addr", "show", "dev", dev)):
        for a in entry.get("addr_info", []):
            if a["family"] == "inet6" and a.get("scope") == "link":
                continue
            addresses.add((a["family"], a["local"], a["prefixlen"], a.get("scope")))
    routes = set()
    for family in ("-4", "-6"):
        for r in json.loads(run(*ip, family, "route", "show", "dev", dev)):
            if r["dst"] == "fe80::/64":
                continue
            routes.add(tuple((k, str(r.get(k))) for k in ("dst", "gateway", "protocol", "scope", "metric", "prefsrc")))
    state["addresses"] = sorted(addresses)
    state["routes"] = sorted(routes)
    return state


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
