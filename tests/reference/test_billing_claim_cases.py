"""The judged claim set (bench/claim_cases.toml) run against the real reference database.

Each case is a claim as a biller enters it, with the rules that must fire and the rules that
must not. The set is the check's regression net: a rule change that breaks a case fails here.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest

from desktop.reference.billing.claim import check_claim
from desktop.reference.store import ReferenceStore

CASES_FILE = Path(__file__).resolve().parents[2] / "bench" / "claim_cases.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]
TODAY = dt.date(2026, 12, 1)


def fired(store: ReferenceStore, case: dict[str, Any]) -> set[str]:
    today = dt.date.fromisoformat(case["today"]) if "today" in case else TODAY
    result = check_claim(store, case["items"], payer=case["payer"], today=today)
    return {f.rule for f in result.findings}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_judged_claim(store: ReferenceStore, case: dict[str, Any]) -> None:
    rules = fired(store, case)
    missing = set(case["expect"]) - rules
    wrong = set(case["forbid"]) & rules
    assert not missing and not wrong, f"missing {sorted(missing)}, must not fire {sorted(wrong)}"


def test_the_set_is_large_and_every_named_rule_exists(store: ReferenceStore) -> None:
    assert len(CASES) >= 60
    assert len({c["name"] for c in CASES}) == len(CASES)
    everything = set().union(*(fired(store, c) for c in CASES))
    named = {r for c in CASES for r in (*c["expect"], *c["forbid"])}
    assert named <= everything, f"rule ids no case makes fire (a typo?): {named - everything}"
    clean = [c for c in CASES if not c["expect"]]
    assert len(clean) >= 20, "the set needs correct claims too, to catch false alarms"


def test_every_finding_of_the_set_names_a_cited_source(store: ReferenceStore) -> None:
    sources = {s.id for s in store.sources()}
    for case in CASES:
        result = check_claim(store, case["items"], payer=case["payer"], today=TODAY)
        unknown = {f.source for f in result.findings} - sources
        assert not unknown, f"{case['name']}: {unknown}"
