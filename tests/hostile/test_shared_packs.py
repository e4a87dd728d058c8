"""Shared folders and packs: chosen by what cannot lie, signed when a key is set, never a hang."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.hostile.conftest import HANG_TIMEOUT, Runner, reseal


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


def export(run: Runner, db: Path, share: Path, *extra: str) -> dict[str, object]:
    r = run("--db", str(db), "db", "export-pack", str(share), *extra)
    assert r.code == 0, r.err
    metas = sorted(share.glob("quickref-*.json"), key=lambda p: p.stat().st_mtime_ns)
    return {"path": metas[-1], **json.loads(metas[-1].read_text())}


def info(run: Runner, share: Path, **extra: str) -> tuple[dict[str, object], str]:
    r = run("db", "info", "--json", QUICKREF_SHARED_DATA=str(share), **extra)
    assert r.code == 0, r.err
    return json.loads(r.out), r.err


def test_pack_in_use_is_shown_by_db_info(run: Runner, mini_db: Path, share: Path) -> None:
    meta = export(run, mini_db, share)
    out, _err = info(run, share)
    assert out["path"] == str(share / str(meta["file"]))
    assert out["pack"]["data_version"] == meta["data_version"]  # type: ignore[index]
    text = run("db", "info", QUICKREF_SHARED_DATA=str(share)).out
    assert f"Shared pack: {Path(str(meta['path'])).name}" in text


def _copy_pack(share: Path, meta: dict[str, object], name: str, **changes: object) -> Path:
    db = share / f"{name}.sqlite"
    shutil.copyfile(share / str(meta["file"]), db)
    body = {k: v for k, v in meta.items() if k != "path"}
    body.update(file=db.name, **changes)
    out = share / f"{name}.json"
    out.write_text(json.dumps(body))
    return out


def test_a_pack_dated_9999_does_not_win_over_a_newer_file(
    run: Runner, mini_db: Path, share: Path
) -> None:
    meta = export(run, mini_db, share)
    liar = _copy_pack(share, meta, "quickref-liar", created="9999-12-31T00:00:00Z")
    old = time.time() - 3600
    os.utime(liar, (old, old))
    os.utime(share / "quickref-liar.sqlite", (old, old))
    out, _ = info(run, share)
    assert out["path"] == str(share / str(meta["file"]))  # the honest, newer file wins


def test_a_file_time_in_the_future_counts_for_nothing(
    run: Runner, mini_db: Path, share: Path
) -> None:
    meta = export(run, mini_db, share)
    future = _copy_pack(share, meta, "quickref-future")
    t = time.time() + 400 * 24 * 3600
    os.utime(future, (t, t))
    os.utime(share / "quickref-future.sqlite", (t, t))
    out, _ = info(run, share)
    assert out["path"] == str(share / str(meta["file"]))


def test_a_data_version_in_the_future_is_refused(run: Runner, db_copy: Path, share: Path) -> None:
    con = sqlite3.connect(db_copy)
    con.execute("UPDATE meta SET value = '9999.12.1' WHERE key = 'data_version'")
    con.commit()
    con.close()
    reseal(db_copy)
    export(run, db_copy, share)
    out, err = info(run, share)
    assert out["pack"] is None and "lies in the future" in err


def test_a_pack_with_missing_tables_falls_back_to_own_data_and_says_so(
    run: Runner, db_copy: Path, share: Path
) -> None:
    con = sqlite3.connect(db_copy)
    con.execute("DROP TABLE checklist_steps")
    con.commit()
    con.close()
    reseal(db_copy)
    # export-pack refuses it (the store will not open it), so the pack is written by hand
    good = share / "quickref-2026.11.1-x.sqlite"
    shutil.copyfile(db_copy, good)
    from desktop.reference import checksum, paths

    con = sqlite3.connect(f"file:{good}?mode=ro", uri=True)
    stored = dict(con.execute("SELECT key, value FROM meta").fetchall())
    con.close()
    body = {
        "format": paths.PACK_FORMAT, "file": good.name, "sha256": checksum.file_sha256(good),
        "size": good.stat().st_size, "checksum": stored["checksum"],
        "schema_version": int(stored["schema_version"]), "data_version": stored["data_version"],
    }  # fmt: skip
    (share / "quickref-2026.11.1-x.json").write_text(json.dumps(body))
    r = run("search", "injection", "--json", QUICKREF_SHARED_DATA=str(share))
    assert r.code == 0 and json.loads(r.out)["results"]
    assert "skipped pack" in r.err and "complete QuickRef database" in r.err


@pytest.mark.parametrize("kind", ["fifo", "deep", "huge", "folder", "dev-zero"])
def test_hostile_files_in_the_shared_folder_never_hang_or_crash(
    run: Runner, mini_db: Path, share: Path, kind: str
) -> None:
    meta = export(run, mini_db, share)
    bad = share / "quickref-zzz-hostile.json"
    if kind == "fifo":
        os.mkfifo(bad)
    elif kind == "deep":
        bad.write_text("[" * 200_000 + "]" * 200_000)
    elif kind == "huge":
        bad.write_bytes(b'{"format": "' + b"x" * 5_000_000 + b'"}')
    elif kind == "folder":
        bad.mkdir()
    else:
        bad.symlink_to("/dev/zero")
    r = run("db", "info", "--json", QUICKREF_SHARED_DATA=str(share), timeout=HANG_TIMEOUT)
    assert r.code == 0 and json.loads(r.out)["path"] == str(share / str(meta["file"]))
    assert "skipped pack: quickref-zzz-hostile.json" in r.err


@pytest.mark.parametrize("kind", ["deep", "fifo", "huge"])
def test_hostile_settings_json(run: Runner, env: dict[str, str], kind: str) -> None:
    folder = Path(env["QUICKREF_DATA_DIR"])
    folder.mkdir()
    settings = folder / "settings.json"
    if kind == "deep":
        settings.write_text('{"shared_data_dir": ' + "[" * 200_000 + "]" * 200_000 + "}")
    elif kind == "fifo":
        os.mkfifo(settings)
    else:
        settings.write_text('{"x": "' + "y" * 3_000_000 + '"}')
    r = run("units", "J0696", "1", "g", timeout=HANG_TIMEOUT * 4)
    assert r.code == 0 and "J0696 x 4" in r.out


# ------------------------------------------------------------------------- signatures


def _keys(tmp_path: Path) -> tuple[Path, str]:
    """A clinic key pair made the way the README tells IT to make one (openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (the README's way to make the clinic's key)")
    private = tmp_path / "clinic.pem"
    subprocess.run(
        [openssl, "genpkey", "-algorithm", "ed25519", "-out", str(private)],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        [openssl, "pkey", "-in", str(private), "-pubout"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return private, public


def test_with_a_clinic_key_only_signed_packs_are_used(
    run: Runner, mini_db: Path, share: Path, tmp_path: Path
) -> None:
    private, public = _keys(tmp_path)
    meta = export(run, mini_db, share)
    out, err = info(run, share, QUICKREF_PACK_PUBKEY=public)
    assert out["pack"] is None and "not signed" in err  # unsigned: refused

    r = run("db", "sign-pack", str(share), "--key", str(private))
    assert r.code == 0 and "Signed" in r.out
    out, _ = info(run, share, QUICKREF_PACK_PUBKEY=public)
    assert out["pack"]["signed_by"].startswith("ed25519:")  # type: ignore[index]

    # Changing the signed metadata (even a field nobody reads) breaks the signature.
    meta_path = Path(str(meta["path"]))
    meta_path.write_text(meta_path.read_text().replace('"format"', '"format" ', 1))
    out, err = info(run, share, QUICKREF_PACK_PUBKEY=public)
    assert out["pack"] is None and "does not match" in err

    # Signed by another key: refused.
    (tmp_path / "other").mkdir()
    other, _ = _keys(tmp_path / "other")
    assert run("db", "sign-pack", str(meta_path), "--key", str(other)).code == 0
    out, err = info(run, share, QUICKREF_PACK_PUBKEY=public)
    assert out["pack"] is None and "does not match" in err


def test_export_pack_signs_with_key_and_a_broken_key_setting_uses_no_pack(
    run: Runner, mini_db: Path, share: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    private, public = _keys(tmp_path)
    export(run, mini_db, share, "--key", str(private))
    keyfile = tmp_path / "clinic.pub.pem"
    keyfile.write_text(public)
    folder = Path(env["QUICKREF_DATA_DIR"])
    folder.mkdir()
    (folder / "settings.json").write_text(json.dumps({"pack_public_key": str(keyfile)}))
    out, _ = info(run, share)
    assert out["pack"] is not None  # the key from settings.json, by path

    (folder / "settings.json").write_text(json.dumps({"pack_public_key": "not a key"}))
    out, err = info(run, share)
    assert out["pack"] is None and "public key is unusable" in err
