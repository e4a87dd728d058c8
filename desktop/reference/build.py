"""Build ``reference.sqlite`` from the reviewed sources and the official ICD-10-CM file.

Inputs: the TOML files in ``resources/data`` (format: ``resources/data/FORMAT.md``, read
and validated by :mod:`desktop.reference.curated`) and CDC's ICD-10-CM tabular XML.
Output: one SQLite file, written through :class:`~desktop.reference.writer.ReferenceWriter`
and byte-identical for the same inputs (the build time comes from ``SOURCE_DATE_EPOCH``
or the data version's release date, never from the clock). A broken source stops the
build with a :class:`BuildError` that names the file and the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop import safe_io
from desktop.fileio import atomic_path, remove_stale, sqlite_uri
from desktop.reference import checksum, curated, diagnosis_terms, keys, writer
from desktop.reference.billing import ruledata
from desktop.reference.curated import BuildError, CuratedData, read_curated
from desktop.reference.importers import common as importers_common
from desktop.reference.importers import icd10cm_tabular
from desktop.reference.keys import SCHEMA_VERSION, SYSTEMS
from desktop.reference.paths import bundled_data_dir, default_reference_db
from desktop.reference.writer import CodeFields, ReferenceWriter, StepRow

__all__ = ["BuildError", "BuildInfo", "build", "inputs_digest", "is_stale", "read_curated"]

SCHEMA_FILE = Path(__file__).with_name("schema.sql")
#: Every module whose code shapes the output: a change to one marks a database stale.
SHAPING_MODULES = (
    Path(__file__),
    curated.__file__,
    keys.__file__,
    writer.__file__,
    icd10cm_tabular.__file__,
    importers_common.__file__,
    checksum.__file__,
    safe_io.__file__,
    ruledata.__file__,
    diagnosis_terms.__file__,
)


def inputs_digest(data_dir: Path, icd_xml: Path) -> str:
    """A digest of everything the output depends on: sources, schema and build code."""
    h = hashlib.sha256()
    files = [SCHEMA_FILE, *(Path(m) for m in SHAPING_MODULES)]
    files += sorted(p for p in data_dir.glob("*.toml"))
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(checksum.file_sha256(icd_xml).encode())
    return h.hexdigest()


def _build_time(released: str) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{released}T00:00:00Z"


@dataclass(frozen=True)
class BuildInfo:
    path: Path
    codes: int
    data_version: str
    checksum: str


def _icd_records(xml: Path, w: ReferenceWriter) -> Iterator[icd10cm_tabular.IcdCode]:
    """The codes of the tabular XML; its chapters and blocks are written as they come."""

    def on_chapter(c: icd10cm_tabular.IcdChapter) -> None:
        w.add_chapter(c.number, c.title)

    def on_block(b: icd10cm_tabular.IcdBlock) -> None:
        w.add_block(b.id, b.first, b.last, b.title, b.chapter)

    try:
        yield from icd10cm_tabular.read_tabular(xml, on_block=on_block, on_chapter=on_chapter)
    except icd10cm_tabular.TabularReadError as exc:
        raise BuildError(xml, "", str(exc)) from None


#: A half-built file older than this was left by a build that was killed.
STALE_BUILD_S = 3600.0


def _remove_killed_builds(output: Path) -> None:
    """Delete half-built files a killed build left beside ``output`` (a build takes
    seconds; a younger one may be another build running now)."""
    remove_stale(output.parent, f".{output.name}.building.*", STALE_BUILD_S)


def build(
    output: Path | None = None,
    data_dir: Path | None = None,
    icd_xml: Path | None = None,
) -> BuildInfo:
    """Build the reference database at ``output`` (atomically replaced)."""
    output = output or default_reference_db()
    data_dir = data_dir or bundled_data_dir()
    icd_xml = icd_xml or icd10cm_tabular.bundled_tabular_xml()
    data = read_curated(data_dir)
    digest = inputs_digest(data_dir, icd_xml)
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_killed_builds(output)
    with atomic_path(output, prefix=f".{output.name}.building.") as tmp:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
            con.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
            con.execute("BEGIN")
            total = _write_all(con, data, data_dir, icd_xml, digest)
            con.execute("COMMIT")
            con.execute("VACUUM")
        finally:
            con.close()
        value = checksum.seal(tmp)
    return BuildInfo(output, total, data.data_version, value)


def _write_all(
    con: sqlite3.Connection, data: CuratedData, data_dir: Path, icd_xml: Path, digest: str
) -> int:
    w = ReferenceWriter(con)
    for sid, s in sorted(data.sources.items()):
        w.add_source(sid, s["title"], s["publisher"], s["url"], s["licence"])
    ids: dict[tuple[str, str], int] = {}
    codes = sorted(data.codes, key=lambda c: (SYSTEMS.index(c.system), c.code))
    for c in codes:
        ids[(c.system, c.code)] = w.add_code(
            CodeFields(
                system=c.system,
                code=c.code,
                kind=c.kind,
                title=c.title,
                source_id=c.source,
                description=c.description,
                billable=c.billable,
                status=c.status,
                effective=c.effective,
                terminated=c.terminated,
                unit_amount=c.unit_amount,
                unit=c.unit,
                routes=c.routes,
                single_dose=c.single_dose,
                packaging=c.packaging,
                vaccine_group=c.vaccine_group,
                components=c.components,
                curated=True,
                terms=c.terms,
                notes=tuple((n.kind, n.text, n.source) for n in c.notes),
                questions=tuple((q.question, q.answer, q.source) for q in c.questions),
            )
        )

    icd_source = data.code_sets["ICD-10-CM"].source
    for rec in _icd_records(icd_xml, w):
        if ("ICD-10-CM", rec.code) in ids:
            raise BuildError(icd_xml, rec.code, "duplicate code")
        ids[("ICD-10-CM", rec.code)] = w.add_code(
            CodeFields(
                system="ICD-10-CM",
                code=rec.code,
                kind="category" if rec.parent is None else "code",
                title=rec.title,
                source_id=icd_source,
                billable=rec.billable,
                parent=rec.parent,
                block=rec.block,
                notes=tuple((k, t, icd_source) for k, t in rec.notes),
                # Terms of codes a smaller tabular lacks (a test file) are left out;
                # tests/reference/test_search_rules.py checks every term against the full set.
                terms=tuple(data.dx_terms.get(rec.code, ())) if rec.billable else (),
            )
        )

    for c in codes:
        from_id = ids[(c.system, c.code)]
        for x in c.xrefs:
            to_id = ids.get((x.system, x.code))
            if to_id is None:
                raise BuildError(
                    data_dir / c.file,
                    c.code,
                    f"cross-reference ({x.relation}) to {x.system} {x.code}, which does not exist",
                )
            w.add_xref(from_id, x.relation, to_id, x.note)

    for t in data.templates:
        tid = ids.get((t.system, t.code))
        if tid is None:
            raise BuildError(
                data_dir / "checklists.toml", t.id, f"code {t.system} {t.code} does not exist"
            )
        w.add_template(
            t.id,
            t.title,
            tid,
            t.source,
            [
                StepRow(
                    s.key,
                    s.label,
                    s.why,
                    s.required,
                    s.kind,
                    s.stop_answer,
                    s.stop_message,
                    s.switch_to,
                    s.required_for,
                    ruledata.options_json(s.options) if s.options else None,
                )
                for s in t.steps
            ],
        )

    w.add_rule_data(data.rules)
    w.add_synonyms(data.synonyms)
    w.rebuild_vocabulary()
    w.set_code_sets(
        {
            s: (cs.release, cs.source, cs.effective_from, cs.effective_through)
            for s, cs in data.code_sets.items()
        }
    )
    if data.mue is not None:
        w.replace_mue(
            data.mue.rows,
            data.mue.effective,
            data.mue.effective_through,
            data.mue.source,
        )
    w.write_meta(
        {
            "schema_version": str(SCHEMA_VERSION),
            "data_version": data.data_version,
            "released": data.released,
            "build_time": _build_time(data.released),
            "inputs_digest": digest,
            "icd10cm_file": icd_xml.name,
            "icd10cm_version": icd10cm_tabular.tabular_version(icd_xml),
            "checksum": checksum.PLACEHOLDER,
        }
    )
    return w.next_id - 1


def is_stale(db: Path, data_dir: Path | None = None, icd_xml: Path | None = None) -> bool:
    """True when ``db`` is missing, unreadable, or was built from other inputs."""
    data_dir = data_dir or bundled_data_dir()
    icd_xml = icd_xml or icd10cm_tabular.bundled_tabular_xml()
    if not db.is_file():
        return True
    try:
        con = sqlite3.connect(sqlite_uri(db, immutable=True), uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'inputs_digest'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return True
    return row is None or row[0] != inputs_digest(data_dir, icd_xml)
