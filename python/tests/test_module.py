# SPDX-License-Identifier: LGPL-2.1-or-later
"""The module itself: what is imported, the exception classes, the docs."""

import errno
import os
import pickle
import pydoc

import pytest

import lxcnet
from conftest import CI


def test_imports_the_module_under_test():
    # Under meson, PYTHONPATH is the build directory: an installed lxcnet
    # elsewhere on sys.path must not be what gets tested.
    build = os.environ.get("PYTHONPATH")
    if not build:
        if CI:
            pytest.fail("PYTHONPATH not set under CI=true: the module under test cannot be told from an installed one")
        pytest.skip("PYTHONPATH not set: not run by meson")
    assert os.path.realpath(lxcnet.__file__).startswith(os.path.realpath(build) + os.sep)
    assert os.path.realpath(lxcnet._lxcnet.__file__).startswith(os.path.realpath(build) + os.sep)


def test_error_is_an_oserror_that_picks_the_builtin_subclass():
    e = lxcnet.Error(errno.EEXIST, "taken")
    assert isinstance(e, lxcnet.Error)
    assert isinstance(e, FileExistsError)
    assert isinstance(e, OSError)
    assert (e.errno, e.strerror) == (errno.EEXIST, "taken")
    assert str(e) == f"[Errno {errno.EEXIST}] taken"

    assert isinstance(lxcnet.Error(errno.ESRCH, "x"), ProcessLookupError)
    assert isinstance(lxcnet.Error(errno.ENOENT, "x"), FileNotFoundError)
    assert isinstance(lxcnet.Error(errno.EPERM, "x"), PermissionError)
    assert isinstance(lxcnet.Error(errno.EACCES, "x"), PermissionError)
    # Errnos Python maps to no subclass give lxcnet.Error itself.
    for code in (errno.ENODEV, errno.EINVAL, errno.ESTALE):
        assert type(lxcnet.Error(code, "x")) is lxcnet.Error
    # One class per built-in, shared by the errnos that map to it.
    assert type(lxcnet.Error(errno.EPERM, "x")) is type(lxcnet.Error(errno.EACCES, "x"))


def test_error_subclasses_are_caught_both_ways():
    with pytest.raises(FileExistsError):
        raise lxcnet.Error(errno.EEXIST, "taken")
    with pytest.raises(lxcnet.Error):
        raise lxcnet.Error(errno.EEXIST, "taken")
    with pytest.raises(lxcnet.FileExistsError):
        raise lxcnet.Error(errno.EEXIST, "taken")


def test_error_constructed_like_oserror():
    # As OSError: fewer than two arguments, no errno, no remapping.
    e = lxcnet.Error("just a message")
    assert type(e) is lxcnet.Error and e.errno is None
    # A subclass asked for by name stays that subclass.
    assert type(lxcnet.FileExistsError(errno.EEXIST, "x")) is lxcnet.FileExistsError
    assert e.device is None and e.container is None


def test_error_pickles_with_its_class_and_names():
    e = lxcnet._error(errno.EEXIST, "attach lxpx -> c:eth1: taken", "lxpx", "c")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is type(e) is lxcnet.FileExistsError
    assert (back.errno, back.strerror, back.device, back.container) == (e.errno, e.strerror, "lxpx", "c")


def test_star_import_does_not_shadow_builtins():
    namespace = {}
    exec("from lxcnet import *", namespace)
    assert set(namespace) - {"__builtins__"} == {"Container", "Error", "NetworkNamespace", "Returned"}


def test_returned_is_a_named_tuple():
    r = lxcnet.Returned("eth1", "lxpv1", False)
    assert r == ("eth1", "lxpv1", False)
    assert (r.container_name, r.host_name, r.fallback_name) == ("eth1", "lxpv1", False)


def test_help_reads_well():
    text = pydoc.render_doc(lxcnet, renderer=pydoc.plaintext)
    for expected in ("Move network interfaces into and out of running LXC containers",
                     "class Container", "attach_interface(self, dev, dst=None, preserve=True)",
                     "detach_interface(self, dev, dst=None, preserve=True)",
                     "detach_all(self, preserve=True)", "interfaces(self)",
                     "class Error", "FileExistsError", "class Returned", "VERSION"):
        assert expected in text, expected
    # The native half and the per-errno classes stay out of the way.
    assert "class Box" not in text
    assert "class ProcessLookupError" not in text


def test_version_is_the_project_version():
    assert lxcnet.__version__.count(".") == 2


def test_bad_argument_types_are_type_errors():
    with pytest.raises(TypeError):
        lxcnet.Container(42)
    with pytest.raises(TypeError):
        lxcnet.Container(b"lxpc0")
    box = lxcnet.Container("lxpnosuchct", "/tmp/lxcnet-py-no-such-path")
    with pytest.raises(TypeError):
        box.attach_interface(b"lxpv0")
    with pytest.raises(TypeError):
        box.detach_interface("lxpv0", 7)


def test_bad_container_names_are_einval():
    for bad in ("a/b", "..", ".", "", "a\nb"):
        with pytest.raises(lxcnet.Error) as info:
            lxcnet.Container(bad)
        assert info.value.errno == errno.EINVAL, bad


def test_a_container_that_does_not_exist_is_esrch():
    box = lxcnet.Container("lxpnosuchct", "/tmp/lxcnet-py-no-such-path")
    assert box.name == "lxpnosuchct"
    assert box.lxcpath == "/tmp/lxcnet-py-no-such-path"
    assert repr(box) == "lxcnet.Container('lxpnosuchct', '/tmp/lxcnet-py-no-such-path')"
    with pytest.raises(ProcessLookupError) as info:
        box.attach_interface("lxpnothere0")
    assert info.value.errno == errno.ESRCH
    assert isinstance(info.value, lxcnet.Error)
    with pytest.raises(ProcessLookupError):
        box.interfaces()


def test_a_container_look_alike_with_config_path_is_accepted():
    from types import SimpleNamespace
    box = lxcnet.Container(SimpleNamespace(name="lxpnosuchct", config_path="/tmp/lxcnet-py-no-such-path"))
    assert (box.name, box.lxcpath) == ("lxpnosuchct", "/tmp/lxcnet-py-no-such-path")
    with pytest.raises(ProcessLookupError):
        box.interfaces()
    with pytest.raises(TypeError):
        lxcnet.Container(SimpleNamespace(name=None, config_path="/tmp"))


def test_lxcpath_may_be_a_path_object():
    import pathlib
    box = lxcnet.Container("lxpnosuchct", pathlib.Path("/tmp/lxcnet-py-no-such-path"))
    assert box.lxcpath == "/tmp/lxcnet-py-no-such-path"
    assert repr(lxcnet.Container("lxpnosuchct")) == "lxcnet.Container('lxpnosuchct')"
