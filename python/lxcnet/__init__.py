# SPDX-License-Identifier: LGPL-2.1-or-later
"""Move network interfaces into and out of running LXC containers.

lxcnet moves a host network device into a running container's network
namespace and back, keeping what the kernel would drop on the way: admin
state, addresses and routes travel with the device, and its original name is
remembered, so any process can later send it home without naming it.

    >>> import lxcnet
    >>> box = lxcnet.Container("web1")               # or Container("web1", "/srv/lxc")
    >>> box.attach_interface("veth7", "eth1")        # host veth7 is eth1 inside
    >>> box.interfaces()
    ['lo', 'eth1']
    >>> box.detach_interface("eth1")                 # back on the host as veth7

An lxc.Container from python3-lxc is accepted in place of the name:
lxcnet.Container(lxc.Container("web1")).

Every failure raises lxcnet.Error, an OSError whose errno says what went
wrong and whose message names the device, the container and the cause. It is
also the built-in OSError subclass Python picks for that errno, so
``except FileExistsError`` catches a taken name and ``except
ProcessLookupError`` a container that is not running. See help(lxcnet.Error).

Records of attached devices live in $LXCNET_STATE_DIR, else /run/lxcnet;
every process that detaches a device must see the same directory. Calls
release the GIL, and an attach or detach waits for any other attach or detach
(on any container, in this process or another) to finish.
"""

import errno as _errno
import os as _os
from typing import NamedTuple as _NamedTuple

from . import _lxcnet

__version__ = _lxcnet.__version__
__all__ = ["Container", "Error", "NetworkNamespace", "Returned"]


class Error(OSError):
    """A failed lxcnet call: an OSError with the errno of the cause.

    str(e) reads "[Errno 17] attach veth7 -> web1:eth1: the container already
    has a device named eth1: File exists".

    errno values the library gives:
      ENODEV   no such device (on the host for attach, inside for detach)
      EEXIST   the target name is taken                -> FileExistsError
      EINVAL   a bad interface or container name (a dst must also be text:
               no control characters, and no lone surrogates, which stand
               for bytes that are not UTF-8), or a device the kernel will
               not move (lo, a bridge)
      ESRCH    the container is not running           -> ProcessLookupError
      ESTALE   a record no longer matches the device (the container was
               restarted, or the device's MAC changed): name the host
               device to detach it anyway
      EPERM, EOPNOTSUPP, ...   the kernel's own refusal -> PermissionError, ...

    Raising: like OSError, Error(errno, message) returns an instance of the
    class that is both lxcnet.Error and the built-in OSError subclass Python
    maps that errno to (FileExistsError, FileNotFoundError,
    ProcessLookupError, PermissionError, ...), or plain lxcnet.Error when
    Python maps it to nothing (ENODEV, EINVAL, ESTALE). Those classes are
    reachable as lxcnet.FileExistsError and so on, but ``except
    FileExistsError`` or ``except lxcnet.Error`` is all a caller needs.

    Attributes: errno, strerror (the whole message: operation, device,
    container, cause, with every character that is not printable ASCII
    written as \\xNN, byte by byte of its UTF-8), and device and container
    (the names involved as given or found, or None).
    """

    device = None
    container = None

    def __new__(cls, *args):
        # OSError only remaps when called as OSError itself; do the same for
        # Error so that its errno-specific subclass is what callers catch.
        if cls is Error and 2 <= len(args) <= 5 and isinstance(args[0], int):
            cls = _BY_ERRNO.get(args[0], Error)
        return super().__new__(cls, *args)


def _errno_subclasses():
    """One Error subclass per built-in OSError subclass, and errno -> class."""
    by_builtin = {}
    by_errno = {}
    for code in sorted(_errno.errorcode):
        # Asking OSError itself keeps this in step with the running Python.
        builtin = type(OSError(code, ""))
        if builtin is OSError:
            continue
        cls = by_builtin.get(builtin)
        if cls is None:
            cls = type(builtin.__name__, (Error, builtin), {
                "__module__": __name__,
                "__doc__": f"An lxcnet.Error that is also a {builtin.__name__}.",
            })
            by_builtin[builtin] = cls
        by_errno[code] = cls
    return by_builtin, by_errno


_by_builtin, _BY_ERRNO = _errno_subclasses()
# Module attributes so that pickle finds them; left out of __all__ so that
# `from lxcnet import *` never shadows the built-ins.
globals().update({cls.__name__: cls for cls in _by_builtin.values()})
del _by_builtin


def _error(errnum, message, device, container):
    """Called by the extension to build the exception for a failure."""
    exc = Error(errnum, message)
    exc.device = device or None
    exc.container = container or None
    return exc


class Returned(_NamedTuple):
    """What Container.detach_all() did with one device."""

    container_name: str
    host_name: str
    fallback_name: bool


Returned.container_name.__doc__ = "Its name inside the container."
Returned.host_name.__doc__ = "The name it has now on the host."
Returned.fallback_name.__doc__ = "True if its original name was taken and host_name is lxcnet's fallback."


def _name(value, what):
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    return value


def _bytes(value, what):
    """A name as the bytes the kernel sees.

    surrogateescape undoes what the extension does with names that are not
    UTF-8, so a device listed by interfaces() can be named back. Any other
    lone surrogate passes through as the invalid UTF-8 it is, and the library
    refuses it as a new name (EINVAL) like every other bad name.
    """
    _name(value, what)
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def _destination(value, what, dev):
    """dst as bytes: None (or omitted) keeps or restores the name, b"" says so to the library.

    An empty str is a mistake, not a second spelling of None: it is refused
    with EINVAL like every other bad name, before anything moves.
    """
    if value is None:
        return b""
    if value == "":
        exc = Error(_errno.EINVAL, f"{what} for {dev} is an empty name; omit it or pass None to keep the name")
        exc.device = dev
        raise exc
    return _bytes(value, what)


def _from_lxc(container, lxcpath):
    """Name and lxcpath of an lxc.Container, or of anything shaped like one."""
    # python3-lxc offers get_config_path(); a plain config_path attribute
    # serves look-alikes (test doubles, other bindings).
    if hasattr(container, "get_config_path"):
        config_path = container.get_config_path()
    elif hasattr(container, "config_path"):
        config_path = container.config_path
    else:
        raise TypeError(f"name must be str or an lxc.Container, not {type(container).__name__}")
    if lxcpath is not None:
        raise TypeError("lxcpath must be None when name is an lxc.Container (its config path is used)")
    return _name(getattr(container, "name", None), "the lxc.Container's name"), config_path


def _path(value):
    # Bytes reach the library unchanged, so paths need not be valid UTF-8.
    return b"" if value is None else _os.fsencode(value)


class Container:
    """A running LXC container whose network interfaces lxcnet moves.

    name      the container's name, or an lxc.Container from python3-lxc
              (its name and get_config_path() are used; lxcpath must then
              be None)
    lxcpath   the directory holding the container; None is liblxc's default
    state_dir lxcnet's record directory; None is $LXCNET_STATE_DIR if set
              at the time of each call, else /run/lxcnet

    Constructing does not need the container to run; each call finds its
    current init again, so the object stays usable across restarts. A
    container that is not running makes calls raise ProcessLookupError
    (errno ESRCH). A bad container name raises lxcnet.Error (EINVAL) here.
    """

    __slots__ = ("_box", "_lxcpath")

    def __init__(self, name, lxcpath=None, *, state_dir=None):
        if not isinstance(name, str):
            name, lxcpath = _from_lxc(name, lxcpath)
        self._lxcpath = None if lxcpath is None else _os.fsdecode(lxcpath)
        self._box = _lxcnet.Box(_bytes(name, "name"), _path(lxcpath), _path(state_dir))

    @property
    def name(self):
        """The container's name."""
        return self._box.name

    @property
    def lxcpath(self):
        """The lxcpath given, or None for liblxc's default."""
        return self._lxcpath

    def __repr__(self):
        if self._lxcpath is None:
            return f"lxcnet.Container({self.name!r})"
        return f"lxcnet.Container({self.name!r}, {self._lxcpath!r})"

    def attach_interface(self, dev, dst=None, preserve=True):
        """Move the host's network device dev into the container as dst.

        dst is the name inside the container; None (or leaving it out)
        keeps dev's name, and "" is refused (EINVAL). dev may be the
        device's name or one of its altnames (up to 127 bytes). A
        name lxcnet gives is text: dst may not hold control characters
        (U+0000-U+001F, U+007F-U+009F) or lone surrogates. dev, an existing
        device, may have any name the kernel allows. With
        preserve (the default) the device arrives with its admin state,
        addresses and routes, and where it came from is recorded so that any
        process can detach it with no name; preserve=False is liblxc's bare
        move (down, unconfigured, not recorded). On failure the device is
        still on the host, configured as it was.

        Raises lxcnet.Error: ENODEV (no such device on the host), EEXIST /
        FileExistsError (dst taken inside), EINVAL (bad name, or a device the
        kernel will not move), ESRCH / ProcessLookupError (not running).
        """
        self._box.attach(_bytes(dev, "dev"), _destination(dst, "dst", dev), bool(preserve))

    def detach_interface(self, dev, dst=None, preserve=True):
        """Move the container's network device dev back to the host as dst.

        "The host" is the calling thread's network namespace. dst is held
        to the same rules as attach_interface's ("" is EINVAL). dst None means
        the name the device had before lxcnet attached it (or dev for a device
        lxcnet did not attach); with preserve the device gets back the MTU,
        MAC, alias, admin state, addresses and routes it had on the host.

        Returns the name the device now has on the host: the one lxcnet
        chose when dst is None.

        Raises lxcnet.Error: ENODEV (no such device inside), EEXIST /
        FileExistsError (the name is taken on the host; the device stays
        inside), EINVAL, ESRCH / ProcessLookupError, ESTALE (the record no
        longer matches: pass dst to detach anyway).
        """
        return self._box.detach(_bytes(dev, "dev"), _destination(dst, "dst", dev), bool(preserve))

    def detach_all(self, preserve=True):
        """Return every device lxcnet attached to this container to the host.

        Returns a list of Returned(container_name, host_name, fallback_name)
        named tuples, one per device moved. If any device cannot be returned
        (its name is taken on the host, say) the others still are, and
        lxcnet.Error is raised with the errno of the first failure and a
        message listing every failure and every device that was returned.
        """
        return [Returned(*r) for r in self._box.detach_all(bool(preserve))]

    def detach_all_from(self, netns_path, preserve=True):
        """detach_all() for a stop hook, where the container's init is gone.

        netns_path is the container's network namespace as LXC passes it to
        an lxc.hook.stop in $LXC_NET_NS (lxc.hook.version = 1). The namespace
        dies after the hook, so a device whose original name is taken on the
        host comes home under the fallback name "lxn<ifindex>" (fallback_name
        True in its Returned) instead of staying behind. Returns the list of
        Returned, as detach_all() does.
        """
        return [Returned(*r) for r in self._box.detach_all_from(_os.fsencode(netns_path), bool(preserve))]

    def interfaces(self):
        """Names of the network links inside the container, as a list of str.

        A container may name its links with any bytes the kernel allows;
        those that are not UTF-8 come back as lone surrogates, as
        os.listdir() gives them, and such a name works as dev.

        Raises ProcessLookupError (errno ESRCH) if the container is not running.
        """
        return self._box.interfaces()


class NetworkNamespace:
    """A network namespace named by a file rather than by a container.

    For a namespace made with `ip netns add NAME` (path /run/netns/NAME), a
    CNI runtime's CNI_NETNS, or /proc/PID/ns/net:

        >>> ns = lxcnet.NetworkNamespace("/run/netns/blue", "blue")
        >>> ns.attach_interface("veth7", "eth1")
        >>> ns.detach_interface("eth1")                  # home as veth7

    path      the namespace file; opened again by every call
    id        keys lxcnet's records of what was attached (a CNI container
              ID, the netns name): the same id must be given to detach what
              was attached; not empty, no "/"
    state_dir as for Container

    The calls and their errors are Container's; a namespace file that is
    gone raises FileNotFoundError (ENOENT).
    """

    __slots__ = ("_ns", "_path", "_id", "_state_dir")

    def __init__(self, path, id, *, state_dir=None):
        self._path = _os.fsdecode(path)
        self._id = _name(id, "id")
        self._state_dir = state_dir
        self._ns = _lxcnet.Netns(_os.fsencode(path), _bytes(id, "id"), _path(state_dir))

    @property
    def path(self):
        """The namespace file."""
        return self._path

    @property
    def id(self):
        """The id that keys the records."""
        return self._id

    def __repr__(self):
        return f"lxcnet.NetworkNamespace({self._path!r}, {self._id!r})"

    def attach_interface(self, dev, dst=None, preserve=True):
        """As Container.attach_interface(): the caller's device dev goes into the namespace as dst."""
        self._ns.attach(_bytes(dev, "dev"), _destination(dst, "dst", dev), bool(preserve))

    def detach_interface(self, dev, dst=None, preserve=True):
        """As Container.detach_interface(): the namespace's device dev comes back to the caller's as dst; returns its host name."""
        return self._ns.detach(_bytes(dev, "dev"), _destination(dst, "dst", dev), bool(preserve))

    def detach_all(self, preserve=True):
        """As Container.detach_all(): every device attached under this id comes home."""
        return [Returned(*r) for r in self._ns.detach_all(bool(preserve))]

    def interfaces(self):
        """Names of the network links inside the namespace."""
        return self._ns.interfaces()

    @staticmethod
    def forget(id, *, state_dir=None):
        """Drop the records of id without touching any device; return the host names they held.

        For a namespace that is already gone: the kernel has destroyed its
        virtual devices and pushed physical ones to the initial namespace, so
        the records can no longer be applied.
        """
        return _lxcnet.Netns.forget(_bytes(id, "id"), _path(state_dir))
