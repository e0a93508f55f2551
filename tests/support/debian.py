"""Programs from Debian's packages that some tests drive (chromium, promtool): found on the
PATH, installed when missing and the tests run as root, else skipped (a failure under CI)."""

from __future__ import annotations

import os
import shutil
import subprocess

from tests.support.services import unavailable


def debian_program(command: str, package: str) -> str:
    """The path of ``command``, installing Debian's ``package`` first when it is missing."""
    found = shutil.which(command)
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package],
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                       capture_output=True, check=False, timeout=900)
        found = shutil.which(command)
    if found is None:
        unavailable(f"{command} not found: install Debian's {package} package")
    return found
