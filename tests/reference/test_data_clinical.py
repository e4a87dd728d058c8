"""Clinical and billing facts of issue 11, checked on the real built reference database."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.records.checklist import Checklists
from desktop.records.store import UserStore
from desktop.reference.search import SearchEngine
from desktop.reference.store import CodeRecord, ReferenceStore


def _rec(store: ReferenceStore, code: str, system: str | None = None) -> CodeRecord:
    rec = store.get(code, system)
    assert rec is not None, code
    return rec


def _all_text(rec: CodeRecord) -> str:
    return " ".join([rec.title, rec.description, *(n.text for n in rec.notes)])


def _cited(store: ReferenceStore, rec: CodeRecord, source_id: str) -> bool:
    ids = {n.source_id for n in rec.notes} | {rec.source.id}
    return source_id in ids and source_id in {s.id for s in store.sources()}


# ------------------------------------------------------------------ allergy shots


def test_allergy_shot_leads_to_allergen_immunotherapy_not_diphenhydramine(
    engine: SearchEngine,
) -> None:
    for query in ("allergy shot", "allergy shots", "allergy injection"):
        codes = [r.code for r in engine.search(query, limit=5, system=None).results]
        assert codes[:1] and codes[0] in {"95115", "95117"}, (query, codes)
        assert "J1200" not in codes[:3], (query, codes)


def test_allergen_immunotherapy_codes_say_injection_versus_extract(store: ReferenceStore) -> None:
    one, many, extract = (_rec(store, c, "CPT") for c in ("95115", "95117", "95165"))
    assert "one" in one.title.lower() and "two or more" in many.title.lower()
    assert "extract" in extract.title.lower() and "dose" in extract.title.lower()
    for rec in (one, many):
        assert {x.code for x in rec.xrefs} >= {"95165"}
        assert "allergy shot" in {t.lower() for t in rec.terms}
        assert _cited(store, rec, "allergen-immunotherapy-billing")
    assert "allergy shot" not in {t.lower() for t in _rec(store, "J1200").terms}


# ------------------------------------------------------------------ leuprolide


def test_leuprolide_non_cancer_is_reported_with_96372(store: ReferenceStore) -> None:
    j1950 = _rec(store, "J1950", "HCPCS")
    report_with = {x.code for x in j1950.xrefs if x.relation == "report_with"}
    assert "96372" in report_with and "96402" not in report_with
    assert "usually 96402" not in _all_text(j1950).lower()
    assert _cited(store, j1950, "vitalware-leuprolide-admin")
    j9217 = _rec(store, "J9217", "HCPCS")
    assert "96402" in {x.code for x in j9217.xrefs if x.relation == "report_with"}
    note = " ".join(n.text for n in _rec(store, "96402", "CPT").notes)
    assert "96372" in note and "some payers want 96402" not in note


def test_antineoplastic_question_asks_about_cancer_treatment(store: ReferenceStore) -> None:
    template = store.checklist_template("injection-96372")
    assert template is not None
    step = next(s for s in template.steps if s.key == "antineoplastic-check")
    assert "cancer" in step.label.lower()
    assert "leuprolide" not in step.label.lower()  # a drug name alone does not decide it
    assert step.stop_answer == "yes"
    assert "J1950" in step.why and "No" in step.why


def test_leuprolide_for_endometriosis_completes_with_96372(
    user_dir: Path, store: ReferenceStore
) -> None:
    with UserStore() as user:
        run = Checklists(user, store).start("injection-96372")
        for step in run.steps:
            if step.kind == "tick":
                run.tick(step.key)
            elif step.kind == "yes_no":
                run.answer(step.key, False)  # not a vaccine, not cancer treatment
            elif step.kind == "choice":
                run.choose(step.key, "other")  # the payer: not Medicare
            else:
                run.set_drug("J1950", "3.75", "mg", single_dose=True)
        assert run.stop_step() is None and run.can_complete
        billing = run.complete()
        codes = [line.code for line in billing.lines]
        assert "96372" in codes and "J1950" in codes and "96402" not in codes


# ------------------------------------------------------------------ direct supervision


@pytest.mark.parametrize("code", ["96372", "99211"])
def test_direct_supervision_notes_give_the_2026_audio_video_rule(
    store: ReferenceStore, code: str
) -> None:
    rec = _rec(store, code, "CPT")
    text = _all_text(rec)
    assert "audio and video" in text and "2026" in text
    assert "audio-only" in text
    assert _cited(store, rec, "cms-pfs-2026-supervision")
    assert "must be in the office suite" not in text


def test_checklist_administer_step_allows_virtual_direct_supervision(
    store: ReferenceStore,
) -> None:
    template = store.checklist_template("injection-96372")
    assert template is not None
    why = next(s for s in template.steps if s.key == "administer").why
    assert "audio and video" in why and "2026" in why
    assert "Without direct supervision in the office" not in why


# ------------------------------------------------------------------ JZ / JW scope


def test_jz_jw_text_is_limited_to_separately_payable_part_b_single_dose(
    store: ReferenceStore,
) -> None:
    for code in ("JZ", "JW"):
        text = _rec(store, code, "HCPCS").description.lower()
        assert "separately payable" in text and "part b" in text and "single-dose" in text
    template = store.checklist_template("injection-96372")
    assert template is not None
    waste = next(s for s in template.steps if s.key == "waste").why.lower()
    assert "separately payable" in waste and "part b" in waste
    assert "skipped" in waste


# ------------------------------------------------------------------ ivf, VIS, Aveed


def test_ivf_is_not_a_synonym_for_hydration(store: ReferenceStore, engine: SearchEngine) -> None:
    assert "hydration" not in store.synonyms().get("ivf", [])
    codes = [r.code for r in engine.search("ivf", limit=5, system=None).results]
    assert "96360" not in codes


def test_vis_record_step_asks_for_the_clinic_address(store: ReferenceStore) -> None:
    template = store.checklist_template("vaccine-admin")
    assert template is not None
    for key in ("vis", "document"):
        step = next(s for s in template.steps if s.key == key)
        assert "address" in (step.label + step.why).lower(), key
    assert "ncvia-vaccine-record" in {s.id for s in store.sources()}


# ------------------------------------------------------------------ office E/M


@pytest.mark.parametrize(
    "code", ["99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"]
)
def test_office_em_codes_are_found_by_number(engine: SearchEngine, code: str) -> None:
    results = engine.search(code, limit=3, system=None).results
    assert results and results[0].code == code and results[0].system == "CPT"


def test_office_em_levels_follow_decision_making(store: ReferenceStore) -> None:
    levels = {"2": "straightforward", "3": "low", "4": "moderate", "5": "high"}
    for code in ("99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"):
        rec = _rec(store, code, "CPT")
        assert levels[code[-1]] in rec.title
        assert ("new patient" in rec.title) == (code[3] == "0")
        assert "25" in {x.code for x in rec.xrefs}
        assert _cited(store, rec, "em-office-2021")


def test_modifier_25_names_the_office_visit_codes(store: ReferenceStore) -> None:
    levels = {f"9920{n}" for n in "2345"} | {f"9921{n}" for n in "12345"}
    assert levels <= {x.code for x in _rec(store, "25", "CPT").xrefs}


def test_99211_rule_with_injections_is_stated(store: ReferenceStore) -> None:
    rec = _rec(store, "99211", "CPT")
    assert "does not pay" in _all_text(rec) and "injection" in _all_text(rec)
    assert _cited(store, rec, "cms-cr3631")


# ------------------------------------------------------------------ Aveed REMS


def _walk(run: object, drug: str, amount: str, unit: str, skip: set[str]) -> None:
    from desktop.records.checklist import ChecklistRun

    assert isinstance(run, ChecklistRun)
    for step in run.steps:
        if step.key in skip:
            continue
        if step.kind == "tick":
            run.tick(step.key)
        elif step.kind == "yes_no":
            run.answer(step.key, False)
        elif step.kind == "choice":
            run.choose(step.key, "other")  # the payer: not Medicare
        else:
            run.set_drug(drug, amount, unit, single_dose=True)


def test_aveed_observation_is_required_under_its_rems(
    user_dir: Path, store: ReferenceStore
) -> None:
    template = store.checklist_template("injection-96372")
    assert template is not None
    observe = next(s for s in template.steps if s.key == "observe")
    assert not observe.required and observe.required_for == ("J3145",)
    assert "30 minutes" in observe.why and "REMS" in observe.why
    aveed = _rec(store, "J3145", "HCPCS")
    assert _cited(store, aveed, "fda-aveed-label") and "30 minutes" in _all_text(aveed)
    with UserStore() as user:
        book = Checklists(user, store)
        run = book.start("injection-96372")
        _walk(run, "J3145", "750", "mg", skip={"observe"})
        assert [s.key for s in run.missing_required()] == ["observe"]
        assert not run.can_complete
        run.tick("observe")
        assert run.can_complete
        run.complete()
        other = book.start("injection-96372")
        _walk(other, "J3420", "1000", "mcg", skip={"observe"})
        assert other.missing_required() == [] and other.can_complete


# ------------------------------------------------------------------ COVID-19 administration

COVID_ADMIN = (
    "0001A 0002A 0003A 0004A 0011A 0012A 0013A 0021A 0022A 0031A 0034A 0041A 0042A 0044A"
    " 0051A 0052A 0053A 0054A 0064A 0071A 0072A 0073A 0074A 0081A 0082A 0083A 0091A 0092A"
    " 0093A 0094A 0104A 0111A 0112A 0113A 0121A 0124A 0134A 0141A 0142A 0144A 0151A 0154A"
    " 0164A 0171A 0172A 0173A 0174A"
).split()


@pytest.mark.parametrize("code", COVID_ADMIN)
def test_covid_admin_codes_end_with_their_last_day_and_point_to_90480(
    store: ReferenceStore, engine: SearchEngine, code: str
) -> None:
    rec = _rec(store, code, "CPT")
    assert rec.summary.status == "deleted" and rec.summary.billable is False
    assert rec.terminated == "2023-10-31"
    assert [x.code for x in rec.xrefs if x.relation == "use_instead"] == ["90480"]
    assert "November 1, 2023" in _all_text(rec)
    assert _cited(store, rec, "ama-covid-deletion-2023")
    assert engine.search(code, limit=3, system=None).results[0].code == code


def test_0174a_is_the_pfizer_bivalent_booster(store: ReferenceStore) -> None:
    rec = _rec(store, "0174A", "CPT")
    assert rec.effective == "2023-03-14" and "3 mcg/0.2 mL" in rec.title


# ------------------------------------------------------------------ HCPCS provenance


def test_hcpcs_records_cite_what_was_actually_used(store: ReferenceStore) -> None:
    allowed = {
        "hcpcs-cms-derived-2020", "hcpcs-secondary-2024", "cms-jw-jz", "hcpcs-j1720",
        "hcpcs-iron-2026", "hcpcs-zoledronic-2026", "hcpcs-wellness-visits",
    }  # fmt: skip
    rows = store.query("SELECT code, source_id FROM codes WHERE system = 'HCPCS' AND curated = 1")
    assert len(rows) > 90
    by_source: dict[str, set[str]] = {}
    for code, source in rows:
        assert source in allowed, (code, source)
        by_source.setdefault(source, set()).add(code)
    assert {"J1010", "J1020", "J1030", "J1040", "J2426"} == by_source["hcpcs-secondary-2024"]
    assert {"J1720"} == by_source["hcpcs-j1720"]  # one code page, named as such
    assert {"J1750", "J1756"} == by_source["hcpcs-iron-2026"]  # billing pages, named as such
    assert {"J3489"} == by_source["hcpcs-zoledronic-2026"]
    assert {"G0402", "G0438", "G0439"} == by_source["hcpcs-wellness-visits"]
    assert "cms-hcpcs-2026" not in {s.id for s in store.sources()}  # never opened
    review = (Path(__file__).parents[2] / "resources" / "data" / "REVIEW.md").read_text("utf-8")
    assert "hcpcs-cms-derived-2020" in review


# ------------------------------------------------------------------ 2026.12.9 additions


@pytest.mark.parametrize(
    ("query", "code"),
    [("awv", "G0438"), ("subsequent awv", "G0439"), ("welcome to medicare", "G0402"),
     ("IPPE", "G0402"), ("annual wellness visit", "G0438")],
)  # fmt: skip
def test_medicare_wellness_visits_are_found_by_their_names(
    engine: SearchEngine, query: str, code: str
) -> None:
    """2026.12.9: "awv" and "welcome to medicare" found nothing."""
    assert engine.search(query).results[0].code == code


@pytest.mark.parametrize(
    "query", ["history of mi", "hx mi", "history of heart attack", "prior mi", "old mi"]
)
def test_a_past_heart_attack_is_the_old_mi_code(engine: SearchEngine, query: str) -> None:
    """2026.12.9: "history of mi" listed family-history codes (arthritis, osteoporosis)."""
    assert engine.search(query).results[0].code == "I25.2"


def test_a_heart_attack_not_said_to_be_past_stays_acute(engine: SearchEngine) -> None:
    for query in ("mi", "heart attack"):
        assert engine.search(query).results[0].code == "I21.9", query


def test_wellness_visits_say_when_each_is_billed(store: ReferenceStore) -> None:
    ippe, first, later = (_rec(store, c, "HCPCS") for c in ("G0402", "G0438", "G0439"))
    assert "first 12 months" in ippe.description and "once per lifetime" in ippe.description
    assert "Once per lifetime" in first.description and "G0439" in first.description
    assert "once every 12 months" in later.description
    for rec in (ippe, first, later):
        assert rec.summary.billable and rec.summary.status == "active"
        assert _cited(store, rec, "cms-mln-wellness-visits")  # routine physical not covered
    assert {x.code for x in first.xrefs} == {"G0402", "G0439"}


# ------------------------------------------------------------------ 2026.12.4 additions


def test_zoledronic_acid_is_billed_per_mg_and_found_by_its_brands(store: ReferenceStore) -> None:
    """2026.12.7: "reclast" had been corrected to "recluse" (spider venom codes)."""
    from desktop.reference.billing.dose import drug_dose
    from desktop.reference.search import SearchEngine

    rec = _rec(store, "J3489", "HCPCS")
    assert (rec.billing_unit.amount, rec.billing_unit.unit) == (1, "mg")
    assert rec.packaging == "single_dose" and store.mue("J3489").units == 5
    assert drug_dose(store, "J3489", "5 mg").units == 5  # a Reclast infusion
    engine = SearchEngine(store)
    for brand in ("reclast", "Zometa", "zoledronic acid"):
        assert engine.search(brand).results[0].code == "J3489", brand


def test_iron_is_billed_per_its_own_unit(store: ReferenceStore) -> None:
    from desktop.reference.billing.dose import drug_dose

    sucrose, dextran = _rec(store, "J1756", "HCPCS"), _rec(store, "J1750", "HCPCS")
    assert (sucrose.billing_unit.amount, sucrose.billing_unit.unit) == (1, "mg")
    assert (dextran.billing_unit.amount, dextran.billing_unit.unit) == (50, "mg")
    assert sucrose.packaging == dextran.packaging == "single_dose"
    assert drug_dose(store, "J1756", "200 mg").units == 200
    assert drug_dose(store, "J1750", "100 mg").units == 2


def test_the_tb_skin_test_says_it_takes_no_injection_or_vaccine_code(
    store: ReferenceStore,
) -> None:
    rec = _rec(store, "86580", "CPT")
    assert "96372" in rec.description and "90471" in rec.description
    assert "99211" in {x.code for x in rec.xrefs}
    mue = store.mue("86580")
    assert mue is not None and mue.units == 1
