"""Build ``reference.sqlite`` from the reviewed sources and the official ICD-10-CM file.

Inputs: the TOML files in ``resources/data`` (format: ``resources/data/FORMAT.md``)
and CDC's ICD-10-CM tabular XML. Output: one SQLite file, byte-identical for the same
inputs (the build time comes from ``SOURCE_DATE_EPOCH`` or the data version's release
date, never from the clock). A broken source stops the build with a :class:`BuildError`
that names the file and the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from desktop.reference import checksum
from desktop.reference.importers import icd10cm_tabular
from desktop.reference.keys import SCHEMA_VERSION, code_key, term_key
from desktop.reference.paths import bundled_data_dir, default_reference_db
from desktop.reference.search.terms import DiagnosisTermsError, read_diagnosis_terms

SCHEMA_FILE = Path(__file__).with_name("schema.sql")

SYSTEMS = ("CPT", "HCPCS", "ICD-10-CM")
CURATED_SYSTEMS = ("CPT", "HCPCS")
CURATED_KINDS = ("procedure", "drug", "modifier", "service")
STATUSES = ("active", "deleted", "not_for_new_use")
UNITS = ("mg", "mcg", "g", "units", "mL")
ROUTES = ("IM", "SC", "IV", "ID")
RELATIONS = ("use_instead", "report_with", "see_also")
NOTE_KINDS = ("billing", "payer", "clinical", "documentation", "status")
STEP_KINDS = ("tick", "yes_no", "drug_dose")
CURATED_FILES = ("cpt.toml", "hcpcs.toml")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"^[a-z][a-z]+$")


class BuildError(Exception):
    """A source that cannot be built from; the message says where and why."""

    def __init__(self, file: Path | str, record: str, message: str) -> None:
        self.file = str(file)
        self.record = record
        self.message = message
        where = f"{Path(file).name}: {record}" if record else Path(file).name
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Xref:
    relation: str
    system: str
    code: str
    note: str


@dataclass(frozen=True)
class Note:
    kind: str
    text: str
    source: str


@dataclass(frozen=True)
class Question:
    question: str
    answer: str
    source: str


@dataclass(frozen=True)
class CuratedCode:
    file: str
    system: str
    code: str
    kind: str
    title: str
    description: str
    billable: bool
    status: str
    source: str
    effective: str | None = None
    terminated: str | None = None
    terms: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    unit_amount: Decimal | None = None
    unit: str | None = None
    single_dose: bool = False
    notes: tuple[Note, ...] = ()
    questions: tuple[Question, ...] = ()
    xrefs: tuple[Xref, ...] = ()


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    why: str
    required: bool
    kind: str
    stop_answer: str | None
    stop_message: str | None
    switch_to: str | None


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    system: str
    code: str
    source: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class CodeSet:
    system: str
    release: str
    source: str


@dataclass
class CuratedData:
    data_version: str
    released: str
    sources: dict[str, dict[str, str]]
    code_sets: dict[str, CodeSet]
    codes: list[CuratedCode] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    templates: list[Template] = field(default_factory=list)


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BuildError(path, "", "file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(path, "", f"not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise BuildError(path, "", f"not UTF-8 text ({exc})") from None


def _text(rec: dict[str, Any], key: str, path: Path, where: str, *, required: bool = True) -> str:
    value = rec.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BuildError(path, where, f"missing required field '{key}'")
        return ""
    if not isinstance(value, str):
        raise BuildError(path, where, f"field '{key}' must be text")
    return value.strip()


def _choice(rec: dict[str, Any], key: str, allowed: Iterable[str], path: Path, where: str) -> str:
    value = _text(rec, key, path, where)
    allowed = tuple(allowed)
    if value not in allowed:
        raise BuildError(path, where, f"unknown {key} '{value}' (allowed: {', '.join(allowed)})")
    return value


def _bool(rec: dict[str, Any], key: str, path: Path, where: str, default: bool | None) -> bool:
    value = rec.get(key, default)
    if value is None:
        raise BuildError(path, where, f"missing required field '{key}'")
    if not isinstance(value, bool):
        raise BuildError(path, where, f"field '{key}' must be true or false")
    return value


def _date(rec: dict[str, Any], key: str, path: Path, where: str) -> str | None:
    value = rec.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value):
        return value
    raise BuildError(path, where, f"field '{key}' must be a date YYYY-MM-DD")


def _source(rec: dict[str, Any], sources: dict[str, Any], path: Path, where: str) -> str:
    sid = _text(rec, "source", path, where)
    if sid not in sources:
        raise BuildError(path, where, f"unknown source '{sid}' (not in sources.toml)")
    return sid


def _str_list(rec: dict[str, Any], key: str, path: Path, where: str) -> tuple[str, ...]:
    value = rec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BuildError(path, where, f"field '{key}' must be a list of text")
    return tuple(v.strip() for v in value)


def _read_sources(data_dir: Path) -> dict[str, dict[str, str]]:
    path = data_dir / "sources.toml"
    out: dict[str, dict[str, str]] = {}
    for i, rec in enumerate(_load_toml(path).get("source", []), 1):
        sid = _text(rec, "id", path, f"source #{i}")
        if sid in out:
            raise BuildError(path, sid, "duplicate source id")
        out[sid] = {k: _text(rec, k, path, sid) for k in ("title", "publisher", "url", "licence")}
    if not out:
        raise BuildError(path, "", "no [[source]] records")
    return out


def _read_code(rec: dict[str, Any], path: Path, index: int, sources: dict[str, Any]) -> CuratedCode:
    code = _text(rec, "code", path, f"record #{index}")
    where = code
    system = _choice(rec, "system", CURATED_SYSTEMS, path, where)
    kind = _choice(rec, "kind", CURATED_KINDS, path, where)
    unit_amount: Decimal | None = None
    unit: str | None = None
    bu = rec.get("billing_unit")
    if bu is not None:
        if not isinstance(bu, dict):
            raise BuildError(path, where, "billing_unit must be { amount = ..., unit = ... }")
        unit = _choice(bu, "unit", UNITS, path, where)
        try:
            unit_amount = Decimal(str(bu.get("amount")))
        except InvalidOperation:
            raise BuildError(path, where, "billing_unit amount must be a number") from None
        if not unit_amount.is_finite() or unit_amount <= 0:
            raise BuildError(path, where, "billing_unit amount must be a positive number")
    elif kind == "drug":
        raise BuildError(path, where, "missing required field 'billing_unit' for a drug")
    routes = _str_list(rec, "routes", path, where)
    for r in routes:
        if r not in ROUTES:
            raise BuildError(path, where, f"unknown route '{r}' (allowed: {', '.join(ROUTES)})")
    notes = tuple(
        Note(
            _choice(n, "kind", NOTE_KINDS, path, where),
            _text(n, "text", path, where),
            _source(n, sources, path, where),
        )
        for n in rec.get("note", [])
    )
    questions = tuple(
        Question(
            _text(q, "question", path, where),
            _text(q, "answer", path, where),
            _source(q, sources, path, where),
        )
        for q in rec.get("question", [])
    )
    xrefs = tuple(
        Xref(
            _choice(x, "relation", RELATIONS, path, where),
            _choice(x, "system", SYSTEMS, path, where),
            _text(x, "code", path, where).upper(),
            _text(x, "note", path, where, required=False),
        )
        for x in rec.get("xref", [])
    )
    return CuratedCode(
        file=path.name,
        system=system,
        code=code.upper(),
        kind=kind,
        title=_text(rec, "title", path, where),
        description=_text(rec, "description", path, where),
        billable=_bool(rec, "billable", path, where, None),
        status=_choice(rec, "status", STATUSES, path, where),
        source=_source(rec, sources, path, where),
        effective=_date(rec, "effective", path, where),
        terminated=_date(rec, "terminated", path, where),
        terms=_str_list(rec, "terms", path, where),
        routes=routes,
        unit_amount=unit_amount,
        unit=unit,
        single_dose=_bool(rec, "single_dose_container", path, where, False),
        notes=notes,
        questions=questions,
        xrefs=xrefs,
    )


def _read_templates(path: Path, sources: dict[str, Any]) -> list[Template]:
    out: list[Template] = []
    seen: set[str] = set()
    for i, rec in enumerate(_load_toml(path).get("template", []), 1):
        tid = _text(rec, "id", path, f"template #{i}")
        if tid in seen:
            raise BuildError(path, tid, "duplicate template id")
        seen.add(tid)
        steps: list[Step] = []
        keys: set[str] = set()
        for j, s in enumerate(rec.get("step", []), 1):
            key = _text(s, "key", path, f"{tid} step #{j}")
            where = f"{tid} step '{key}'"
            if key in keys:
                raise BuildError(path, where, "duplicate step key")
            keys.add(key)
            kind = _choice(s, "kind", STEP_KINDS, path, where)
            stop_answer = stop_message = switch_to = None
            if kind == "yes_no":
                stop_answer = _choice(s, "stop_answer", ("yes", "no"), path, where)
                stop_message = _text(s, "stop_message", path, where)
                switch_to = _text(s, "switch_to", path, where, required=False) or None
            steps.append(
                Step(
                    key,
                    _text(s, "label", path, where),
                    _text(s, "why", path, where),
                    _bool(s, "required", path, where, None),
                    kind,
                    stop_answer,
                    stop_message,
                    switch_to,
                )
            )
        if not steps:
            raise BuildError(path, tid, "a template needs at least one [[template.step]]")
        out.append(
            Template(
                tid,
                _text(rec, "title", path, tid),
                _choice(rec, "system", SYSTEMS, path, tid),
                _text(rec, "code", path, tid).upper(),
                _source(rec, sources, path, tid),
                tuple(steps),
            )
        )
    ids = {t.id for t in out}
    for t in out:
        for s in t.steps:
            if s.switch_to and s.switch_to not in ids:
                raise BuildError(
                    path, f"{t.id} step '{s.key}'", f"switch_to '{s.switch_to}' is not a template"
                )
    return out


def read_curated(data_dir: Path) -> CuratedData:
    """Read and validate every TOML source (everything but the official ICD-10-CM file)."""
    sources = _read_sources(data_dir)
    ds_path = data_dir / "dataset.toml"
    ds = _load_toml(ds_path)
    code_sets: dict[str, CodeSet] = {}
    for system, rec in ds.get("code_sets", {}).items():
        if system not in SYSTEMS:
            raise BuildError(
                ds_path, system, f"unknown code system (allowed: {', '.join(SYSTEMS)})"
            )
        code_sets[system] = CodeSet(
            system, _text(rec, "release", ds_path, system), _source(rec, sources, ds_path, system)
        )
    for system in SYSTEMS:
        if system not in code_sets:
            raise BuildError(ds_path, system, "missing [code_sets] entry")
    data = CuratedData(
        data_version=_text(ds, "data_version", ds_path, ""),
        released=_date(ds, "released", ds_path, "") or "",
        sources=sources,
        code_sets=code_sets,
    )
    if not data.released:
        raise BuildError(ds_path, "", "missing required field 'released'")
    seen: dict[tuple[str, str], str] = {}
    for name in CURATED_FILES:
        path = data_dir / name
        for i, rec in enumerate(_load_toml(path).get("code", []), 1):
            code = _read_code(rec, path, i, sources)
            key = (code.system, code.code)
            if key in seen:
                raise BuildError(path, code.code, f"duplicate code (also in {seen[key]})")
            seen[key] = name
            data.codes.append(code)
    syn_path = data_dir / "synonyms.toml"
    for i, rec in enumerate(_load_toml(syn_path).get("synonym", []), 1):
        term = _text(rec, "term", syn_path, f"synonym #{i}").lower()
        for means in _str_list(rec, "means", syn_path, term):
            data.synonyms.append((term, means.lower()))
    data.templates = _read_templates(data_dir / "checklists.toml", sources)
    return data


# --------------------------------------------------------------------------- build


def inputs_digest(data_dir: Path, icd_xml: Path) -> str:
    """A digest of everything the output depends on: sources, schema and build code."""
    h = hashlib.sha256()
    files = [SCHEMA_FILE, Path(__file__), Path(icd10cm_tabular.__file__)]
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


def _icd_records(
    xml: Path, chapters: list[icd10cm_tabular.IcdChapter], blocks: list[icd10cm_tabular.IcdBlock]
) -> Iterator[icd10cm_tabular.IcdCode]:
    try:
        yield from icd10cm_tabular.read_tabular(
            xml, on_block=blocks.append, on_chapter=chapters.append
        )
    except icd10cm_tabular.TabularReadError as exc:
        raise BuildError(xml, "", str(exc)) from None


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
    tmp = output.with_name(output.name + ".building")
    tmp.unlink(missing_ok=True)
    try:
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
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildInfo(output, total, data.data_version, value)


def _write_all(
    con: sqlite3.Connection, data: CuratedData, data_dir: Path, icd_xml: Path, digest: str
) -> int:
    con.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?)",
        [
            (sid, s["title"], s["publisher"], s["url"], s["licence"])
            for sid, s in sorted(data.sources.items())
        ],
    )
    ids: dict[tuple[str, str], int] = {}
    next_id = 1
    curated = sorted(data.codes, key=lambda c: (SYSTEMS.index(c.system), c.code))
    for c in curated:
        ids[(c.system, c.code)] = next_id
        con.execute(
            "INSERT INTO codes (id, system, code, code_key, kind, title, description, billable,"
            " status, effective, terminated, unit_amount, unit, routes, single_dose, curated,"
            " source_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)",
            (
                next_id,
                c.system,
                c.code,
                code_key(c.code),
                c.kind,
                c.title,
                c.description,
                int(c.billable),
                c.status,
                c.effective,
                c.terminated,
                None if c.unit_amount is None else format(c.unit_amount.normalize(), "f"),
                c.unit,
                " ".join(c.routes),
                int(c.single_dose),
                c.source,
            ),
        )
        con.executemany(
            "INSERT OR IGNORE INTO terms VALUES (?,?,?)",
            [(next_id, t, term_key(t)) for t in c.terms],
        )
        con.executemany(
            "INSERT INTO notes VALUES (?,?,?,?,?)",
            [(next_id, i, n.kind, n.text, n.source) for i, n in enumerate(c.notes)],
        )
        con.executemany(
            "INSERT INTO questions VALUES (?,?,?,?,?)",
            [(next_id, i, q.question, q.answer, q.source) for i, q in enumerate(c.questions)],
        )
        con.execute(
            "INSERT INTO fts_curated (rowid, code, title, description, terms) VALUES (?,?,?,?,?)",
            (next_id, c.code.lower(), c.title, c.description, " ; ".join(c.terms)),
        )
        next_id += 1

    icd_source = data.code_sets["ICD-10-CM"].source
    # Diagnosis search terms (search lane): abbreviations and lay words of ICD-10-CM codes.
    dx_terms: dict[str, list[str]] = {}
    try:
        entries = read_diagnosis_terms(data_dir, set(data.sources))
    except DiagnosisTermsError as exc:
        raise BuildError(data_dir / "diagnosis_terms.toml", "", str(exc)) from None
    for entry in entries:
        dx_terms.setdefault(entry.code, []).append(entry.term)
        if entry.means:
            data.synonyms.append((entry.term, entry.means.lower()))
    chapters: list[icd10cm_tabular.IcdChapter] = []
    blocks: list[icd10cm_tabular.IcdBlock] = []
    icd_rows = []
    note_rows = []
    fts_rows = []
    for rec in _icd_records(icd_xml, chapters, blocks):
        if ("ICD-10-CM", rec.code) in ids:
            raise BuildError(icd_xml, rec.code, "duplicate code")
        ids[("ICD-10-CM", rec.code)] = next_id
        kind = "category" if rec.parent is None else "code"
        icd_rows.append(
            (
                next_id,
                rec.code,
                code_key(rec.code),
                kind,
                rec.title,
                int(rec.billable),
                rec.parent,
                rec.block,
                icd_source,
            )
        )
        inclusion = []
        for i, (nkind, text) in enumerate(rec.notes):
            note_rows.append((next_id, i, nkind, text, icd_source))
            if nkind == "inclusion_term":
                inclusion.append(text)
        extra = dx_terms.pop(rec.code, []) if rec.billable else []
        fts_rows.append(
            (next_id, code_key(rec.code).lower(), rec.title, " ; ".join(inclusion + extra))
        )
        con.executemany(
            "INSERT OR IGNORE INTO terms VALUES (?,?,?)",
            [(next_id, t, term_key(t)) for t in extra],
        )
        next_id += 1
    # Terms of codes this tabular does not have (a smaller test file) are left out;
    # tests/reference/test_search_rules.py checks every term against the full set.
    con.executemany(
        "INSERT INTO codes (id, system, code, code_key, kind, title, billable, status, parent,"
        " block, source_id) VALUES (?, 'ICD-10-CM', ?,?,?,?,?, 'active', ?,?,?)",
        icd_rows,
    )
    con.executemany("INSERT INTO notes VALUES (?,?,?,?,?)", note_rows)
    con.executemany("INSERT INTO fts_bulk (rowid, code, title, terms) VALUES (?,?,?,?)", fts_rows)
    con.executemany(
        "INSERT INTO icd_chapters VALUES (?,?)", [(c.number, c.title) for c in chapters]
    )
    con.executemany(
        "INSERT INTO icd_blocks VALUES (?,?,?,?,?)",
        [(b.id, b.first, b.last, b.title, b.chapter) for b in blocks],
    )

    for c in curated:
        from_id = ids[(c.system, c.code)]
        for i, x in enumerate(c.xrefs):
            to_id = ids.get((x.system, x.code))
            if to_id is None:
                raise BuildError(
                    data_dir / c.file,
                    c.code,
                    f"cross-reference ({x.relation}) to {x.system} {x.code}, which does not exist",
                )
            con.execute(
                "INSERT INTO xrefs VALUES (?,?,?,?,?)", (from_id, i, x.relation, to_id, x.note)
            )

    for t in data.templates:
        tid = ids.get((t.system, t.code))
        if tid is None:
            raise BuildError(
                data_dir / "checklists.toml", t.id, f"code {t.system} {t.code} does not exist"
            )
        con.execute(
            "INSERT INTO checklist_templates VALUES (?,?,?,?)", (t.id, t.title, tid, t.source)
        )
        con.executemany(
            "INSERT INTO checklist_steps VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    t.id,
                    i,
                    s.key,
                    s.label,
                    s.why,
                    int(s.required),
                    s.kind,
                    s.stop_answer,
                    s.stop_message,
                    s.switch_to,
                )
                for i, s in enumerate(t.steps)
            ],
        )

    con.executemany("INSERT OR IGNORE INTO synonyms VALUES (?,?)", sorted(set(data.synonyms)))
    _write_vocabulary(con, data)

    counts = dict(con.execute("SELECT system, count(*) FROM codes GROUP BY system").fetchall())
    billable = dict(
        con.execute(
            "SELECT system, count(*) FROM codes WHERE billable = 1 GROUP BY system"
        ).fetchall()
    )
    for system, cs in data.code_sets.items():
        con.execute(
            "INSERT INTO code_sets VALUES (?,?,?,?,?)",
            (system, cs.release, cs.source, counts.get(system, 0), billable.get(system, 0)),
        )
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "data_version": data.data_version,
        "released": data.released,
        "build_time": _build_time(data.released),
        "inputs_digest": digest,
        "icd10cm_file": icd_xml.name,
        "icd10cm_version": icd10cm_tabular.tabular_version(icd_xml),
        "checksum": checksum.PLACEHOLDER,
    }
    con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
    return sum(counts.values())


def _write_vocabulary(con: sqlite3.Connection, data: CuratedData) -> None:
    """Every word of the search index (3+ letters), with its document count."""
    words: dict[str, int] = {}
    for table in ("fts_curated", "fts_bulk"):
        con.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)")
        for term, doc in con.execute(f"SELECT term, doc FROM temp.v_{table}"):
            if _WORD.match(term) and len(term) >= 3:
                words[term] = words.get(term, 0) + int(doc)
        con.execute(f"DROP TABLE temp.v_{table}")
    for term, _means in data.synonyms:
        if _WORD.match(term):
            words.setdefault(term, 1)
    con.executemany("INSERT INTO vocabulary VALUES (?,?)", sorted(words.items()))


def is_stale(db: Path, data_dir: Path | None = None, icd_xml: Path | None = None) -> bool:
    """True when ``db`` is missing, unreadable, or was built from other inputs."""
    data_dir = data_dir or bundled_data_dir()
    icd_xml = icd_xml or icd10cm_tabular.bundled_tabular_xml()
    if not db.is_file():
        return True
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'inputs_digest'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return True
    return row is None or row[0] != inputs_digest(data_dir, icd_xml)
