"""ReferenceWriter on a real copy of the built database: FTS rows, vocabulary and counts
stay in step with the codes."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.reference.writer import CodeFields, ReferenceWriter


@pytest.fixture
def con(mini_db: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(mini_db, copy)
    c = sqlite3.connect(copy, isolation_level=None)
    yield c
    c.close()


def _bulk(con: sqlite3.Connection, words: str) -> list[int]:
    return [
        r[0] for r in con.execute("SELECT rowid FROM fts_bulk WHERE fts_bulk MATCH ?", (words,))
    ]


def _curated(con: sqlite3.Connection, words: str) -> list[int]:
    return [
        r[0]
        for r in con.execute("SELECT rowid FROM fts_curated WHERE fts_curated MATCH ?", (words,))
    ]


def test_a_new_code_is_found_by_its_title_inclusion_terms_and_terms(
    con: sqlite3.Connection,
) -> None:
    w = ReferenceWriter(con)
    source = con.execute("SELECT source_id FROM code_sets WHERE system = 'ICD-10-CM'").fetchone()[0]
    code_id = w.add_code(
        CodeFields(
            system="ICD-10-CM",
            code="E53.89",
            kind="code",
            title="Deficiency of vitamin quuxamin",
            source_id=source,
            billable=True,
            notes=(("inclusion_term", "Zorbleflex syndrome", source),),
        )
    )
    assert _bulk(con, "quuxamin") == [code_id]
    assert _bulk(con, "zorbleflex") == [code_id]
    assert _bulk(con, "e5389*") == [code_id]
    row = con.execute("SELECT code_key, billable, curated FROM codes WHERE id = ?", (code_id,))
    assert row.fetchone() == ("E5389", 1, 0)


def test_retitling_and_terms_reindex_the_code(con: sqlite3.Connection) -> None:
    w = ReferenceWriter(con)
    code_id = w.add_code(
        CodeFields(
            system="LOCAL",
            code="DRUG-Q",
            kind="drug",
            title="Imaginary frobnicate injection",
            source_id=con.execute("SELECT id FROM sources LIMIT 1").fetchone()[0],
            unit_amount=Decimal("10.50"),
            unit="mg",
            routes=("IM", "SC"),
            curated=True,
        )
    )
    assert _curated(con, "frobnicate") == [code_id]
    stored = con.execute("SELECT unit_amount, routes FROM codes WHERE id = ?", (code_id,))
    assert stored.fetchone() == ("10.5", "IM SC")
    w.update_code(code_id, {"title": "Imaginary wibble injection"}, add_terms=["Snorkel brand"])
    assert _curated(con, "frobnicate") == []
    assert _curated(con, "wibble") == [code_id]
    assert _curated(con, "snorkel") == [code_id]
    con.execute("INSERT INTO fts_curated (fts_curated) VALUES ('integrity-check')")
    w.update_code(code_id, {"status": "deleted"})  # not indexed: the row stays findable
    assert _curated(con, "wibble") == [code_id]
    with pytest.raises(ValueError, match="updatable"):
        w.update_code(code_id, {"code_key": "X"})


def test_vocabulary_and_counts_follow_the_codes(con: sqlite3.Connection) -> None:
    w = ReferenceWriter(con)
    source = con.execute("SELECT source_id FROM code_sets WHERE system = 'HCPCS'").fetchone()[0]
    before = con.execute("SELECT codes, billable FROM code_sets WHERE system = 'HCPCS'").fetchone()
    w.add_code(
        CodeFields("HCPCS", "J9998", "code", "Injection, zyzzogeton, 1 mg", source, billable=True)
    )
    w.add_synonyms([("zyzzo", "zyzzogeton")])
    w.rebuild_vocabulary()
    w.set_code_sets({})
    vocab = dict(con.execute("SELECT word, freq FROM vocabulary"))
    assert vocab["zyzzogeton"] == 1 and vocab["zyzzo"] == 1
    after = con.execute("SELECT codes, billable FROM code_sets WHERE system = 'HCPCS'").fetchone()
    assert after == (before[0] + 1, before[1] + 1)
    w.set_code_sets({"LOCAL": ("clinic additions", source, None, None)})
    assert con.execute("SELECT codes FROM code_sets WHERE system = 'LOCAL'").fetchone() == (0,)
