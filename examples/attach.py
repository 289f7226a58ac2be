#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Moves DEV into container NAME (as DST), then back home, from Python.

Usage: attach.py [-P LXCPATH] NAME DEV [DST]   (LXCPATH: liblxc's default if left out)
Needs root and the lxcnet module (installed with the library, or
PYTHONPATH=build/python from a build tree).
"""

import argparse
import sys

import lxcnet


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-P", dest="lxcpath", help="the container's lxcpath")
    parser.add_argument("name")
    parser.add_argument("dev")
    parser.add_argument("dst", nargs="?", help="the name inside (default: keep DEV's)")
    args = parser.parse_args()

    box = lxcnet.Container(args.name, args.lxcpath)
    try:
        box.attach_interface(args.dev, args.dst)  # None keeps the name
        inside = args.dst or args.dev
        print(f"{args.dev} is {inside} inside {box.name}: {', '.join(box.interfaces())}")
        box.detach_interface(inside)  # no name needed: lxcnet remembers where it came from
        print(f"{args.dev} is home")
    except ProcessLookupError as e:  # ESRCH: the container is not running (or not defined)
        print(f"{e.strerror}", file=sys.stderr)
        return 1
    except lxcnet.Error as e:  # every other failure, with its errno
        print(f"{e.strerror} (errno {e.errno})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
