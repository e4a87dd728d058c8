"""Run the real ``quickref`` CLI as a subprocess against crafted files.

Every run has a timeout (a hang is a failure, not a stuck suite) and every result is
checked for a traceback.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.reference import checksum

HANG_TIMEOUT = 5.0  # seconds: a FIFO, device or deep JSON must not hold the CLI longer
RUN_TIMEOUT = 60.0  # a first full checksum read on a busy 2-core machine


@dataclass
class Result:
    code: int
    out: str
    err: str

    def assert_clean(self) -> None:
        assert "Traceback" not in self.err and "Traceback" not in self.out, self.err[-2000:]


Runner = Callable[..., Result]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A private user folder, no shared folder, no key, no reference override."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("QUICKREF_")}
    e["QUICKREF_DATA_DIR"] = str(tmp_path / "user")
    e["QT_QPA_PLATFORM"] = "offscreen"
    return e


@pytest.fixture
def run(env: dict[str, str]) -> Runner:
    def _run(
        *args: str, timeout: float = RUN_TIMEOUT, stdin: object = None, **extra: str
    ) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "desktop.cli", *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        result.assert_clean()
        return result

    return _run


def reseal(db: Path) -> None:
    """Give ``db`` a valid checksum again after it was changed on purpose."""
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (checksum.PLACEHOLDER,))
    con.commit()
    con.execute("VACUUM")
    con.close()
    checksum.seal(db)


@pytest.fixture
def db_copy(mini_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy" / "reference.sqlite"
    path.parent.mkdir()
    shutil.copyfile(mini_db, path)
    return path


@dataclass
class Unprivileged:
    """The CLI run as an ordinary user (as root, through setpriv as 'nobody'), with a
    folder that user can reach: root reads and enters everything, so the permission cases
    are only real for another user."""

    run: Runner
    folder: Path


@pytest.fixture
def unprivileged(mini_db: Path) -> Iterator[Unprivileged]:
    import tempfile

    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is missing")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", "import desktop"],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            cwd=Path(__file__).resolve().parents[2],
        )
        if probe.returncode != 0:  # e.g. the interpreter lives under a private /root
            pytest.skip(f"'nobody' cannot run this Python here: {probe.stderr.strip()[-200:]}")
    # pytest's own temporary folders are private to their owner: use a world-reachable one
    folder = Path(tempfile.mkdtemp(prefix="quickref-unpriv-"))
    folder.chmod(0o777)
    user = folder / "user"
    user.mkdir(mode=0o777)
    user.chmod(0o777)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUICKREF_")}
    env.update(QUICKREF_DATA_DIR=str(user), QT_QPA_PLATFORM="offscreen", HOME=str(user))
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = str(root)

    def _run(*args: str, timeout: float = RUN_TIMEOUT) -> Result:
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "desktop.cli", *args],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        result.assert_clean()
        return result

    yield Unprivileged(_run, folder)
    for p in folder.rglob("*"):
        with contextlib.suppress(OSError):
            p.chmod(0o777)
    shutil.rmtree(folder, ignore_errors=True)
