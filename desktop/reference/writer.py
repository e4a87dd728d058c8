"""The one writer of the reference tables.

:class:`ReferenceWriter` is the only code that inserts into or updates the tables of
``schema.sql`` (codes, terms, notes, questions, xrefs, the full-text rows, vocabulary,
code_sets, meta, sources, ICD-10-CM chapters and blocks, checklist templates and
steps). The build (:mod:`desktop.reference.build`) and the staged import
(:mod:`desktop.reference.update.staging`) both go through it, so the full-text index,
the vocabulary, the per-set counts and the metadata are computed one way.

Full-text rows (contentless FTS5, rowid = codes.id): a curated code (``curated = 1``)
has a row in ``fts_curated`` (code in lower case, title, description, its terms joined
by `` ; ``); every other code a row in ``fts_bulk`` (code key in lower case, title, its
inclusion terms then its terms). A contentless row is deleted by giving the values it
was indexed with; :meth:`update_code` reads them back from the stored row before a
change and re-indexes only when they differ.

The writer does not open, commit or seal the database: the caller owns the
transaction and the checksum.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from desktop.reference.keys import VOCABULARY_WORD, code_key, term_key

__all__ = ["CodeFields", "MueRow", "ReferenceWriter", "StepRow", "decimal_text"]

#: columns :meth:`ReferenceWriter.update_code` may set
UPDATABLE = (
    "title",
    "description",
    "status",
    "billable",
    "effective",
    "terminated",
    "parent",
    "block",
    "unit_amount",
    "unit",
    "routes",
)
#: columns the full-text rows are made from
_FTS_COLUMNS = frozenset({"title", "description"})


def decimal_text(value: Decimal | None) -> str | None:
    """How a billing-unit amount is stored: plain decimal text, no exponent, no trailing 0."""
    return None if value is None else format(value.normalize(), "f")


@dataclass(frozen=True, slots=True)
class CodeFields:
    """One new row of ``codes`` with what hangs off it (terms, notes, questions)."""

    system: str
    code: str
    kind: str
    title: str
    source_id: str
    description: str = ""
    billable: bool | None = None
    status: str = "active"
    effective: str | None = None
    terminated: str | None = None
    parent: str | None = None
    block: str | None = None
    unit_amount: Decimal | None = None
    unit: str | None = None
    routes: tuple[str, ...] = ()
    single_dose: bool = False
    packaging: str | None = None  # single_dose | multi_dose | both (drugs)
    vaccine_group: str | None = None  # vaccines: keys.VACCINE_GROUPS
    components: int | None = None  # vaccines: diseases protected against (90461)
    curated: bool = False
    terms: tuple[str, ...] = ()
    notes: tuple[tuple[str, str, str], ...] = ()  # (kind, text, source)
    questions: tuple[tuple[str, str, str], ...] = ()  # (question, answer, source)


@dataclass(frozen=True, slots=True)
class StepRow:
    key: str
    label: str
    why: str
    required: bool
    kind: str
    stop_answer: str | None = None
    stop_message: str | None = None
    switch_to: str | None = None
    required_for: tuple[str, ...] = ()  # drug codes for which an optional step is required
    options: str | None = None  # choice steps: JSON [[value, label], ...]


class MueRow(Protocol):
    """One row of the CMS practitioner MUE table (the build's and the importer's rows)."""

    @property
    def code(self) -> str: ...
    @property
    def units(self) -> int: ...
    @property
    def indicator(self) -> int: ...
    @property
    def rationale(self) -> str: ...


FtsState = tuple[bool, tuple[str, ...]]


class ReferenceWriter:
    """Writes the reference tables of one open connection (the caller's transaction)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM codes").fetchone()
        self.next_id = int(row[0])

    # -- sources, code sets, metadata ---------------------------------------------------

    def add_source(self, sid: str, title: str, publisher: str, url: str, licence: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)",
            (sid, title, publisher, url, licence),
        )

    def set_code_sets(
        self, releases: Mapping[str, tuple[str, str, str | None, str | None]]
    ) -> None:
        """Set (system -> (release, source id, effective from, effective through)) and
        refresh every set's counts."""
        for system, (release, source_id, start, end) in releases.items():
            self.con.execute(
                "INSERT INTO code_sets (system, release, source_id, codes, billable,"
                " effective_from, effective_through) VALUES (?,?,?,0,0,?,?) ON CONFLICT (system)"
                " DO UPDATE SET release = excluded.release, source_id = excluded.source_id,"
                " effective_from = excluded.effective_from,"
                " effective_through = excluded.effective_through",
                (system, release, source_id, start, end),
            )
        self.con.execute(
            "UPDATE code_sets SET"
            " codes = (SELECT count(*) FROM codes c WHERE c.system = code_sets.system),"
            " billable = (SELECT count(*) FROM codes c"
            "             WHERE c.system = code_sets.system AND c.billable = 1)"
        )

    def replace_mue(
        self, rows: Iterable[MueRow], effective: str, through: str | None, source_id: str
    ) -> int:
        """Replace the whole MUE table with ``rows`` (one quarter) and record its window."""
        self.con.execute("DELETE FROM mue")
        n = 0
        for m in rows:
            self.con.execute(
                "INSERT INTO mue VALUES (?,?,?,?,?,?,?)",
                (code_key(m.code), m.code, m.units, m.indicator, m.rationale, effective, source_id),
            )
            n += 1
        self.write_meta(
            {
                "mue_effective_from": effective,
                "mue_effective_through": through or "",
                "mue_source": source_id,
            }
        )
        return n

    def write_meta(self, meta: Mapping[str, str]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", sorted(meta.items()))

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.con.execute("SELECT key, value FROM meta")}

    # -- codes ------------------------------------------------------------------------

    def add_code(self, c: CodeFields) -> int:
        """Insert one code with its terms, notes, questions and full-text row; its id."""
        code_id = self.next_id
        self.next_id += 1
        self.con.execute(
            "INSERT INTO codes (id, system, code, code_key, kind, title, description, billable,"
            " status, effective, terminated, parent, block, unit_amount, unit, routes,"
            " single_dose, packaging, vaccine_group, components, curated, source_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                code_id,
                c.system,
                c.code,
                code_key(c.code),
                c.kind,
                c.title,
                c.description,
                None if c.billable is None else int(c.billable),
                c.status,
                c.effective,
                c.terminated,
                c.parent,
                c.block,
                decimal_text(c.unit_amount),
                c.unit,
                " ".join(c.routes),
                int(c.single_dose),
                c.packaging,
                c.vaccine_group,
                c.components,
                int(c.curated),
                c.source_id,
            ),
        )
        # The terms as the table keeps them (distinct, in its order), so the full-text row
        # holds what fts_values() reads back and a later update can delete it.
        terms = sorted(set(c.terms))
        if terms:
            self.con.executemany(
                "INSERT INTO terms VALUES (?,?,?)",
                [(code_id, t, term_key(t)) for t in terms],
            )
        if c.notes:
            self.con.executemany(
                "INSERT INTO notes VALUES (?,?,?,?,?)",
                [(code_id, i, k, t, s) for i, (k, t, s) in enumerate(c.notes)],
            )
        if c.questions:
            self.con.executemany(
                "INSERT INTO questions VALUES (?,?,?,?,?)",
                [(code_id, i, q, a, s) for i, (q, a, s) in enumerate(c.questions)],
            )
        inclusion = [t for k, t, _s in c.notes if k == "inclusion_term"]
        if c.curated:
            values: tuple[str, ...] = (
                c.code.lower(),
                c.title,
                c.description,
                " ; ".join(terms),
            )
        else:
            values = (code_key(c.code).lower(), c.title, " ; ".join([*inclusion, *terms]))
        self._fts_insert(code_id, (c.curated, values))
        return code_id

    def update_code(
        self,
        code_id: int,
        changes: Mapping[str, object] | None = None,
        *,
        notes: Sequence[tuple[str, str]] | None = None,
        notes_source: str = "",
        add_terms: Iterable[str] = (),
    ) -> None:
        """Change columns of a code, replace its notes, add terms; keep its FTS row in step."""
        changes = dict(changes or {})
        unknown = set(changes) - set(UPDATABLE)
        if unknown:
            raise ValueError(f"not an updatable column: {', '.join(sorted(unknown))}")
        add_terms = tuple(add_terms)
        touches_fts = bool(_FTS_COLUMNS & set(changes)) or notes is not None or bool(add_terms)
        before = self.fts_values(code_id) if touches_fts else None
        if changes:
            if "unit_amount" in changes and isinstance(changes["unit_amount"], Decimal):
                changes["unit_amount"] = decimal_text(changes["unit_amount"])
            if "routes" in changes and isinstance(changes["routes"], tuple | list):
                changes["routes"] = " ".join(str(r) for r in changes["routes"])
            if "billable" in changes and isinstance(changes["billable"], bool):
                changes["billable"] = int(changes["billable"])
            assignments = ", ".join(f"{k} = ?" for k in changes)
            self.con.execute(
                f"UPDATE codes SET {assignments} WHERE id = ?", (*changes.values(), code_id)
            )
        if notes is not None:
            self.con.execute("DELETE FROM notes WHERE code_id = ?", (code_id,))
            self.con.executemany(
                "INSERT INTO notes VALUES (?,?,?,?,?)",
                [(code_id, i, k, t, notes_source) for i, (k, t) in enumerate(notes)],
            )
        if add_terms:
            self.con.executemany(
                "INSERT OR IGNORE INTO terms VALUES (?,?,?)",
                [(code_id, t, term_key(t)) for t in add_terms],
            )
        if before is not None and self.fts_values(code_id) != before:
            self._fts_delete(code_id, before)
            self._fts_insert(code_id, self.fts_values(code_id))

    def add_note(self, code_id: int, kind: str, text: str, source_id: str) -> None:
        """Append a note (not an inclusion term: those are replaced with update_code)."""
        if kind == "inclusion_term":
            raise ValueError("inclusion terms are indexed: replace them with update_code")
        ord_ = self.con.execute(
            "SELECT coalesce(max(ord), -1) + 1 FROM notes WHERE code_id = ?", (code_id,)
        ).fetchone()[0]
        self.con.execute(
            "INSERT INTO notes VALUES (?,?,?,?,?)", (code_id, ord_, kind, text, source_id)
        )

    def delete_unlisted(self, system: str, terminated: str | None, listed: str) -> int:
        """Mark the live codes of ``system`` missing from table ``listed`` deleted; count.

        ``listed`` is a table of (system, code) rows the caller filled (a temp table).
        The status is not indexed, so the FTS rows stay as they are.
        """
        where = (
            " WHERE system = ? AND status != 'deleted' AND NOT EXISTS"
            f" (SELECT 1 FROM {listed} s WHERE s.system = codes.system AND s.code = codes.code)"
        )
        n = int(self.con.execute("SELECT count(*) FROM codes" + where, (system,)).fetchone()[0])
        self.con.execute(
            "UPDATE codes SET status = 'deleted', terminated = coalesce(terminated, ?)" + where,
            (terminated, system),
        )
        return n

    def fts_values(self, code_id: int) -> FtsState:
        """(curated, the values its FTS row holds), read back from the stored row."""
        code, key, title, description, curated = self.con.execute(
            "SELECT code, code_key, title, description, curated FROM codes WHERE id = ?",
            (code_id,),
        ).fetchone()
        terms = [
            str(r[0])
            for r in self.con.execute(
                "SELECT term FROM terms WHERE code_id = ? ORDER BY term", (code_id,)
            )
        ]
        if curated:
            return True, (str(code).lower(), str(title), str(description), " ; ".join(terms))
        inclusion = [
            str(r[0])
            for r in self.con.execute(
                "SELECT text FROM notes WHERE code_id = ? AND kind = 'inclusion_term' ORDER BY ord",
                (code_id,),
            )
        ]
        return False, (str(key).lower(), str(title), " ; ".join(inclusion + terms))

    def _fts_insert(self, code_id: int, state: FtsState) -> None:
        curated, values = state
        if curated:
            self.con.execute(
                "INSERT INTO fts_curated (rowid, code, title, description, terms)"
                " VALUES (?,?,?,?,?)",
                (code_id, *values),
            )
        else:
            self.con.execute(
                "INSERT INTO fts_bulk (rowid, code, title, terms) VALUES (?,?,?,?)",
                (code_id, *values),
            )

    def _fts_delete(self, code_id: int, state: FtsState) -> None:
        curated, values = state
        if curated:
            self.con.execute(
                "INSERT INTO fts_curated (fts_curated, rowid, code, title, description, terms)"
                " VALUES ('delete',?,?,?,?,?)",
                (code_id, *values),
            )
        else:
            self.con.execute(
                "INSERT INTO fts_bulk (fts_bulk, rowid, code, title, terms)"
                " VALUES ('delete',?,?,?,?)",
                (code_id, *values),
            )

    def check_fts(self) -> None:
        """Run FTS5's own integrity check on both indexes (raises sqlite3.Error)."""
        for table in ("fts_curated", "fts_bulk"):
            self.con.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")

    # -- cross-references ---------------------------------------------------------------

    def add_xref(self, from_id: int, relation: str, to_id: int, note: str) -> bool:
        """Append a cross-reference unless the same one is there; False if it was."""
        exists = self.con.execute(
            "SELECT 1 FROM xrefs WHERE from_id = ? AND to_id = ? AND relation = ?",
            (from_id, to_id, relation),
        ).fetchone()
        if exists:
            return False
        ord_ = self.con.execute(
            "SELECT coalesce(max(ord), -1) + 1 FROM xrefs WHERE from_id = ?", (from_id,)
        ).fetchone()[0]
        self.con.execute(
            "INSERT INTO xrefs VALUES (?,?,?,?,?)", (from_id, ord_, relation, to_id, note)
        )
        return True

    # -- ICD-10-CM structure, checklists, synonyms ------------------------------------------

    def add_chapter(self, number: str, title: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO icd_chapters VALUES (?,?)", (number, title))

    def add_block(self, block_id: str, first: str, last: str, title: str, chapter: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO icd_blocks VALUES (?,?,?,?,?)",
            (block_id, first, last, title, chapter),
        )

    def add_template(
        self, template_id: str, title: str, code_id: int, source_id: str, steps: Sequence[StepRow]
    ) -> None:
        self.con.execute(
            "INSERT INTO checklist_templates VALUES (?,?,?,?)",
            (template_id, title, code_id, source_id),
        )
        self.con.executemany(
            "INSERT INTO checklist_steps (template_id, ord, key, label, why, required, kind,"
            " stop_answer, stop_message, switch_to, required_for, options)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    template_id,
                    i,
                    s.key,
                    s.label,
                    s.why,
                    int(s.required),
                    s.kind,
                    s.stop_answer,
                    s.stop_message,
                    s.switch_to,
                    " ".join(s.required_for),
                    s.options,
                )
                for i, s in enumerate(steps)
            ],
        )

    def add_rule_data(self, rules: Mapping[str, str]) -> None:
        """The reviewed billing rule files (name -> JSON), read by billing/ruledata.py."""
        self.con.executemany("INSERT OR REPLACE INTO rule_data VALUES (?,?)", sorted(rules.items()))

    def add_ptp_edit(
        self,
        column1: str,
        column2: str,
        effective: str | None,
        deleted: str | None,
        modifier: int,
        rationale: str,
    ) -> None:
        """One NCCI procedure-to-procedure edit (the pair's later row replaces an earlier)."""
        self.con.execute(
            "INSERT OR REPLACE INTO ptp_edits (column1, column2, effective, deleted, modifier,"
            " rationale) VALUES (?,?,?,?,?,?)",
            (column1, column2, effective, deleted, modifier, rationale),
        )

    def code_keys(self, systems: Sequence[str]) -> set[str]:
        """The code keys of the codes in ``systems`` (to keep only edits about known codes)."""
        marks = ",".join("?" * len(systems))
        sql = f"SELECT code_key FROM codes WHERE system IN ({marks})"
        return {str(r[0]) for r in self.con.execute(sql, tuple(systems))}

    def add_synonyms(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(term, means) pairs; already known pairs are ignored."""
        self.con.executemany("INSERT OR IGNORE INTO synonyms VALUES (?,?)", sorted(set(pairs)))

    def rebuild_vocabulary(self) -> None:
        """Every word of the search index (3+ letters) with its document count, and the
        synonym terms (count 1 unless indexed): what the typo corrector may suggest."""
        words: dict[str, int] = {}
        for table in ("fts_curated", "fts_bulk"):
            self.con.execute(
                f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)"
            )
            for term, doc in self.con.execute(f"SELECT term, doc FROM temp.v_{table}"):
                if VOCABULARY_WORD.match(term) and len(term) >= 3:
                    words[term] = words.get(term, 0) + int(doc)
            self.con.execute(f"DROP TABLE temp.v_{table}")
        for (term,) in self.con.execute("SELECT term FROM synonyms"):
            if VOCABULARY_WORD.match(term):
                words.setdefault(term, 1)
        self.con.execute("DELETE FROM vocabulary")
        self.con.executemany("INSERT INTO vocabulary VALUES (?,?)", sorted(words.items()))
