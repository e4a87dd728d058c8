"""Faults around an import, on real files: odd folder names, bad --csv targets, what a
killed import leaves behind, a failing pack export, and formula cells in the CSV."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.reference import paths, update
from desktop.reference.licensed import licensed_path
from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore
from desktop.reference.update.staging import StagingLock, remove_stale_staging
from tests.reference.codefiles import write_local_csv, write_order_file

ORDER_2027 = [
    ("E53", False, "Deficiency of other B group vitamins"),
    ("E53.8", True, "Deficiency of other specified B group vitamins (cobalamin)"),
    ("E53.81", True, "Deficiency of vitamin zetamin"),
    ("Z23", True, "Encounter for immunization"),
]
REPO = Path(__file__).resolve().parents[2]


def _order_file(folder: Path) -> Path:
    return write_order_file(folder / "icd10cm_order_2027.txt", ORDER_2027)


@pytest.mark.parametrize("name", ["data #1", "why?mode=rw", "100% sure", "a#b?c%41&d=e"])
def test_import_and_switch_in_a_data_folder_named_like_a_uri(
    mini_bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    parent = tmp_path / "home"
    data = parent / name
    monkeypatch.setenv("QUICKREF_DATA_DIR", str(data))
    source = _order_file(tmp_path)
    staged = update.prepare_import([source])
    new_db = staged.commit()
    assert new_db is not None and new_db.parent == data / "reference"
    choice = paths.reference_choice()
    assert (choice.origin, choice.path) == ("imported", new_db)
    with ReferenceStore(verify=True) as store:
        assert [r.code for r in SearchEngine(store).search("zetamin").results] == ["E53.81"]
    # nothing was written beside the folder (a URI cut at '#' or '?' would do that)
    assert sorted(p.name for p in parent.iterdir()) == [name]
    assert not list(Path.cwd().glob("*.sqlite*"))
    # and the CLI reads the same folder
    assert cli_main(["db", "info", "--json"]) == 0


def test_csv_to_a_missing_folder_is_refused_before_the_import(
    mini_bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-folder" / "changes.csv"
    code = cli_main(["db", "changes", str(_order_file(tmp_path)), "--csv", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert "does not exist" in err and "Traceback" not in err
    assert not target.parent.exists()
    assert not list(paths.user_reference_dir().glob(".staging-*"))


def test_csv_to_a_folder_is_refused_and_leaves_no_stray_file(
    mini_bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    source = _order_file(tmp_path)
    before = sorted(tmp_path.iterdir())
    code = cli_main(["db", "import", str(source), "--csv", str(folder), "--yes"])
    err = capsys.readouterr().err
    assert code == 1 and "is a folder" in err
    assert sorted(tmp_path.iterdir()) == before  # no out.tmp beside it
    assert list(folder.iterdir()) == []
    assert paths.reference_choice().origin == "bundled"  # nothing switched


def test_the_next_import_removes_what_a_killed_import_left(
    mini_bundled: Path, tmp_path: Path
) -> None:
    ref = paths.user_reference_dir()
    ref.mkdir(parents=True)
    lic = licensed_path(paths.user_data_root()).parent
    lic.mkdir(parents=True)
    token = uuid.uuid4().hex
    left = [
        ref / f".staging-{token}.sqlite",
        ref / f".staging-{token}.changes.sqlite",
        ref / f".staging-{token}.lock",  # its lock file, no longer held
        lic / f".staging-{token}.sqlite",
    ]
    for p in left:
        p.write_bytes(b"x" * 1000)  # fresh: minutes old, not a day
    update.prepare_import([_order_file(tmp_path)]).discard()
    assert [p for p in left if p.exists()] == []
    assert list(ref.glob(".staging-*")) == [] and list(lic.glob(".staging-*")) == []


def test_a_running_import_keeps_its_staging_files(mini_bundled: Path) -> None:
    ref = paths.user_reference_dir()
    ref.mkdir(parents=True)
    token = uuid.uuid4().hex
    lock = StagingLock(ref, token)
    mine = ref / f".staging-{token}.sqlite"
    mine.write_bytes(b"in progress")
    orphan = ref / f".staging-{uuid.uuid4().hex}.sqlite"
    orphan.write_bytes(b"left by a killed import")
    try:
        assert remove_stale_staging(ref) == [orphan]
        assert mine.exists() and lock.path.exists()
    finally:
        lock.release()
    assert remove_stale_staging(ref) == [mine]


def test_a_killed_import_leaves_files_the_next_one_removes(
    mini_bundled: Path, tmp_path: Path
) -> None:
    """A real process killed while it holds its staging lock and files."""
    ref = paths.user_reference_dir()
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r})
        from desktop.reference import paths
        from desktop.reference.update.staging import StagingLock
        ref = paths.user_reference_dir()
        ref.mkdir(parents=True, exist_ok=True)
        lock = StagingLock(ref, "ab" * 16)
        (ref / (".staging-" + "ab" * 16 + ".sqlite")).write_bytes(b"x" * 4096)
        os.kill(os.getpid(), 9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), timeout=60)
    assert proc.returncode != 0
    assert len(list(ref.glob(".staging-*"))) == 2  # the file and its lock
    update.prepare_import([_order_file(tmp_path)]).discard()
    assert list(ref.glob(".staging-*")) == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_export_pack_that_runs_out_of_space_leaves_nothing_in_the_share(
    mini_bundled: Path, tmp_path: Path
) -> None:
    """The copy hits a file-size limit (EFBIG, as on a full disk) half-way."""
    share = tmp_path / "share"
    share.mkdir()
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from desktop.cli import main
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        sys.exit(main(["--db", {str(mini_bundled)!r}, "db", "export-pack", {str(share)!r}]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert mini_bundled.stat().st_size > 64 * 1024
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(share.iterdir()) == []


def test_formula_cells_in_the_changes_csv_are_made_text(mini_bundled: Path, tmp_path: Path) -> None:
    hostile = {
        "EVIL-1": '=HYPERLINK("http://example.invalid","click")',
        "EVIL-2": "+1+2",
        "EVIL-3": "-2+3",
        "EVIL-4": "@SUM(A1:A2)",
        "SAFE-1": "Flu shot self-pay price",
    }
    local = write_local_csv(
        tmp_path / "local.csv",
        [("code", "LOCAL", code, title, "") for code, title in hostile.items()],
    )
    staged = update.prepare_import([local])
    out = tmp_path / "changes.csv"
    assert staged.export_changes_csv(out) == len(hostile)
    staged.discard()
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    titles = {r["code"]: r["new_title"] for r in rows}
    assert titles["SAFE-1"] == hostile["SAFE-1"]
    for code, title in hostile.items():
        if code.startswith("EVIL"):
            assert titles[code] == "'" + title
            assert not titles[code].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_next_export_removes_a_partial_copy_a_killed_export_left(
    mini_bundled: Path, tmp_path: Path
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    killed = share / ".quickref-2026.11.1-20261201T000000Z.sqlite.partial.0123456789ab.tmp"
    killed.write_bytes(b"x" * 4096)
    os.utime(killed, (1_000_000_000, 1_000_000_000))  # untouched for years
    busy = share / ".quickref-2026.11.1-20261201T000001Z.sqlite.partial.ba9876543210.tmp"
    busy.write_bytes(b"another workstation is copying right now")
    pack = update.export_pack(share, mini_bundled)
    assert not killed.exists() and busy.exists()
    names = sorted(p.name for p in share.iterdir() if p != busy)
    assert names == sorted([pack.db.name, pack.db.name + ".sha256", pack.metadata.name])
