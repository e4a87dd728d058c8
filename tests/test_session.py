"""The reference session: store, engine and licensed texts together, reopened as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.reference import update
from desktop.reference.store import ReferenceDataError
from desktop.session import ReferenceSession, no_licensed_text
from tests.reference.codefiles import write_cpt


def test_reopen_switches_store_engine_and_licensed_texts(
    mini_bundled: Path, tmp_path: Path
) -> None:
    session = ReferenceSession.open()
    try:
        old_store, old_engine = session.store, session.engine
        assert session.licensed_text("CPT", "96372") is None
        made_up = "Licensed-text stand-in for the test, not AMA text"
        update.prepare_import([write_cpt(tmp_path / "LONGULT.txt", [("96372", made_up)])]).commit()
        new = session.reopen()
        assert new is session.store and new is not old_store
        assert session.engine is not old_engine and session.engine.store is new
        assert session.licensed_text("CPT", "96372") == made_up
    finally:
        session.close()


def test_a_failed_reopen_changes_nothing(
    mini_bundled: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    session = ReferenceSession.open()
    try:
        store, engine = session.store, session.engine
        bad = tmp_path / "bad.sqlite"
        bad.write_bytes(b"not a database")
        monkeypatch.setenv("QUICKREF_REFERENCE_DB", str(bad))  # the data now "in use"
        with pytest.raises(ReferenceDataError):
            session.reopen()
        assert session.store is store and session.engine is engine
    finally:
        session.close()


def test_no_licensed_text_by_default(store: object) -> None:
    session = ReferenceSession(store)  # type: ignore[arg-type]
    assert session.licensed_text is no_licensed_text


def test_code_view_gathers_what_the_detail_pane_shows(store: object) -> None:
    from desktop.reference.store import ReferenceStore

    assert isinstance(store, ReferenceStore)
    session = ReferenceSession(store, licensed_text=lambda system, code: f"licensed {code}")
    view = session.code_view("CPT", "96372")
    assert view is not None
    assert (view.record.system, view.record.code) == ("CPT", "96372")
    assert "injection-96372" in [t.id for t in view.templates]
    assert view.licensed == "licensed 96372"
    assert view.mue is not None and view.mue.units == store.mue("96372").units  # type: ignore[union-attr]
    dx = session.code_view("ICD-10-CM", "E53.8")
    assert dx is not None and dx.mue is None  # MUEs are for CPT and HCPCS only
    assert session.code_view("CPT", "00000") is None
