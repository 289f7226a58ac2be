# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the Python suite for meson: `run.py [pytest args]`.

The suite is privileged (root, a real container, real veths). Meson reads
exit 77 as "skipped"; a CI run (CI=true) must never skip silently, so there
each reason to skip is a failure instead.
"""

import os
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
CI = os.environ.get("CI") == "true"


def cannot_run(reason):
    if CI:
        print(f"python suite: {reason}, and CI=true forbids skipping", file=sys.stderr)
        return 1
    print(f"python suite: {reason}: skipped", file=sys.stderr)
    return SKIP


def main():
    if os.geteuid() != 0:
        return cannot_run("needs root")
    try:
        import pytest
    except ImportError:
        return cannot_run("pytest is not installed (Debian: python3-pytest)")
    status = pytest.main(["-c", os.path.join(HERE, "pytest.ini"), "--rootdir", HERE, HERE] + sys.argv[1:])
    if status == pytest.ExitCode.NO_TESTS_COLLECTED:
        return cannot_run("pytest collected no tests")
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
