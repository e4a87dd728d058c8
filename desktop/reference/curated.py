"""Read and validate the reviewed TOML sources in ``resources/data`` (FORMAT.md).

:func:`read_curated` returns plain dataclasses; nothing here writes a database. A
broken source raises :class:`BuildError` naming the file and the record.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from desktop.reference import diagnosis_terms
from desktop.reference.billing import ruledata
from desktop.reference.keys import (
    PACKAGING,
    RELATIONS,
    ROUTES,
    STATUSES,
    STEP_KINDS,
    SYSTEMS,
    UNITS,
    VACCINE_GROUPS,
)

CURATED_SYSTEMS = ("CPT", "HCPCS")
CURATED_KINDS = ("procedure", "drug", "modifier", "service", "vaccine")
NOTE_KINDS = ("billing", "payer", "clinical", "documentation", "status")
CURATED_FILES = ("cpt.toml", "hcpcs.toml", "vaccines.toml")
OPTIONAL_FILES = ("vaccines.toml",)  # a source folder without vaccine products still builds
MUE_FILE = "mue.toml"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BuildError(Exception):
    """A source that cannot be built from; the message says where and why."""

    def __init__(self, file: Path | str, record: str, message: str) -> None:
        self.file = str(file)
        self.record = record
        self.message = message
        where = f"{Path(file).name}: {record}" if record else Path(file).name
        super().__init__(f"{where}: {message}")


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
    packaging: str | None = None
    notes: tuple[Note, ...] = ()
    questions: tuple[Question, ...] = ()
    xrefs: tuple[Xref, ...] = ()
    vaccine_group: str | None = None
    components: int | None = None


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
    required_for: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # choice steps: (value, label)


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
    effective_from: str | None = None
    effective_through: str | None = None


@dataclass(frozen=True)
class MueRecord:
    code: str
    units: int
    indicator: int
    rationale: str


@dataclass
class MueSet:
    effective: str
    effective_through: str | None
    source: str
    rows: list[MueRecord]


@dataclass
class CuratedData:
    data_version: str
    released: str
    sources: dict[str, dict[str, str]]
    code_sets: dict[str, CodeSet]
    codes: list[CuratedCode] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # billing rule files as JSON
    # ICD-10-CM code -> its reviewed abbreviations and lay terms (diagnosis_terms.toml)
    dx_terms: dict[str, list[str]] = field(default_factory=dict)
    templates: list[Template] = field(default_factory=list)
    mue: MueSet | None = None


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
    packaging = _text(rec, "packaging", path, where, required=kind == "drug") or None
    if packaging is not None and packaging not in PACKAGING:
        raise BuildError(
            path, where, f"unknown packaging '{packaging}' (allowed: {', '.join(PACKAGING)})"
        )
    if "single_dose_container" in rec:
        raise BuildError(
            path, where, "'single_dose_container' is replaced by packaging = \"single_dose\" ..."
        )
    vaccine_group: str | None = None
    components: int | None = None
    if kind == "vaccine":
        vaccine_group = _choice(rec, "vaccine_group", VACCINE_GROUPS, path, where)
        components = rec.get("components")
        if not isinstance(components, int) or isinstance(components, bool) or components < 1:
            raise BuildError(
                path, where, "a vaccine needs 'components', a whole number of 1 or more"
            )
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
        single_dose=packaging == "single_dose",
        packaging=packaging,
        notes=notes,
        questions=questions,
        xrefs=xrefs,
        vaccine_group=vaccine_group,
        components=components,
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
            options: tuple[tuple[str, str], ...] = ()
            if kind == "choice":
                raw = s.get("option", [])
                if not isinstance(raw, list) or len(raw) < 2:
                    raise BuildError(path, where, "a choice step needs two or more [[option]]s")
                options = tuple(
                    (_text(o, "value", path, where), _text(o, "label", path, where)) for o in raw
                )
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
                    tuple(c.upper() for c in _str_list(s, "required_for", path, where)),
                    options,
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
            system,
            _text(rec, "release", ds_path, system),
            _source(rec, sources, ds_path, system),
            _date(rec, "effective_from", ds_path, system),
            _date(rec, "effective_through", ds_path, system),
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
        if name in OPTIONAL_FILES and not path.is_file():
            continue
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
    data.mue = _read_mue(data_dir / MUE_FILE, sources)
    _read_dx_terms(data_dir, sources, data)
    try:
        data.rules = ruledata.read_rule_files(data_dir, set(sources))
    except ruledata.RuleDataError as exc:
        raise BuildError(exc.file, exc.where, exc.message) from None
    return data


def _read_dx_terms(data_dir: Path, sources: dict[str, Any], data: CuratedData) -> None:
    """Abbreviations and lay terms of ICD-10-CM codes; an abbreviation's meaning is a synonym."""
    try:
        entries = diagnosis_terms.read_diagnosis_terms(data_dir, set(sources))
    except diagnosis_terms.DiagnosisTermsError as exc:
        raise BuildError(data_dir / diagnosis_terms.FILE_NAME, "", str(exc)) from None
    for entry in entries:
        data.dx_terms.setdefault(entry.code, []).append(entry.term)
        if entry.means:
            data.synonyms.append((entry.term, entry.means.lower()))


def _read_mue(path: Path, sources: dict[str, Any]) -> MueSet | None:
    """The committed CMS MUE subset (optional: a data folder without it has no MUEs)."""
    if not path.is_file():
        return None
    doc = _load_toml(path)
    effective = _date(doc, "effective", path, "")
    if effective is None:
        raise BuildError(path, "", "missing required field 'effective'")
    rows: list[MueRecord] = []
    seen: set[str] = set()
    for i, row in enumerate(doc.get("rows", []), 1):
        ok = (
            isinstance(row, list)
            and len(row) == 4
            and isinstance(row[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in row[1:3])
            and isinstance(row[3], str)
        )
        if not ok or not (row[1] >= 0 and row[2] in (1, 2, 3)):
            raise BuildError(path, f"row #{i}", "expected [code, units, indicator 1-3, rationale]")
        code = row[0].strip().upper()
        if code in seen:
            raise BuildError(path, code, "duplicate code")
        seen.add(code)
        rows.append(MueRecord(code, row[1], row[2], row[3].strip()))
    return MueSet(
        effective,
        _date(doc, "effective_through", path, ""),
        _source(doc, sources, path, ""),
        rows,
    )
