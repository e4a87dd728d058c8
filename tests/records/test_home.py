"""The home list: pins then recents, joined with the real reference data, once each."""

from __future__ import annotations

from pathlib import Path

from desktop.records.home import SECTION_PINNED, SECTION_RECENT, home_list, pinned_keys
from desktop.records.store import UserStore
from desktop.reference.store import ReferenceStore


def test_pins_first_then_recents_each_code_once(user_dir: Path, store: ReferenceStore) -> None:
    with UserStore() as user:
        assert home_list(user, store) == []
        user.add_recent("HCPCS", "J3420")
        user.add_recent("CPT", "96372")
        user.pin("CPT", "96372")
        entries = home_list(user, store)
        assert [(e.section, e.summary.code, e.pinned) for e in entries] == [
            (SECTION_PINNED, "96372", True),
            (SECTION_RECENT, "J3420", False),
        ]
        assert entries[1].summary.title == store.find("J3420", "HCPCS")[0].title
        assert pinned_keys(user) == {("CPT", "96372")}


def test_a_code_the_data_no_longer_has_is_left_out(user_dir: Path, store: ReferenceStore) -> None:
    with UserStore() as user:
        user.pin("CPT", "00000")  # e.g. from a clinic's own data, since switched back
        user.add_recent("ICD-10-CM", "E53.8")
        assert [e.summary.code for e in home_list(user, store)] == ["E53.8"]


def test_recents_are_capped(user_dir: Path, store: ReferenceStore) -> None:
    with UserStore() as user:
        for code in ("J3420", "J1885", "J0696", "96372"):
            user.add_recent("HCPCS" if code.startswith("J") else "CPT", code)
        assert len(home_list(user, store, recents=2)) == 2


def test_toggle_pin_pins_then_unpins_and_says_so(user_dir: Path) -> None:
    from desktop.records.home import pinned_keys, toggle_pin
    from desktop.records.store import UserStore

    with UserStore() as user:
        said = toggle_pin(user, "CPT", "96372", pinned=False)
        assert pinned_keys(user) == {("CPT", "96372")}
        assert said.startswith("Pinned 96372")
        said = toggle_pin(user, "CPT", "96372", pinned=True)
        assert pinned_keys(user) == set()
        assert said == "Unpinned 96372"
