"""The update flow on real SQLite files: import, what changed, atomic switch, rollback, packs."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.reference import paths, update
from desktop.reference.importers.common import ImportFileError
from desktop.reference.licensed import LicensedTexts
from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore
from desktop.reference.units import units_for_code
from tests.conftest import MINI_TABULAR
from tests.reference.codefiles import (
    Hcpcs,
    order_line,
    write_cpt,
    write_hcpcs_csv,
    write_hcpcs_fixed,
    write_local_csv,
    write_order_file,
)

ORDER_2027 = [
    ("E53", False, "Deficiency of other B group vitamins"),
    ("E53.8", True, "Deficiency of other specified B group vitamins (cobalamin)"),  # retitled
    ("E53.81", True, "Deficiency of vitamin zetamin"),  # added
    ("Z23", True, "Encounter for immunization"),
    # E53.9 is left out: deleted
]


def _order_file(tmp_path: Path, codes: list[tuple[str, bool, str]] = ORDER_2027) -> Path:
    return write_order_file(tmp_path / "icd10cm_order_2027.txt", codes)


def _state(user_dir: Path) -> dict[str, bytes]:
    """Every file of the user folder with its bytes."""
    if not user_dir.exists():
        return {}
    return {
        str(p.relative_to(user_dir)): p.read_bytes() for p in user_dir.rglob("*") if p.is_file()
    }


def test_order_file_import_what_changed_search_and_switch(
    mini_bundled: Path, tmp_path: Path
) -> None:
    staged = update.prepare_import([_order_file(tmp_path)])
    assert staged.counts == {"added": 1, "deleted": 1, "retitled": 1}
    changes = {c.change: c for c in staged.changes()}
    assert changes["added"].code == "E53.81"
    assert (changes["deleted"].code, changes["deleted"].terminated) == ("E53.9", "2026-09-30")
    assert changes["retitled"].old_title == "Deficiency of other specified B group vitamins"
    assert paths.default_reference_db() == mini_bundled  # nothing switched yet
    out = tmp_path / "changes.csv"
    assert staged.export_changes_csv(out) == 3
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(update.CSV_HEADER)

    new_db = staged.commit()
    assert new_db is not None and paths.default_reference_db() == new_db
    assert paths.reference_choice().origin == "imported"
    with ReferenceStore(verify=True) as store:
        engine = SearchEngine(store)
        assert [r.code for r in engine.search("zetamin").results] == ["E53.81"]
        assert engine.search("E53.81").results[0].match == "exact"
        new = store.get("E53.81")
        assert new is not None and new.parent is not None and new.parent.code == "E53.8"
        assert new.block is not None and new.block[0] == "E50-E64"
        # Deleted codes stay findable, marked deleted with their termination date.
        gone = store.get("E53.9")
        assert gone is not None and gone.summary.status == "deleted"
        assert gone.terminated == "2026-09-30"
        assert "E53.9" in [r.code for r in engine.search("vitamin b deficiency").results]
        assert [r.code for r in engine.search("cobalamin").results][:1] == ["E53.8"]
        info = store.info()
        assert info.data_version.endswith("+local.1")
        icd = next(c for c in info.code_sets if c.system == "ICD-10-CM")
        assert icd.release == "FY2027 (icd10cm_order_2027.txt)"
        assert store.query("SELECT count(*) FROM vocabulary WHERE word = 'zetamin'")[0][0] == 1

    # A second import builds on the data in use.
    staged2 = update.prepare_import([_order_file(tmp_path)])
    assert staged2.counts == {"added": 0, "deleted": 0, "retitled": 0}
    assert staged2.data_version.endswith("+local.2")
    staged2.discard()

    assert update.use_bundled() == mini_bundled
    assert paths.default_reference_db() == mini_bundled
    assert not list((user_dir_of(new_db)).glob("reference-*.sqlite"))


def user_dir_of(db: Path) -> Path:
    return db.parent


def test_hcpcs_fixed_and_csv_give_the_same_result(mini_bundled: Path, tmp_path: Path) -> None:
    with ReferenceStore(mini_bundled) as store:
        rows = store.query(
            "SELECT code, title, kind, status, terminated FROM codes WHERE system = 'HCPCS'"
        )
    recs = [
        Hcpcs(
            c,
            t,
            modifier=k == "modifier",
            action="D" if st == "deleted" else "N",
            terminated=(term or "").replace("-", ""),
        )
        for c, t, k, st, term in rows
        if c not in ("J3420", "J1885")
    ]
    long = "Injection, cyanocobalamin, up to 1,000 mcg " + "(" + "x" * 60 + ")"
    recs.append(Hcpcs("J3420", long))  # retitled, with a continuation record
    recs.append(Hcpcs("J9998", "Injection, imaginary drug, per 5 mg"))  # added
    recs.append(
        Hcpcs(
            "J1885",
            "Injection, ketorolac tromethamine, per 15 mg",
            terminated="20260331",
            action="D",
            xrefs=("J9998",),
        )
    )  # deleted, with a replacement
    fixed = write_hcpcs_fixed(tmp_path / "HCPC2026_APR_ANWEB.txt", recs)
    as_csv = write_hcpcs_csv(tmp_path / "HCPC2026_APR_ANWEB.csv", recs)
    results = []
    for path in (fixed, as_csv):
        staged = update.prepare_import([path])
        results.append((staged.counts, staged.changes()))
        assert staged.staged_db is not None
        with ReferenceStore(staged.staged_db) as store:
            rec = store.get("J1885", "HCPCS")
            assert rec is not None and rec.summary.status == "deleted"
            assert rec.terminated == "2026-03-31"
            assert [(x.relation, x.code) for x in rec.xrefs if x.code == "J9998"] == [
                ("use_instead", "J9998")
            ]
            assert store.get("J3420", "HCPCS").title == long  # type: ignore[union-attr]
            engine = SearchEngine(store)
            assert engine.search("imaginary drug").results[0].code == "J9998"
        staged.discard()
    assert results[0] == results[1]
    counts, changes = results[0]
    assert counts == {"added": 1, "deleted": 1, "retitled": 1}
    deleted = next(c for c in changes if c.change == "deleted")
    assert (deleted.code, deleted.replaced_by) == ("J1885", "J9998")


def test_licensed_cpt_texts_live_in_the_user_folder_only(
    mini_bundled: Path, tmp_path: Path
) -> None:
    made_up = "Licensed-text stand-in for the test, not AMA text"
    path = write_cpt(tmp_path / "LONGULT.txt", [("96372", made_up), ("90471", "Another")])
    staged = update.prepare_import([path])
    assert staged.staged_db is None and staged.licensed_count == 2
    assert LicensedTexts().get("96372") is None  # not before the switch
    assert staged.commit() is None
    texts = LicensedTexts()
    assert texts.get("96372") == made_up and texts.text_for("CPT", "90471") == "Another"
    assert texts.get("99999") is None and "American Medical Association" in texts.notice()
    assert texts.path.is_relative_to(paths.user_data_root())
    texts.close()
    assert paths.default_reference_db() == mini_bundled  # the reference data is untouched
    with ReferenceStore() as store:
        assert not store.query(
            "SELECT 1 FROM codes WHERE title = ? OR description = ?", (made_up, made_up)
        )


def test_local_additions(mini_bundled: Path, tmp_path: Path) -> None:
    path = write_local_csv(
        tmp_path / "local.csv",
        [
            ("code", "LOCAL", "FLU-SELF", "Flu shot self-pay price", "Clinic price list item"),
            ("note", "HCPCS", "J3420", "", "Payer Zed wants the NDC on every claim"),
            ("term", "HCPCS", "J3420", "Cyanokit-test-brand"),
            ("synonym", "", "", "pokey", "injection"),
            ("drug", "LOCAL", "DRUG-X", "Imaginary drug X", "", "10", "mg", "IM SC"),
        ],
    )
    staged = update.prepare_import([path])
    assert staged.counts["added"] == 2
    staged.commit()
    with ReferenceStore() as store:
        engine = SearchEngine(store)
        assert engine.search("self-pay").results[0].code == "FLU-SELF"
        assert engine.search("cyanokit-test-brand").results[0].code == "J3420"
        assert engine.search("pokey").results  # the synonym expands to 'injection'
        rec = store.get("J3420", "HCPCS")
        assert rec is not None and rec.notes[-1].text == "Payer Zed wants the NDC on every claim"
        assert units_for_code(store, "DRUG-X", "25", "mg").units == 3


def test_tabular_xml_import(mini_bundled: Path, tmp_path: Path) -> None:
    xml = MINI_TABULAR.replace(
        "<diag><name>E53.9</name>",
        "<diag><name>E53.7</name><desc>Zetamin deficiency</desc>"
        "<inclusionTerm><note>Lack of zetamin</note></inclusionTerm></diag>\n"
        "        <diag><name>E53.9</name>",
    ).replace("<version>2026</version>", "<version>2027</version>")
    path = tmp_path / "icd10cm-tabular-2027.xml"
    path.write_text(xml, encoding="utf-8")
    staged = update.prepare_import([path])
    assert [(c.change, c.code) for c in staged.changes()] == [("added", "E53.7")]
    staged.commit()
    with ReferenceStore() as store:
        rec = store.get("E53.7")
        assert rec is not None and rec.parent is not None and rec.parent.code == "E53"
        assert SearchEngine(store).search("lack of zetamin").results[0].code == "E53.7"


@pytest.mark.parametrize("when", [1, 3, 6])
def test_failure_mid_import_changes_nothing(mini_bundled: Path, tmp_path: Path, when: int) -> None:
    update.prepare_import([_order_file(tmp_path)]).commit()  # an imported DB is in use
    cpt = write_cpt(tmp_path / "LONGULT.txt", [("96372", "stand-in")])
    update.prepare_import([cpt]).commit()
    before = _state(paths.user_data_root())
    in_use = paths.default_reference_db()
    calls = 0

    def failing(fraction: float, message: str) -> None:
        nonlocal calls
        calls += 1
        if calls >= when:
            raise RuntimeError(f"injected failure at step {calls}: {message}")

    new_order = _order_file(tmp_path, [*ORDER_2027, ("Z24", True, "Another new code")])
    with pytest.raises(RuntimeError, match="injected failure"):
        update.prepare_import([new_order, cpt], progress=failing)
    assert _state(paths.user_data_root()) == before
    assert paths.default_reference_db() == in_use


def test_cancel_is_clean(mini_bundled: Path, tmp_path: Path) -> None:
    before = _state(paths.user_data_root())

    def cancel(fraction: float, message: str) -> None:
        if fraction > 0.5:
            raise update.ImportCancelled()

    with pytest.raises(update.ImportCancelled):
        update.prepare_import([_order_file(tmp_path)], progress=cancel)
    after = _state(paths.user_data_root())
    assert {k: v for k, v in after.items() if not k.endswith("/")} == before or not after
    assert paths.default_reference_db() == mini_bundled


def _lines_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path


@pytest.mark.parametrize(
    ("make", "line", "words"),
    [
        (
            lambda p: _lines_file(
                p / "icd10cm_order_2027.txt",
                [order_line(1, "E53", False, "A"), order_line(2, "E53", False, "A")],
            ),
            2,
            "duplicate code E53 (also on line 1)",
        ),
        (
            lambda p: write_hcpcs_fixed(p / "H.txt", [Hcpcs("J3420", "a"), Hcpcs("J3420", "b")]),
            2,
            "duplicate code J3420",
        ),
        (
            lambda p: write_cpt(p / "LONGULT.txt", [("96372", "a"), ("96372", "b")]),
            6,
            "duplicate code 96372",
        ),
        (
            lambda p: write_local_csv(p / "l.csv", [("note", "CPT", "NOPE1", "", "x")]),
            2,
            "does not exist",
        ),
    ],
)
def test_bad_files_change_nothing(
    mini_bundled: Path, tmp_path: Path, make, line: int, words: str
) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(ImportFileError) as info:
        update.prepare_import([path])
    assert info.value.line == line and words in str(info.value)
    assert str(info.value).startswith(path.name)
    assert not (paths.user_reference_dir() / "active.json").exists()
    assert not list(paths.user_reference_dir().glob(".staging-*"))


def test_a_partial_code_set_is_refused(
    mini_bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(update.apply, "MAX_DELETE_MIN", 1)
    path = _order_file(tmp_path, [("Z23", True, "Encounter for immunization")])
    with pytest.raises(ImportFileError, match="would delete 3 of the 4"):
        update.prepare_import([path])
    assert paths.default_reference_db() == mini_bundled


def test_memory_stays_flat_through_the_whole_import(mini_bundled: Path, tmp_path: Path) -> None:
    """Python memory at its peak does not grow with the file (SQLite's own cache is bounded)."""

    def peak(n: int) -> int:
        codes = (
            (
                f"{chr(65 + i // 10000 % 26)}{i // 1000 % 10}{i // 100 % 10}.{i % 100:02d}X",
                True,
                f"Generated title {i}",
            )
            for i in range(n)
        )
        path = write_order_file(tmp_path / f"icd10cm_order_{n}.txt", list(codes))
        tracemalloc.start()
        try:
            staged = update.prepare_import([path])
            result = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert staged.counts["added"] == n
        staged.discard()
        return result

    peak(100)  # first use imports modules: not what is measured
    small, large = peak(3_000), peak(30_000)
    assert large < small * 1.2 + 128 * 1024, (small, large)


# ------------------------------------------------------------------------ packs


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_shared_pack_is_used_verified_and_skipped_when_damaged(
    mini_bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update.prepare_import([_order_file(tmp_path)]).commit()
    own = paths.default_reference_db()
    share = tmp_path / "share"
    first = update.export_pack(share)
    assert first.db.is_file() and json.loads(first.metadata.read_text())["sha256"] == first.sha256
    assert (share / (first.db.name + ".sha256")).read_text().split()[0] == first.sha256

    monkeypatch.setenv("QUICKREF_SHARED_DATA", str(tmp_path / "missing-share"))
    choice = paths.reference_choice()
    assert choice.path == own and "not reachable" in choice.notes[0]

    monkeypatch.setenv("QUICKREF_SHARED_DATA", str(share))
    assert paths.reference_choice().path == first.db
    assert paths.reference_choice().origin == "shared"
    with ReferenceStore(verify=True) as store:  # read-only and verified
        assert store.get("E53.81") is not None

    # A newer pack wins; a damaged newest pack is skipped for the older valid one.
    meta = json.loads(first.metadata.read_text())
    newer = share / "quickref-newer.sqlite"
    newer.write_bytes(first.db.read_bytes())
    meta.update(file=newer.name, created="2999-01-01T00:00:00Z")
    (share / "quickref-newer.json").write_text(json.dumps(meta))
    assert paths.default_reference_db() == newer
    _damage(newer)
    choice = paths.reference_choice()
    assert choice.path == first.db and any("damaged" in n for n in choice.notes)
    _damage(first.db)
    assert paths.reference_choice().path == own  # every pack damaged: own data


def test_pointer_to_a_damaged_db_falls_back(mini_bundled: Path, tmp_path: Path) -> None:
    new_db = update.prepare_import([_order_file(tmp_path)]).commit()
    assert new_db is not None
    with sqlite3.connect(new_db) as con:
        con.execute(
            "UPDATE meta SET value = 'sha256:' || hex(randomblob(32)) WHERE key = 'checksum'"
        )
    con.close()
    assert paths.default_reference_db() == mini_bundled


def test_cli_import_changes_use_bundled_export(
    mini_bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order = _order_file(tmp_path)
    out = tmp_path / "changes.csv"
    assert cli_main(["db", "changes", str(order), "--csv", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 4
    assert paths.default_reference_db() == mini_bundled
    capsys.readouterr()
    assert cli_main(["db", "import", str(order), "--yes", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["switched"] and result["changes"] == {"added": 1, "deleted": 1, "retitled": 1}
    assert paths.default_reference_db() == Path(result["database"])
    assert cli_main(["db", "export-pack", str(tmp_path / "pack")]) == 0
    assert len(list((tmp_path / "pack").glob("quickref-*.json"))) == 1
    assert cli_main(["db", "use-bundled"]) == 0
    assert paths.default_reference_db() == mini_bundled
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n")
    capsys.readouterr()
    assert cli_main(["db", "import", str(bad), "--yes"]) == 1
    assert "bad.txt, line 1" in capsys.readouterr().err
