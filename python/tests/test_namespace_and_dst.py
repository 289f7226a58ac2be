# SPDX-License-Identifier: LGPL-2.1-or-later
"""dst: None keeps, "" is EINVAL; lxcnet.NetworkNamespace; detach_all_from; error text."""

import errno

import pytest

import lxcnet
from conftest import device_state, host_has_link, quietly, run, unique_name


@pytest.fixture
def box(container):
    return lxcnet.Container(container.name, container.lxcpath)


@pytest.fixture
def netns():
    """A namespace made with `ip netns add`, deleted with whatever is in it."""
    name = unique_name("n")
    run("ip", "netns", "add", name)
    try:
        yield name
    finally:
        quietly("ip", "netns", "del", name)


def test_an_empty_dst_is_refused_and_nothing_moves(container, box, links):
    v = links.veth()
    links.configure(v, 122)
    before = device_state(v)
    for call in (lambda: box.attach_interface(v, ""), lambda: box.attach_interface(v, dst="")):
        with pytest.raises(lxcnet.Error) as caught:
            call()
        assert caught.value.errno == errno.EINVAL
        assert "empty" in caught.value.strerror
        assert caught.value.device == v
    assert device_state(v) == before

    box.attach_interface(v, "eth1")
    with pytest.raises(lxcnet.Error) as caught:
        box.detach_interface("eth1", "")
    assert caught.value.errno == errno.EINVAL
    assert container.has_link("eth1")
    box.detach_interface("eth1", None)
    assert device_state(v) == before


def test_errors_carry_no_cplusplus_class_names(container):
    with pytest.raises(lxcnet.Error) as caught:
        lxcnet.Container("a/b")
    assert "::" not in str(caught.value)
    with pytest.raises(lxcnet.Error) as caught:
        lxcnet.NetworkNamespace("/run/netns/x", "bad/id")
    assert "::" not in str(caught.value)


def test_a_namespace_by_path_round_trips_and_forgets(netns, links):
    v = links.veth()
    links.configure(v, 123)
    before = device_state(v)
    ns = lxcnet.NetworkNamespace(f"/run/netns/{netns}", netns)
    assert ns.path == f"/run/netns/{netns}" and ns.id == netns

    ns.attach_interface(v, "eth1")
    assert "eth1" in ns.interfaces()
    assert device_state("eth1", ("ip", "netns", "exec", netns)) == before
    ns.detach_interface("eth1")
    assert device_state(v) == before

    ns.attach_interface(v)
    assert [tuple(r) for r in ns.detach_all()] == [(v, v, False)]
    assert device_state(v) == before

    ns.attach_interface(v, "eth2")
    assert lxcnet.NetworkNamespace.forget(netns) == [v]
    assert lxcnet.NetworkNamespace.forget(netns) == []
    assert "eth2" in ns.interfaces()  # forgetting moves nothing
    ns.detach_interface("eth2", v)
    assert host_has_link(v)


def test_a_namespace_that_is_gone_is_file_not_found(links):
    ns = lxcnet.NetworkNamespace("/run/netns/lxpnosuchns", "lxpnosuchns")
    with pytest.raises(FileNotFoundError) as caught:
        ns.attach_interface(links.veth())
    assert isinstance(caught.value, lxcnet.Error)


def test_detach_all_from_a_stop_hooks_namespace_path(container, box, links):
    v = links.veth()
    box.attach_interface(v, "eth1")
    pid = run("lxc-info", "-P", container.lxcpath, "-n", container.name, "-pH").strip()
    returned = box.detach_all_from(f"/proc/{pid}/ns/net")
    assert [tuple(r) for r in returned] == [("eth1", v, False)]
    assert host_has_link(v)
    assert not container.has_link("eth1")
