"""The builder: real data builds, same inputs give the same bytes, broken sources fail clearly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.reference import build as builder
from desktop.reference.build import BuildError, build, is_stale
from desktop.reference.keys import SCHEMA_VERSION
from desktop.reference.paths import bundled_data_dir
from desktop.reference.store import ReferenceDataError, ReferenceStore

SOURCES = """
[[source]]
id = "ours"
title = "Our words"
publisher = "QuickRef editors"
url = "https://example.invalid/ours"
licence = "CC BY 4.0"

[[source]]
id = "cms"
title = "HCPCS"
publisher = "CMS"
url = "https://example.invalid/cms"
licence = "Public domain"

[[source]]
id = "cdc"
title = "ICD-10-CM"
publisher = "CDC"
url = "https://example.invalid/cdc"
licence = "Public domain"
"""
DATASET = """
data_version = "test.1"
released = "2026-01-02"
[code_sets.CPT]
release = "2026"
source = "ours"
[code_sets.HCPCS]
release = "2026"
source = "cms"
[code_sets."ICD-10-CM"]
release = "FY2026"
source = "cdc"
"""
CPT = """
[[code]]
code = "96372"
system = "CPT"
kind = "procedure"
title = "Shot under the skin or into a muscle"
description = "Our words."
billable = true
status = "active"
source = "ours"
terms = ["IM injection"]

[[code.xref]]
relation = "report_with"
code = "J3420"
system = "HCPCS"
"""
HCPCS = """
[[code]]
code = "J3420"
system = "HCPCS"
kind = "drug"
title = "Injection, vitamin b-12 cyanocobalamin, up to 1,000 mcg"
description = "Vitamin B12."
billable = true
status = "active"
source = "cms"
billing_unit = { amount = 1000, unit = "mcg" }
packaging = "both"
"""
SYNONYMS = """
[[synonym]]
term = "im"
means = ["intramuscular"]
"""
CHECKLISTS = """
[[template]]
id = "injection"
title = "Injection"
code = "96372"
system = "CPT"
source = "ours"

[[template.step]]
key = "confirm"
label = "Confirm the order"
why = "Because."
required = true
kind = "tick"
"""
FILES = {
    "sources.toml": SOURCES,
    "dataset.toml": DATASET,
    "cpt.toml": CPT,
    "hcpcs.toml": HCPCS,
    "synonyms.toml": SYNONYMS,
    "checklists.toml": CHECKLISTS,
}


def write_sources(folder: Path, **changes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(changes.get(name.replace(".toml", ""), text), encoding="utf-8")
    return folder


def test_small_sources_build(tmp_path: Path, mini_tabular: Path) -> None:
    data = write_sources(tmp_path / "data")
    info = build(tmp_path / "ref.sqlite", data, mini_tabular)
    assert info.codes == 2 + 4  # 96372, J3420; E53, E53.8, E53.9, Z23
    with ReferenceStore(info.path, verify=True) as store:
        rec = store.get("e538")
        assert rec is not None and rec.code == "E53.8" and rec.summary.billable is True
        assert store.get("E53").summary.billable is False  # type: ignore[union-attr]
        assert [x.code for x in store.get("96372").xrefs] == ["J3420"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("hcpcs", HCPCS + HCPCS.replace("Vitamin B12.", "Again."), "J3420: duplicate code"),
        ("cpt", CPT.replace('code = "J3420"', 'code = "J9999"'), "J9999, which does not exist"),
        (
            "cpt",
            CPT.replace('title = "Shot under the skin or into a muscle"\n', ""),
            "missing required field 'title'",
        ),
        ("hcpcs", HCPCS.replace('unit = "mcg"', 'unit = "mgs"'), "unknown unit 'mgs'"),
        (
            "hcpcs",
            HCPCS.replace('billing_unit = { amount = 1000, unit = "mcg" }\n', ""),
            "missing required field 'billing_unit'",
        ),
        (
            "hcpcs",
            HCPCS.replace('source = "cms"', 'source = "nowhere"'),
            "unknown source 'nowhere'",
        ),
        ("cpt", CPT.replace('status = "active"', 'status = "gone"'), "unknown status 'gone'"),
        (
            "cpt",
            CPT.replace('relation = "report_with"', 'relation = "likes"'),
            "unknown relation 'likes'",
        ),
        (
            "checklists",
            CHECKLISTS.replace('kind = "tick"', 'kind = "dance"'),
            "unknown kind 'dance'",
        ),
        ("cpt", CPT + "[[code\n", "not valid TOML"),
        (
            "dataset",
            DATASET.replace('released = "2026-01-02"', 'released = "soon"'),
            "must be a date",
        ),
    ],
)
def test_broken_source_is_refused(
    tmp_path: Path, mini_tabular: Path, file: str, text: str, message: str
) -> None:
    data = write_sources(tmp_path / "data", **{file: text})
    out = tmp_path / "ref.sqlite"
    with pytest.raises(BuildError) as err:
        build(out, data, mini_tabular)
    assert message in str(err.value)
    assert f"{file}.toml" in str(err.value)
    assert not out.exists()
    assert not list(tmp_path.glob("*.building"))


def test_failed_build_keeps_previous_database(tmp_path: Path, mini_tabular: Path) -> None:
    data = write_sources(tmp_path / "data")
    out = tmp_path / "ref.sqlite"
    build(out, data, mini_tabular)
    before = out.read_bytes()
    write_sources(data, cpt=CPT.replace('status = "active"', 'status = "gone"'))
    with pytest.raises(BuildError):
        build(out, data, mini_tabular)
    assert out.read_bytes() == before


def test_same_inputs_give_identical_bytes(reference_db: Path, tmp_path: Path) -> None:
    again = build(tmp_path / "again.sqlite")
    assert again.path.read_bytes() == reference_db.read_bytes()


def test_build_time_follows_source_date_epoch(
    tmp_path: Path, mini_tabular: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_sources(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    info = build(tmp_path / "a.sqlite", data, mini_tabular)
    with ReferenceStore(info.path) as store:
        assert store.meta()["build_time"] == "2026-01-01T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    info = build(tmp_path / "b.sqlite", data, mini_tabular)
    with ReferenceStore(info.path) as store:
        assert store.meta()["build_time"] == "2026-01-02T00:00:00Z"


def test_staleness_follows_inputs(tmp_path: Path, mini_tabular: Path) -> None:
    data = write_sources(tmp_path / "data")
    out = tmp_path / "ref.sqlite"
    assert is_stale(out, data, mini_tabular)
    build(out, data, mini_tabular)
    assert not is_stale(out, data, mini_tabular)
    (data / "cpt.toml").write_text(CPT.replace("Our words.", "Our better words."), encoding="utf-8")
    assert is_stale(out, data, mini_tabular)


def test_metadata_and_counts(store: ReferenceStore) -> None:
    info = store.info()
    assert info.schema_version == SCHEMA_VERSION
    sets = {c.system: c for c in info.code_sets}
    assert set(sets) == {"CPT", "HCPCS", "ICD-10-CM"}
    icd = sets["ICD-10-CM"]
    assert 97_000 < icd.codes < 100_000
    assert 73_000 < icd.billable < 76_000
    assert sets["HCPCS"].codes >= 65  # G0008-G0010, JW, JZ, 60+ drugs
    assert {s.id for s in info.sources} >= {c.source_id for c in info.code_sets}
    store.verify()


def test_every_curated_record_names_a_known_source(store: ReferenceStore) -> None:
    known = {s.id for s in store.sources()}
    used = store.query(
        "SELECT source_id FROM codes UNION SELECT source_id FROM notes"
        " UNION SELECT source_id FROM questions UNION SELECT source_id FROM checklist_templates"
    )
    assert {str(r[0]) for r in used} <= known


def test_real_sources_are_valid() -> None:
    data = builder.read_curated(bundled_data_dir())
    assert data.templates and data.synonyms and data.codes


def test_damaged_database_is_reported(tmp_path: Path, reference_db: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ReferenceDataError, match="damaged or not a QuickRef database"):
        ReferenceStore(bad)
    with pytest.raises(ReferenceDataError, match="missing"):
        ReferenceStore(tmp_path / "nowhere.sqlite")
    # One flipped byte deep inside: opens, but the checksum catches it.
    flipped = tmp_path / "flipped.sqlite"
    data = bytearray(reference_db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    flipped.write_bytes(bytes(data))
    with pytest.raises(ReferenceDataError, match="does not match its checksum"):
        ReferenceStore(flipped, verify=True)
    # A truncated file.
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(reference_db.read_bytes()[:50_000])
    with pytest.raises(ReferenceDataError), ReferenceStore(truncated, verify=True) as s:
        s.query("SELECT count(*) FROM codes")


def test_database_is_opened_read_only(reference_db: Path) -> None:
    with ReferenceStore(reference_db) as store, pytest.raises(ReferenceDataError):
        store.query("DELETE FROM codes")
    con = sqlite3.connect(reference_db)
    assert con.execute("SELECT count(*) FROM codes").fetchone()[0] > 90_000
    con.close()


def test_the_staleness_digest_covers_every_module_that_shapes_the_output() -> None:
    """Every desktop module the build reaches by import is hashed, except those that only
    locate or move files (their code cannot change what is written)."""
    import ast

    root = Path(builder.__file__).resolve().parents[2]
    locate_or_move = {
        "desktop/reference/paths.py",
        "desktop/userdirs.py",
        "desktop/fileio.py",
        "desktop/__init__.py",
        "desktop/reference/__init__.py",
        "desktop/reference/billing/__init__.py",  # the package's docstring, no code
        "desktop/reference/importers/__init__.py",  # the registry of import formats
    }

    def module_file(name: str) -> Path | None:
        base = root / Path(*name.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    seen: set[Path] = set()
    todo = [Path(builder.__file__).resolve()]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if str(path.relative_to(root)) in locate_or_move:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.startswith("desktop"):
                    found = module_file(name)
                    if found is not None:
                        todo.append(found.resolve())
    shaping = {str(p.relative_to(root)) for p in seen} - locate_or_move
    hashed = {str(Path(m).resolve().relative_to(root)) for m in builder.SHAPING_MODULES}
    assert shaping <= hashed, f"not in inputs_digest: {sorted(shaping - hashed)}"
    assert {"desktop/reference/writer.py", "desktop/reference/keys.py"} <= hashed


def test_a_build_removes_what_a_killed_build_left(tmp_path: Path, mini_tabular: Path) -> None:
    import os

    data = write_sources(tmp_path / "data")
    out = tmp_path / "out" / "ref.sqlite"
    out.parent.mkdir()
    killed = out.parent / ".ref.sqlite.building.0123456789ab.tmp"
    killed.write_bytes(b"half a database")
    os.utime(killed, (1_000_000_000, 1_000_000_000))
    build(out, data, mini_tabular)
    assert sorted(p.name for p in out.parent.iterdir()) == ["ref.sqlite"]
