"""The licensed CPT texts: staged beside the file in use, swapped in, read back."""

from __future__ import annotations

from pathlib import Path

from desktop.reference.licensed import LicensedTexts, LicensedWriter


def _write(
    target: Path, texts: dict[str, str], keep: list[tuple[str, str, str]] | None = None
) -> None:
    w = LicensedWriter(target)
    for code, text in texts.items():
        assert w.add("CPT", code, text)
    w.finish({"notice": "Licensed to Test Clinic"}, keep or [])
    w.commit()


def test_written_texts_are_read_back(tmp_path: Path) -> None:
    target = tmp_path / "licensed" / "cpt.sqlite"
    _write(target, {"96372": "Licensed text one", "96373": "Licensed text two"})
    with LicensedTexts(target) as texts:
        assert texts and texts.count() == 2
        assert texts.get("96372") == "Licensed text one"
        assert texts.text_for("CPT", "96373") == "Licensed text two"
        assert texts.get("99999") is None
        assert texts.notice() == "Licensed to Test Clinic"
        assert "imported" in texts.meta()


def test_a_duplicate_is_reported_and_discard_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "licensed" / "cpt.sqlite"
    w = LicensedWriter(target)
    assert w.add("CPT", "96372", "one")
    assert not w.add("CPT", "96372", "again")
    assert w.has("CPT", "96372") and not w.has("CPT", "96373")
    w.discard()
    assert list(target.parent.iterdir()) == []
    assert not LicensedTexts(target)  # nothing imported: empty, not an error


def test_texts_kept_from_the_previous_import(tmp_path: Path) -> None:
    target = tmp_path / "licensed" / "cpt.sqlite"
    _write(target, {"96372": "old one", "96373": "old two"})
    with LicensedTexts(target) as old:
        keep = [
            (str(s), str(c), str(t))
            for s, c, t in old._query("SELECT system, code, text FROM texts")
        ]
    _write(target, {"96372": "new one"}, keep)
    with LicensedTexts(target) as texts:
        assert (texts.get("96372"), texts.get("96373")) == ("new one", "old two")


def test_a_damaged_file_reads_as_no_texts(tmp_path: Path) -> None:
    target = tmp_path / "cpt.sqlite"
    target.write_bytes(b"this is not a database" * 100)
    texts = LicensedTexts(target)
    assert not texts and texts.get("96372") is None and texts.count() == 0
