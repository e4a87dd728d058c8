"""Vaccine products and the vaccine visit's lines, on the real reference database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.reference.billing.vaccines import bill_vaccines, vaccine_products
from desktop.reference.build import BuildError, build
from desktop.reference.paths import bundled_data_dir
from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore
from tests.conftest import MINI_TABULAR

GROUPS = {"influenza", "pneumococcal", "hepatitis_b", "covid19", "other"}


def lines(store: ReferenceStore, codes: list[str], **kw: object) -> list[str]:
    return [x.text for x in bill_vaccines(store, codes, **kw).lines]  # type: ignore[arg-type]


def test_every_vaccine_product_has_its_group_components_route_and_source(
    store: ReferenceStore,
) -> None:
    products = vaccine_products(store)
    assert len(products) >= 20
    sources = {s.id for s in store.sources()}
    for r in products:
        assert r.system == "CPT" and r.vaccine_group in GROUPS, r.code
        assert r.components is not None and r.components >= 1, r.code
        assert r.routes and r.source.id in sources, r.code
        assert r.description.startswith("Vaccine product:"), r.code
    groups = {r.vaccine_group for r in products}
    assert groups == GROUPS


@pytest.mark.parametrize(
    ("code", "group", "components"),
    [
        ("90671", "pneumococcal", 1),
        ("90677", "pneumococcal", 1),
        ("90684", "pneumococcal", 1),
        ("90732", "pneumococcal", 1),
        ("90714", "other", 2),
        ("90715", "other", 3),
        ("90707", "other", 3),
        ("90746", "hepatitis_b", 1),
        ("90750", "other", 1),
        ("91320", "covid19", 1),
        ("90662", "influenza", 1),
        # the childhood series (data 2026.12.4): one component a disease protected against
        ("90700", "other", 3),
        ("90713", "other", 1),
        ("90647", "other", 1),
        ("90648", "other", 1),
        ("90744", "hepatitis_b", 1),
        ("90633", "other", 1),
        ("90670", "pneumococcal", 1),
        ("90680", "other", 1),
        ("90681", "other", 1),
        ("90734", "other", 1),
        ("90698", "other", 5),
        ("90723", "other", 5),
        ("90697", "other", 6),
        ("90696", "other", 4),
        ("90710", "other", 4),
    ],
)
def test_products_of_the_issue(
    store: ReferenceStore, code: str, group: str, components: int
) -> None:
    r = store.get(code, "CPT")
    assert r is not None and (r.vaccine_group, r.components) == (group, components)


def test_tetanus_shot_leads_to_td_and_tdap_not_the_immune_globulin(store: ReferenceStore) -> None:
    found = [r.code for r in SearchEngine(store).search("tetanus shot", limit=10).results]
    assert found[:2] and set(found[:2]) == {"90714", "90715"}
    if "J1670" in found:
        assert found.index("J1670") > found.index("90715")


def test_medicare_flu_pneumococcal_hepatitis_b_take_their_g_codes(store: ReferenceStore) -> None:
    got = lines(store, ["90658", "90677", "90746"], payer="medicare", counselled_18_or_under=False)
    assert got == ["90658 x 1", "90677 x 1", "90746 x 1", "G0008 x 1", "G0009 x 1", "G0010 x 1"]


def test_other_payer_injections_take_90471_then_90472(store: ReferenceStore) -> None:
    got = lines(store, ["90658", "90677", "90715"], payer="other", counselled_18_or_under=False)
    assert got == ["90658 x 1", "90677 x 1", "90715 x 1", "90471 x 1", "90472 x 2"]


def test_covid_takes_90480_for_every_payer_and_age(store: ReferenceStore) -> None:
    for payer in ("medicare", "other"):
        for counselled in (True, False):
            got = lines(store, ["91320"], payer=payer, counselled_18_or_under=counselled)
            assert got == ["91320 x 1", "90480 x 1"]


def test_counselled_child_gets_90460_per_vaccine_and_90461_per_further_component(
    store: ReferenceStore,
) -> None:
    got = lines(store, ["90715", "90707", "90651"], payer="other", counselled_18_or_under=True)
    # Tdap 3 + MMR 3 + HPV 1 components: 3 vaccines, 2 + 2 + 0 further components.
    assert got[-2:] == ["90460 x 3", "90461 x 4"]


def test_nasal_flu_alone_is_90473_and_after_an_injection_90474(store: ReferenceStore) -> None:
    alone = lines(store, ["90660"], payer="other", counselled_18_or_under=False)
    assert alone == ["90660 x 1", "90473 x 1"]
    mixed = lines(store, ["90715", "90660"], payer="other", counselled_18_or_under=False)
    assert mixed == ["90715 x 1", "90660 x 1", "90471 x 1", "90474 x 1"]


def test_a_two_month_visit_with_counselling_bills_each_component(store: ReferenceStore) -> None:
    # Pentacel (5) + hepatitis B (1) + PCV (1) + rotavirus by mouth (1): four vaccines,
    # 4 further components, all under 90460/90461 whatever the route.
    got = lines(store, ["90698", "90744", "90670", "90680"], payer="other",
                counselled_18_or_under=True)  # fmt: skip
    assert got[-2:] == ["90460 x 4", "90461 x 4"]


def test_oral_rotavirus_without_counselling_is_90473_then_90474(store: ReferenceStore) -> None:
    alone = lines(store, ["90681"], payer="other", counselled_18_or_under=False)
    assert alone == ["90681 x 1", "90473 x 1"]
    mixed = lines(store, ["90700", "90680"], payer="other", counselled_18_or_under=False)
    assert mixed == ["90700 x 1", "90680 x 1", "90471 x 1", "90474 x 1"]


@pytest.mark.parametrize(
    ("query", "code"),
    [("dtap", "90700"), ("pentacel", "90698"), ("pediarix", "90723"), ("vaxelis", "90697"),
     ("kinrix", "90696"), ("rotateq", "90680"), ("rotarix", "90681"), ("ipv", "90713"),
     ("pedvaxhib", "90647"), ("acthib", "90648"), ("proquad", "90710"), ("menveo", "90734"),
     ("prevnar 13", "90670")],
)  # fmt: skip
def test_childhood_vaccines_are_found_by_name_and_brand(
    store: ReferenceStore, query: str, code: str
) -> None:
    assert SearchEngine(store).search(query).results[0].summary.code == code


def test_medicare_part_d_vaccines_get_a_reminder(store: ReferenceStore) -> None:
    billing = bill_vaccines(store, ["90750"], payer="medicare", counselled_18_or_under=False)
    assert any("Part D" in r for r in billing.reminders)


def test_unanswered_payer_age_or_product_is_asked(store: ReferenceStore) -> None:
    billing = bill_vaccines(store, [], payer=None, counselled_18_or_under=None)
    assert len(billing.questions) == 3 and billing.lines == ()


def test_the_administration_codes_come_from_the_data_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    rules = data / "vaccine_admin.toml"
    old = 'code = "90480"'
    assert old in rules.read_text()
    rules.write_text(rules.read_text().replace(old, 'code = "90471"'))
    xml = tmp_path / "mini.xml"
    xml.write_text(MINI_TABULAR, encoding="utf-8")
    db = build(tmp_path / "ref.sqlite", data_dir=data, icd_xml=xml).path
    with ReferenceStore(db) as store:
        got = lines(store, ["91320"], payer="other", counselled_18_or_under=False)
    assert got == ["91320 x 1", "90471 x 1"]


def test_a_rule_without_a_source_stops_the_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    rules = data / "claim_rules.toml"
    rules.write_text(rules.read_text() + '\n[unsourced]\ncodes = ["96372"]\n')
    xml = tmp_path / "mini.xml"
    xml.write_text(MINI_TABULAR, encoding="utf-8")
    with pytest.raises(BuildError, match="unsourced: a rule needs a 'source'"):
        build(tmp_path / "ref.sqlite", data_dir=data, icd_xml=xml)


def test_show_json_gains_the_vaccine_facts(
    reference_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from desktop.cli import main

    assert main(["--db", str(reference_db), "show", "90715", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["vaccine"] == {"group": "other", "components": 3}
    assert main(["--db", str(reference_db), "show", "96372", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["vaccine"] is None
