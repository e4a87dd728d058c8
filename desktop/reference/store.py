"""Read-only access to the built reference database, with typed results.

The file is opened ``mode=ro&immutable=1``: nothing here can change it, and SQLite
takes no locks on it, so many windows and processes can share one install. A missing
or damaged file raises :class:`ReferenceDataError` with a message that says what to do.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from desktop.reference import checksum
from desktop.reference.keys import SCHEMA_VERSION, code_key
from desktop.reference.models import (
    MUE_INDICATORS as MUE_INDICATORS,
)
from desktop.reference.models import (
    UPDATE_SOURCES as UPDATE_SOURCES,
)
from desktop.reference.models import (  # re-exported: callers import them from here
    BillingUnit as BillingUnit,
)
from desktop.reference.models import (
    ChecklistStep as ChecklistStep,
)
from desktop.reference.models import (
    ChecklistTemplate as ChecklistTemplate,
)
from desktop.reference.models import (
    CodeRecord as CodeRecord,
)
from desktop.reference.models import (
    CodeSetInfo as CodeSetInfo,
)
from desktop.reference.models import (
    CodeSummary as CodeSummary,
)
from desktop.reference.models import (
    CrossRef as CrossRef,
)
from desktop.reference.models import (
    DatabaseInfo as DatabaseInfo,
)
from desktop.reference.models import (
    Mue as Mue,
)
from desktop.reference.models import (
    MueSetInfo as MueSetInfo,
)
from desktop.reference.models import (
    Note as Note,
)
from desktop.reference.models import (
    Question as Question,
)
from desktop.reference.models import (
    ReferenceDataError as ReferenceDataError,
)
from desktop.reference.models import (
    Source as Source,
)
from desktop.reference.models import (
    stale_code_set_warnings as stale_code_set_warnings,
)
from desktop.reference.paths import default_reference_db

REBUILD_HINT = (
    "Rebuild it with `quickref db build` (from a source checkout), "
    "or reinstall QuickRef to restore the bundled copy; for imported data, "
    "`quickref db use-bundled` goes back to the bundled data."
)


_SUMMARY_COLS = "id, system, code, title, billable, status, curated, kind"


def _summary(row: sqlite3.Row | tuple[object, ...]) -> CodeSummary:
    id_, system, code, title, billable, status, curated, kind = tuple(row)
    return CodeSummary(
        id=int(id_),
        system=str(system),
        code=str(code),
        title=str(title),
        billable=None if billable is None else bool(billable),
        status=str(status),
        curated=bool(curated),
        kind=str(kind),
    )


def _options(text: object) -> tuple[tuple[str, str], ...]:
    """A choice step's options from their JSON text ([[value, label], ...])."""
    if not text:
        return ()
    try:
        data = json.loads(str(text))
    except ValueError:
        return ()
    if not isinstance(data, list):
        return ()
    return tuple((str(o[0]), str(o[1])) for o in data if isinstance(o, list) and len(o) == 2)


class ReferenceStore:
    """The reference database, opened read-only. Safe to share between threads."""

    def __init__(self, path: Path | None = None, *, verify: bool = False) -> None:
        self.path = Path(path) if path is not None else default_reference_db()
        self._lock = threading.Lock()
        self._con = self._open(self.path)
        if verify:
            self.verify()

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        from desktop.reference import integrity
        from desktop.safe_io import echo

        shown = echo(str(path))
        problem = integrity.file_problem(path)
        if problem == "is missing":
            raise ReferenceDataError(f"The reference database is missing: {shown}. {REBUILD_HINT}")
        if problem is not None:
            raise ReferenceDataError(f"The reference database {shown} {problem}. {REBUILD_HINT}")
        uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
        try:
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
            try:
                problem = integrity.schema_problem(con, SCHEMA_VERSION)
                if problem is None:
                    con.execute("SELECT count(*) FROM meta").fetchone()
                    con.execute("SELECT id FROM codes LIMIT 1").fetchone()
            except BaseException:
                con.close()
                raise
        except sqlite3.DatabaseError as exc:
            raise ReferenceDataError(
                f"The reference database {shown} is damaged or not a QuickRef database "
                f"({exc}). {REBUILD_HINT}"
            ) from None
        if problem is not None:
            con.close()
            raise ReferenceDataError(f"The reference database {shown} {problem}. {REBUILD_HINT}")
        return con

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> ReferenceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(
        self, sql: str, params: tuple[object, ...] | list[object] = ()
    ) -> list[tuple[Any, ...]]:
        """Run a read query. A damaged file surfaces as :class:`ReferenceDataError`."""
        try:
            with self._lock:
                return self._con.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise ReferenceDataError(
                f"The reference database {self.path} could not be read ({exc}). {REBUILD_HINT}"
            ) from None

    # ---------------------------------------------------------------- metadata

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.query("SELECT key, value FROM meta")}

    def verify(self) -> None:
        """Check the file against the checksum it carries."""
        self.file_check()()

    def file_check(self) -> Callable[[], None]:
        """:meth:`verify` in two halves: the stored checksum is read now, and the returned
        function hashes the file. That function touches no database connection, so it may
        run on any thread, even after this store is closed (the window runs it on a thread
        of its own just after its first paint). It raises :class:`ReferenceDataError`."""
        path, expected = self.path, self.meta().get("checksum", "")

        def check() -> None:
            try:
                checksum.verify(path, expected)
            except checksum.ChecksumError as exc:
                raise ReferenceDataError(f"{exc}. {REBUILD_HINT}") from None
            except OSError as exc:
                raise ReferenceDataError(
                    f"The reference database {path} could not be read ({exc.strerror or exc})."
                    f" {REBUILD_HINT}"
                ) from None

        return check

    def verify_cached(self) -> None:
        """:meth:`verify`, skipped when this file (same identity) was verified before.

        The CLI calls this before every answer, so every answer comes from verified
        data while a repeated call costs a stat, not a 30 MB read
        (see :mod:`desktop.reference.verify_cache`).
        """
        from desktop.reference import verify_cache

        stored = self.meta().get("checksum", "")

        def check() -> str:
            self.verify()
            return stored

        try:
            verify_cache.cached(self.path, "checksum", check, expected=stored)
        except OSError as exc:
            raise ReferenceDataError(
                f"The reference database {self.path} could not be read ({exc}). {REBUILD_HINT}"
            ) from None

    def info(self) -> DatabaseInfo:
        meta = self.meta()
        code_sets = tuple(
            CodeSetInfo(
                str(s),
                str(r),
                str(src),
                int(str(n)),
                int(str(b)),
                None if f is None else str(f),
                None if t is None else str(t),
            )
            for s, r, src, n, b, f, t in self.query(
                "SELECT system, release, source_id, codes, billable, effective_from,"
                " effective_through FROM code_sets"
                " ORDER BY CASE system WHEN 'CPT' THEN 0 WHEN 'HCPCS' THEN 1 ELSE 2 END"
            )
        )
        mue = None
        if meta.get("mue_effective_from"):
            rows = self.query("SELECT count(*) FROM mue")
            mue = MueSetInfo(
                meta["mue_effective_from"],
                meta.get("mue_effective_through") or None,
                meta.get("mue_source", ""),
                int(rows[0][0]),
            )
        return DatabaseInfo(
            path=self.path,
            schema_version=int(meta.get("schema_version", "0")),
            data_version=meta.get("data_version", ""),
            released=meta.get("released", ""),
            build_time=meta.get("build_time", ""),
            checksum=meta.get("checksum", ""),
            code_sets=code_sets,
            sources=self.sources(),
            size_bytes=self.path.stat().st_size,
            mue=mue,
        )

    def sources(self) -> tuple[Source, ...]:
        return tuple(
            Source(*(str(v) for v in row))
            for row in self.query(
                "SELECT id, title, publisher, url, licence FROM sources ORDER BY id"
            )
        )

    # ---------------------------------------------------------------- codes

    def summaries(self, ids: list[int]) -> list[CodeSummary]:
        """Summaries for ``ids``, in the order given (unknown ids are skipped)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.query(f"SELECT {_SUMMARY_COLS} FROM codes WHERE id IN ({marks})", list(ids))
        by_id = {int(r[0]): _summary(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def find(self, code: str, system: str | None = None) -> list[CodeSummary]:
        """Codes whose normalised form equals ``code`` (E538 finds E53.8)."""
        key = code_key(code.strip())
        if not key:
            return []
        sql = f"SELECT {_SUMMARY_COLS} FROM codes WHERE code_key = ?"
        params: list[object] = [key]
        if system:
            sql += " AND system = ?"
            params.append(system)
        sql += " ORDER BY curated DESC, system"
        return [_summary(r) for r in self.query(sql, params)]

    def get(self, code: str, system: str | None = None) -> CodeRecord | None:
        """The whole record of one code, or None. With no system, curated codes win."""
        found = self.find(code, system)
        return self.record(found[0].id) if found else None

    def record(self, code_id: int) -> CodeRecord | None:
        rows = self.query(
            f"SELECT {_SUMMARY_COLS}, description, effective, terminated, unit_amount, unit,"
            " routes, single_dose, source_id, parent, block, packaging FROM codes WHERE id = ?",
            (code_id,),
        )
        if not rows:
            return None
        row = rows[0]
        summary = _summary(row[:8])
        (
            description,
            effective,
            terminated,
            unit_amount,
            unit,
            routes,
            single_dose,
            source_id,
            parent,
            block,
            packaging,
        ) = row[8:]
        src = self.query(
            "SELECT id, title, publisher, url, licence FROM sources WHERE id = ?", (source_id,)
        )
        source = (
            Source(*(str(v) for v in src[0])) if src else Source(str(source_id), "", "", "", "")
        )
        parent_summary = None
        block_info = None
        if parent:
            found = self.find(str(parent), summary.system)
            parent_summary = found[0] if found else None
        if block:
            b = self.query("SELECT id, title FROM icd_blocks WHERE id = ?", (block,))
            block_info = (str(b[0][0]), str(b[0][1])) if b else None
        children = tuple(
            _summary(r)
            for r in self.query(
                f"SELECT {_SUMMARY_COLS} FROM codes WHERE code_key > ? AND code_key < ?"
                " AND parent = ? AND +system = ? ORDER BY code_key",
                (
                    code_key(summary.code),
                    code_key(summary.code) + "~",
                    summary.code,
                    summary.system,
                ),
            )
        )
        from decimal import Decimal  # only when a record is opened, not at the window's start

        return CodeRecord(
            summary=summary,
            description=str(description or ""),
            effective=None if effective is None else str(effective),
            terminated=None if terminated is None else str(terminated),
            billing_unit=(
                BillingUnit(Decimal(str(unit_amount)), str(unit))
                if unit_amount is not None
                else None
            ),
            routes=tuple(str(routes or "").split()),
            single_dose=bool(single_dose),
            terms=tuple(
                str(t[0])
                for t in self.query(
                    "SELECT term FROM terms WHERE code_id = ? ORDER BY term", (code_id,)
                )
            ),
            source=source,
            notes=tuple(
                Note(str(k), str(t), str(s))
                for k, t, s in self.query(
                    "SELECT kind, text, source_id FROM notes WHERE code_id = ? ORDER BY ord",
                    (code_id,),
                )
            ),
            questions=tuple(
                Question(str(q), str(a), str(s))
                for q, a, s in self.query(
                    "SELECT question, answer, source_id FROM questions WHERE code_id = ?"
                    " ORDER BY ord",
                    (code_id,),
                )
            ),
            xrefs=tuple(
                CrossRef(*(str(v) for v in r))
                for r in self.query(
                    "SELECT x.relation, c.system, c.code, c.title, c.status, x.note FROM xrefs x"
                    " JOIN codes c ON c.id = x.to_id WHERE x.from_id = ? ORDER BY x.ord",
                    (code_id,),
                )
            ),
            referenced_by=tuple(
                CrossRef(*(str(v) for v in r))
                for r in self.query(
                    "SELECT x.relation, c.system, c.code, c.title, c.status, x.note FROM xrefs x"
                    " JOIN codes c ON c.id = x.from_id WHERE x.to_id = ? ORDER BY c.system, c.code",
                    (code_id,),
                )
            ),
            parent=parent_summary,
            children=children,
            block=block_info,
            packaging=None if packaging is None else str(packaging),
            **self._vaccine_facts(code_id, summary.kind),
        )

    def mue_of(self, rec: CodeRecord) -> Mue | None:
        """The MUE of a record: CMS practitioner MUEs cover CPT and HCPCS codes only (an
        ICD-10-CM or local code never has one, whatever its letters)."""
        return self.mue(rec.code) if rec.system in ("CPT", "HCPCS") else None

    def mue(self, code: str) -> Mue | None:
        """The CMS practitioner MUE for ``code``, or None when the table has none."""
        key = code_key(code.strip())
        if not key:
            return None
        rows = self.query(
            "SELECT code, units, indicator, rationale, effective FROM mue WHERE code_key = ?",
            (key,),
        )
        if not rows:
            return None
        c, units, indicator, rationale, effective = rows[0]
        return Mue(
            code=str(c),
            units=int(units),
            indicator=int(indicator),
            indicator_text=MUE_INDICATORS.get(int(indicator), ""),
            rationale=str(rationale),
            effective=str(effective),
        )

    def _vaccine_facts(self, code_id: int, kind: str) -> dict[str, Any]:
        if kind != "vaccine":
            return {}
        rows = self.query("SELECT vaccine_group, components FROM codes WHERE id = ?", (code_id,))
        if not rows:
            return {}
        group, components = rows[0]
        return {
            "vaccine_group": None if group is None else str(group),
            "components": None if components is None else int(components),
        }

    def ptp_edits(
        self, codes: list[str]
    ) -> list[tuple[str, str, str | None, str | None, int, str]]:
        """NCCI PTP edits among ``codes``: (column 1, column 2, effective, deleted, modifier
        indicator, rationale). Empty for an older file without the table."""
        if len(codes) < 2:
            return []
        marks = ",".join("?" * len(codes))
        try:
            rows = self.query(
                "SELECT column1, column2, effective, deleted, modifier, rationale FROM ptp_edits"
                f" WHERE column1 IN ({marks}) AND column2 IN ({marks})",
                [*codes, *codes],
            )
        except ReferenceDataError:
            return []
        return [
            (str(c1), str(c2), None if e is None else str(e), None if d is None else str(d),
             int(m), str(r))
            for c1, c2, e, d, m, r in rows
        ]  # fmt: skip

    def drugs(self) -> list[CodeSummary]:
        """Every code with a billing unit (HCPCS drugs), by code."""
        return [
            _summary(r)
            for r in self.query(
                f"SELECT {_SUMMARY_COLS} FROM codes WHERE unit_amount IS NOT NULL ORDER BY code_key"
            )
        ]

    # ---------------------------------------------------------------- checklists

    def checklist_templates(self) -> list[ChecklistTemplate]:
        ids = [str(r[0]) for r in self.query("SELECT id FROM checklist_templates ORDER BY id")]
        return [t for t in (self.checklist_template(i) for i in ids) if t is not None]

    def checklist_template(self, template_id: str) -> ChecklistTemplate | None:
        rows = self.query(
            "SELECT t.id, t.title, c.system, c.code, t.source_id FROM checklist_templates t"
            " JOIN codes c ON c.id = t.code_id WHERE t.id = ?",
            (template_id,),
        )
        if not rows:
            return None
        steps = tuple(
            ChecklistStep(
                key=str(k),
                label=str(label),
                why=str(why),
                required=bool(req),
                kind=str(kind),
                stop_answer=None if sa is None else str(sa),
                stop_message=None if sm is None else str(sm),
                switch_to=None if sw is None else str(sw),
                required_for=tuple(str(rf or "").split()),
                options=_options(opts),
            )
            for k, label, why, req, kind, sa, sm, sw, rf, opts in self.query(
                "SELECT key, label, why, required, kind, stop_answer, stop_message, switch_to,"
                " required_for, options FROM checklist_steps WHERE template_id = ? ORDER BY ord",
                (template_id,),
            )
        )
        tid, title, system, code, source_id = (str(v) for v in rows[0])
        return ChecklistTemplate(tid, title, system, code, source_id, steps)

    def templates_for(self, code: str, system: str | None = None) -> list[ChecklistTemplate]:
        """Checklist templates that lead to ``code``."""
        found = self.find(code, system)
        if not found:
            return []
        ids = [
            str(r[0])
            for r in self.query(
                "SELECT id FROM checklist_templates WHERE code_id = ? ORDER BY id", (found[0].id,)
            )
        ]
        return [t for t in (self.checklist_template(i) for i in ids) if t is not None]

    # ---------------------------------------------------------------- search support

    def synonyms(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for term, means in self.query("SELECT term, means FROM synonyms ORDER BY term, means"):
            out.setdefault(str(term), []).append(str(means))
        return out

    def vocabulary(self) -> list[str]:
        return [str(r[0]) for r in self.query("SELECT word FROM vocabulary ORDER BY word")]
