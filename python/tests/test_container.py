# SPDX-License-Identifier: LGPL-2.1-or-later
"""lxcnet.Container against a real running container and real veth pairs."""

import errno
import os
import subprocess
import threading
import time

import pytest

import lxcnet
from conftest import device_state, host_has_link, needs_module, own_netns, quietly, run, state_lines, unique_name


@pytest.fixture
def box(container):
    return lxcnet.Container(container.name, container.lxcpath)


@pytest.fixture(autouse=True)
def netns_unchanged():
    """Every call, failed or not, leaves the calling thread in its own netns."""
    before = own_netns()
    yield
    assert own_netns() == before


# --- moving, with and without names ---------------------------------------

def test_attach_and_detach_keeping_the_name(container, box, links):
    v = links.veth()
    assert box.attach_interface(v) is None
    assert not host_has_link(v)
    assert container.has_link(v)
    assert v in box.interfaces()

    box.detach_interface(v)
    assert host_has_link(v)
    assert not container.has_link(v)


def test_attach_renamed_then_detach_with_no_name_goes_home(container, box, links):
    v = links.veth()
    box.attach_interface(v, "eth1")
    assert container.has_link("eth1")
    assert not container.has_link(v)

    assert box.detach_interface("eth1") == v  # the name lxcnet chose is returned
    assert host_has_link(v)
    assert not container.has_link("eth1")


def test_detach_with_a_name_uses_it_on_the_host(container, box, links):
    v = links.veth()
    home = links.track(unique_name("h"))
    box.attach_interface(v, dst="eth1")
    box.detach_interface("eth1", dst=home)
    assert host_has_link(home)
    assert not host_has_link(v)
    assert not container.has_link("eth1")


def test_another_process_object_finds_the_record(container, links):
    v = links.veth()
    lxcnet.Container(container.name, container.lxcpath).attach_interface(v, "eth1")
    # A fresh object knows nothing in memory: the name comes from the record.
    lxcnet.Container(container.name, container.lxcpath).detach_interface("eth1")
    assert host_has_link(v)


def test_interfaces_lists_the_links_inside(container, box, links):
    names = box.interfaces()
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)
    assert "lo" in names
    assert sorted(names) == container.links()

    v = links.veth()
    box.attach_interface(v, "eth2")
    assert sorted(box.interfaces()) == sorted(names + ["eth2"])
    box.detach_interface("eth2")
    assert sorted(box.interfaces()) == sorted(names)


def test_state_dir_given_to_the_container_holds_the_records(container, links, state_dir, tmp_path):
    v = links.veth()
    own = tmp_path / "records"
    box = lxcnet.Container(container.name, container.lxcpath, state_dir=str(own))
    box.attach_interface(v, "eth1")
    assert os.listdir(own) and not os.listdir(state_dir)
    # Another object given the same directory finds the record.
    lxcnet.Container(container.name, container.lxcpath, state_dir=own).detach_interface("eth1")
    assert host_has_link(v)


# --- configuration travels ---------------------------------------------------

def test_configuration_is_carried_in_and_back(container, box, links):
    v = links.veth()
    links.configure(v, 41)
    before = device_state(v)
    assert state_lines(before, "admin") == ["admin up"] and state_lines(before, "mtu") == ["mtu 1400"]
    addresses = state_lines(before, "addr")
    assert any(a.startswith("addr inet 10.252.41.1/24 ") and a.endswith(" scope global") for a in addresses)
    assert any(a.startswith("addr inet6 fd00:252:41::1/64 ") and a.endswith(" scope global") for a in addresses)

    box.attach_interface(v, "eth3")
    inside = device_state("eth3", container.inside())
    assert inside == before

    box.detach_interface("eth3")
    assert device_state(v) == before


def test_preserve_false_is_the_bare_move(container, box, links, state_dir):
    v = links.veth()
    links.configure(v, 42)
    box.attach_interface(v, "eth4", preserve=False)
    inside = device_state("eth4", container.inside())
    assert state_lines(inside, "admin") == ["admin down"]
    assert state_lines(inside, "addr") == []
    # No record was kept (with no name it would come home as "eth4"), so the
    # detach names the host device.
    assert not os.path.exists(state_dir) or os.listdir(state_dir) == []
    box.detach_interface("eth4", v, preserve=False)
    assert host_has_link(v)
    assert state_lines(device_state(v), "addr") == []


# --- errors --------------------------------------------------------------------

def test_a_missing_device_is_enodev(container, box):
    with pytest.raises(lxcnet.Error) as info:
        box.attach_interface("lxpnothere0", "eth9")
    e = info.value
    assert e.errno == errno.ENODEV
    assert type(e) is lxcnet.Error
    assert "lxpnothere0" in str(e) and container.name in str(e)
    assert (e.device, e.container) == ("lxpnothere0", container.name)

    with pytest.raises(lxcnet.Error) as info:
        box.detach_interface("lxpnothere0")
    assert info.value.errno == errno.ENODEV


def test_a_taken_destination_is_file_exists_and_nothing_moves(container, box, links):
    v, other = links.veth(), links.veth()
    links.configure(v, 43)
    box.attach_interface(other, "eth5")
    before = device_state(v)

    with pytest.raises(FileExistsError) as info:
        box.attach_interface(v, "eth5")
    assert isinstance(info.value, lxcnet.Error)
    assert info.value.errno == errno.EEXIST
    assert "eth5" in str(info.value)
    assert device_state(v) == before

    # The same on the way home: the host name is taken, the device stays inside.
    with pytest.raises(FileExistsError):
        box.detach_interface("eth5", v)
    assert container.has_link("eth5")
    box.detach_interface("eth5")
    assert host_has_link(other)


def test_an_over_long_name_is_einval_and_nothing_moves(container, box, links):
    v = links.veth()
    before = device_state(v)
    for bad in ("a" * 16, "a/b", "a:b", " x", ".", "..", "eth%d"):
        with pytest.raises(lxcnet.Error) as info:
            box.attach_interface(v, bad)
        assert info.value.errno == errno.EINVAL, bad
        assert host_has_link(v)
    with pytest.raises(lxcnet.Error) as info:
        box.attach_interface("a" * 128)
    assert info.value.errno == errno.EINVAL
    with pytest.raises(lxcnet.Error) as info:
        box.attach_interface("")
    assert info.value.errno == errno.EINVAL
    assert device_state(v) == before


def test_a_destination_that_is_not_text_is_einval_and_nothing_moves(container, box, links):
    v = links.veth()
    before = device_state(v)
    inside = container.links()
    # U+0085 and U+009B are C1 controls; lone surrogates stand for bytes that are not UTF-8.
    for bad in ("eth\x85", "eth\x9b", "eth\udcff", "eth\ud800"):
        with pytest.raises(lxcnet.Error) as info:
            box.attach_interface(v, bad)
        assert info.value.errno == errno.EINVAL, ascii(bad)
        assert str(info.value).isascii() and str(info.value).isprintable(), ascii(str(info.value))
        assert host_has_link(v)
    assert "eth\\xc2\\x85" in str(pytest.raises(lxcnet.Error, box.attach_interface, v, "eth\x85").value)
    assert container.links() == inside
    assert device_state(v) == before


def test_a_name_that_is_not_utf8_inside_is_listed_and_can_be_named(container, box, links):
    odd = f"lxp{os.getpid() % 10000}\udcff\udc9b"  # the bytes ff 9b, as os.listdir() would give them
    peer = unique_name("p")
    run(*container.inside(), "ip", "link", "add", odd, "type", "veth", "peer", "name", peer)
    try:
        assert odd in box.interfaces()
        with pytest.raises(lxcnet.Error) as info:
            box.detach_interface(odd, "eth\x85")
        assert info.value.errno == errno.EINVAL
        assert info.value.device == odd
        assert str(info.value).isascii() and str(info.value).isprintable(), ascii(str(info.value))
        home = links.track(unique_name("h"))
        box.detach_interface(odd, home)
        assert host_has_link(home)
        assert odd not in box.interfaces()
    finally:
        quietly(*container.inside(), "ip", "link", "del", peer)


def test_a_stopped_container_is_process_lookup_error(stopped_container, links):
    v = links.veth()
    links.configure(v, 44)
    before = device_state(v)
    box = lxcnet.Container(stopped_container.name, stopped_container.lxcpath)
    with pytest.raises(ProcessLookupError) as info:
        box.attach_interface(v, "eth1")
    assert isinstance(info.value, lxcnet.Error)
    assert info.value.errno == errno.ESRCH
    assert "not running" in str(info.value)
    assert device_state(v) == before
    with pytest.raises(ProcessLookupError):
        box.interfaces()
    with pytest.raises(ProcessLookupError):
        box.detach_all()


def test_the_kernel_refusing_lo_is_einval(box):
    with pytest.raises(lxcnet.Error) as info:
        box.attach_interface("lo", "lxplo")
    assert info.value.errno == errno.EINVAL
    assert host_has_link("lo")


# --- python3-lxc ----------------------------------------------------------------

def test_an_lxc_container_object_is_accepted(container, links):
    lxc = needs_module("lxc")
    ct = lxc.Container(container.name, container.lxcpath)
    box = lxcnet.Container(ct)
    assert box.name == container.name
    assert box.lxcpath == container.lxcpath

    v = links.veth()
    box.attach_interface(v, "eth6")
    assert container.has_link("eth6")
    assert "eth6" in ct.get_interfaces()
    box.detach_interface("eth6")
    assert host_has_link(v)

    with pytest.raises(TypeError):
        lxcnet.Container(ct, container.lxcpath)


# --- detach_all ------------------------------------------------------------------

def test_detach_all_returns_every_attached_device(container, box, links):
    assert box.detach_all() == []
    a, b = links.veth(), links.veth()
    links.configure(b, 45)
    before = device_state(b)
    box.attach_interface(a)
    box.attach_interface(b, "eth7")

    returned = box.detach_all()
    assert all(isinstance(r, lxcnet.Returned) for r in returned)
    assert sorted(returned) == sorted([(a, a, False), ("eth7", b, False)])
    assert host_has_link(a) and host_has_link(b)
    assert not container.has_link(a) and not container.has_link("eth7")
    assert device_state(b) == before
    assert box.detach_all() == []


def test_detach_all_returns_the_others_when_one_name_is_taken(container, box, links):
    a, b = links.veth(), links.veth()
    box.attach_interface(a, "eth8")
    box.attach_interface(b, "eth9")
    # Someone takes a's name on the host while a is away.
    links.track(a + "q")
    run("ip", "link", "add", a, "type", "veth", "peer", "name", a + "q")

    with pytest.raises(FileExistsError) as info:
        box.detach_all()
    assert isinstance(info.value, lxcnet.Error)
    assert "eth9 -> " + b in str(info.value)
    assert host_has_link(b)
    assert container.has_link("eth8")

    run("ip", "link", "del", a)
    assert box.detach_all() == [("eth8", a, False)]
    assert host_has_link(a)


# --- the GIL -------------------------------------------------------------------------

def test_calls_release_the_gil(container, box, links, state_dir):
    v = links.veth()
    # The state directory itself is the first lock every attach takes.
    lock_dir = state_dir

    # Another process holds the library's host-wide lock for a while, so
    # the call blocks inside the library; it lets go on its own, so a call
    # that kept the GIL makes this test fail rather than hang.
    holder = subprocess.Popen(["flock", "-x", lock_dir, "sh", "-c", "echo locked; sleep 3"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        failure = []

        def attach():
            try:
                box.attach_interface(v, "eth1")
            except BaseException as e:  # reported by the main thread
                failure.append(e)

        worker = threading.Thread(target=attach)
        worker.start()
        time.sleep(0.5)
        # This thread runs Python again while the holder still has the lock the
        # worker's call waits for. Had the call kept the GIL, this thread would
        # wake only after the call returned, and so after the holder let go and
        # exited: checking the worker alone could not tell.
        assert holder.poll() is None, f"the call kept the GIL while it waited ({failure})"
        assert worker.is_alive(), f"the call returned while the lock was held ({failure})"
        worker.join()
    finally:
        holder.wait()
    assert not failure, failure
    assert container.has_link("eth1")
    box.detach_interface("eth1")
    assert host_has_link(v)


def test_concurrent_calls_on_distinct_devices(container, box, links):
    devices = [links.veth() for _ in range(4)]
    errors = []

    def roundtrip(dev, dst):
        try:
            for _ in range(3):
                box.attach_interface(dev, dst)
                box.detach_interface(dst)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=roundtrip, args=(d, f"eth{10 + i}")) for i, d in enumerate(devices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(host_has_link(d) for d in devices)
