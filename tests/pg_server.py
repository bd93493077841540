"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder, ``pg_ctl start`` on a
unix socket in that folder (no TCP port, so no clash with anything else on the machine), stopped and
removed at the end.

The server's binaries are found on ``PATH`` or in Debian's ``/usr/lib/postgresql/<major>/bin``.
``initdb`` refuses to run as root, and CI runs as root: there the server runs as the ``postgres``
user (which Debian's package makes), or ``nobody``, through ``runuser``, owning the folder.

Not a test module: ``tests/postgres.py`` starts one server per session from here.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import attrs

__all__ = ["Server", "binaries", "start"]

#: the database role the tests connect as
USER = "impasse"


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (the newest major version when several), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


@attrs.frozen
class Server:
    """A running server: its folder (data and socket) and how to reach it."""

    folder: Path
    bin: Path
    owner: str | None  # the user the server runs as, when started by root

    def url(self, database: str = "postgres", *, schema: str | None = None) -> str:
        """A ``postgresql://`` URL to ``database`` over the folder's socket; ``schema`` first on the search path."""
        url = f"postgresql://{USER}@/{database}?host={quote(str(self.folder), safe='/')}"
        if schema:
            url += "&options=" + quote(f"-c search_path={schema}")
        return url

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        _run(self, [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(server: Server, command: list[str]) -> subprocess.CompletedProcess[str]:
    if server.owner is not None:
        command = ["runuser", "-u", server.owner, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def start() -> Server:
    """Make and start a server.

    Raises:
        RuntimeError: no PostgreSQL binaries, or ``initdb`` or ``pg_ctl`` failed (with their output).
    """
    bin_dir = binaries()
    if bin_dir is None:
        msg = "no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql (.ci/run does)"
        raise RuntimeError(msg)
    owner = None
    if os.geteuid() == 0:  # initdb refuses root: the server runs as an ordinary user owning its folder
        owner = next((name for name in ("postgres", "nobody") if _exists(name)), None)
        if owner is None:
            msg = "running as root and no 'postgres' or 'nobody' user to run the PostgreSQL server as"
            raise RuntimeError(msg)
    # as root, the folder goes in /tmp itself: the server's user must reach it, and TMPDIR may be root's own
    folder = Path(tempfile.mkdtemp(prefix="impasse-pg-", dir="/tmp" if owner is not None else None))
    if owner is not None:
        entry = pwd.getpwnam(owner)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = Server(folder, bin_dir, owner)
    data = str(folder / "data")
    steps = [
        [str(bin_dir / "initdb"), "-D", data, "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
        [str(bin_dir / "pg_ctl"), "-D", data, "-l", str(folder / "log"), "-w", "-t", "60", "start",
         "-o", f"-k {folder} -c listen_addresses='' -c max_connections=200"],
    ]
    for command in steps:
        done = _run(server, command)
        if done.returncode != 0:
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            msg = f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()} {log.strip()}"
            raise RuntimeError(msg)
    return server


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True
