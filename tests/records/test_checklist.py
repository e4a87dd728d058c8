"""Checklist runs on the real per-user SQLite file and the real reference database."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.records.checklist import ChecklistError, ChecklistRun, Checklists
from desktop.records.store import UserDataError, UserStore
from desktop.reference.store import ReferenceStore
from desktop.reference.units import UnitError

HELPER = Path(__file__).with_name("crash_helper.py")


@pytest.fixture
def user(user_dir: Path) -> Iterator[UserStore]:
    with UserStore() as u:
        yield u


@pytest.fixture
def book(user: UserStore, store: ReferenceStore) -> Checklists:
    return Checklists(user, store)


def walk_through(
    run: ChecklistRun,
    *,
    drug: tuple[str, str, str] = ("J3420", "1000", "mcg"),
    single_dose: bool | None = True,
    discarded: str | None = "0",
    payer: str = "medicare",
) -> None:
    for step in run.steps:
        if step.kind == "tick":
            run.tick(step.key)
        elif step.kind == "yes_no":
            run.answer(step.key, False)
        elif step.kind == "choice":
            run.choose(step.key, payer if step.key == "payer" else step.options[0][0])
        else:
            run.set_drug(*drug, single_dose=single_dose, discarded=discarded)


def test_96372_template_has_the_issue_steps(book: Checklists) -> None:
    run = book.start("injection-96372")
    keys = [s.key for s in run.steps]
    expected = (
        "confirm-order vaccine-check patient-id-allergies check-drug hand-hygiene cleanse-site"
        " draw-dose administer sharps document"
    )
    for key in expected.split():
        assert key in keys
    assert any(not s.required for s in run.steps)
    assert run.progress_text == f"0 of {len(run.steps)}"


def test_full_run_bills_96372_and_j3420_jz(book: Checklists, user: UserStore) -> None:
    run = book.start("injection-96372")
    assert not run.can_complete
    walk_through(run)
    assert run.can_complete
    billing = run.complete()
    assert [(x.code, x.units, x.modifiers) for x in billing.lines] == [
        ("96372", 1, ()),
        ("J3420", 1, ("JZ",)),
    ]
    assert [x.text for x in billing.lines] == ["96372 x 1", "J3420 x 1 JZ"]
    # Stored with the run, and every change logged with its time.
    again = book.load(run.id)
    assert again.status == "completed" and again.billing == billing
    actions = [e[1] for e in book.events(run.id)]
    assert actions[0] == "start" and actions[-1] == "complete"
    assert actions.count("tick") == sum(1 for s in run.steps if s.kind == "tick")
    assert all(e[0].endswith("+00:00") for e in book.events(run.id))
    assert book.unfinished() is None


def test_complete_refused_until_required_steps_done(book: Checklists) -> None:
    run = book.start("injection-96372")
    for step in run.steps:
        if step.required and step.kind == "tick":
            run.tick(step.key)
    with pytest.raises(ChecklistError, match="Required steps not done"):
        run.complete()
    walk_through(run)
    optional = next(s for s in run.steps if not s.required)
    run.untick(optional.key)
    assert run.can_complete  # optional steps do not block


def test_untick_clears_the_step_and_the_drug(book: Checklists, user: UserStore) -> None:
    run = book.start("injection-96372")
    run.tick("hand-hygiene")
    run.set_drug("J3420", "1000", "mcg")
    run.untick("hand-hygiene")
    run.untick("draw-dose")
    again = book.load(run.id)
    assert not again.is_done("hand-hygiene") and again.drug is None
    assert [e[1] for e in book.events(run.id)] == ["start", "tick", "drug", "untick", "untick"]


def test_vaccine_answer_switches_to_vaccine_template(book: Checklists) -> None:
    run = book.start("injection-96372")
    run.tick("confirm-order")
    new = run.answer("vaccine-check", True)
    assert new is not run and new.template.id == "vaccine-admin"
    assert run.status == "switched" and new.switched_from == run.id
    assert book.load(run.id).status == "switched"
    assert book.unfinished() is not None and book.unfinished().id == new.id  # type: ignore[union-attr]
    for step in new.steps:
        if step.kind == "tick":
            new.tick(step.key)
    new.choose("payer", "medicare")
    new.choose("age", "other")
    assert not new.can_complete  # which vaccine is still asked
    with pytest.raises(ChecklistError, match="Which vaccine"):
        new.complete()
    new.set_vaccines("vaccines", ["90658", "90677"])
    billing = new.complete()
    # An answer, not a menu: the products and the Medicare administration codes.
    assert [x.text for x in billing.lines] == ["90658 x 1", "90677 x 1", "G0008 x 1", "G0009 x 1"]
    assert billing.choices == ()
    assert not {"96372", "90471"} & {x.code for x in billing.lines}
    assert new.next_patient().template.id == "injection-96372"


def test_stop_answer_without_switch_blocks_completion(book: Checklists) -> None:
    run = book.start("injection-96372")
    walk_through(run)
    same = run.answer("antineoplastic-check", True)
    assert same is run and not run.can_complete
    with pytest.raises(ChecklistError, match="96402"):
        run.complete()
    run.answer("antineoplastic-check", False)
    assert run.can_complete


def test_discarded_amount_gets_its_own_jw_line(book: Checklists) -> None:
    run = book.start("injection-96372")
    walk_through(run, drug=("J0696", "300", "mg"), single_dose=True, discarded="250")
    lines = run.complete().lines
    assert [(x.code, x.units, x.modifiers) for x in lines] == [
        ("96372", 1, ()),
        ("J0696", 2, ()),
        ("J0696", 1, ("JW",)),
    ]


def test_multi_dose_has_no_jz_and_refuses_a_discard(book: Checklists) -> None:
    run = book.start("injection-96372")
    with pytest.raises(UnitError, match="single-dose"):
        run.set_drug("J3420", "1000", "mcg", single_dose=False, discarded="100")
    assert run.drug is None and not run.is_done("draw-dose")
    walk_through(run, single_dose=False)
    billing = run.complete()
    assert billing.lines[1].modifiers == ()
    assert any("Multi-dose" in r for r in billing.reminders)


def test_bad_dose_is_refused_before_writing(book: Checklists) -> None:
    run = book.start("injection-96372")
    with pytest.raises(UnitError, match="cannot be converted"):
        run.set_drug("J3420", "1", "mL")
    with pytest.raises(UnitError, match="not a HCPCS drug"):
        run.set_drug("Q9999x", "1", "mg")
    assert [e[1] for e in book.events(run.id)] == ["start"]


def test_separate_em_reminds_modifier_25_on_the_em_code(book: Checklists) -> None:
    run = book.start("injection-96372")
    walk_through(run)
    run.set_separate_em(True)
    billing = run.complete()
    assert any("modifier 25" in r and "not to 96372" in r for r in billing.reminders)
    assert all("25" not in x.modifiers for x in billing.lines)


def test_no_patient_fields_in_the_schema(user: UserStore) -> None:
    columns = " ".join(
        str(r[1]).lower()
        for table in ("checklist_runs", "checklist_steps_done", "checklist_events")
        for r in user.rows(f"PRAGMA table_info({table})")
    )
    for word in ("patient", "name", "birth", "dob", "mrn", "chart", "ssn"):
        assert word not in columns


def test_killed_process_run_is_resumed_with_its_ticks(
    user_dir: Path, reference_db: Path, store: ReferenceStore
) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), str(reference_db), str(user_dir), "6"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        assert line[0] == "READY", line
        run_id, keys = int(line[1]), line[2].split(",")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with UserStore() as user:
        run = Checklists(user, store).unfinished()
        assert run is not None and run.id == run_id
        assert [s.key for s in run.steps if run.is_done(s.key)] == keys
        assert len(keys) == 6 and run.done_count == 6
        assert run.value("vaccine-check") == "no"
        assert all(run.done_at(k) for k in keys)


def test_locked_database_gives_a_clear_message_and_loses_nothing(
    user_dir: Path, store: ReferenceStore
) -> None:
    with UserStore(timeout=0.2) as user:
        book = Checklists(user, store)
        run = book.start("injection-96372")
        run.tick("confirm-order")
        other = sqlite3.connect(user.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(UserDataError, match="in use by another QuickRef window"):
                run.tick("hand-hygiene")
            assert not run.is_done("hand-hygiene")  # screen state follows the disk
        finally:
            other.execute("ROLLBACK")
            other.close()
        run.tick("hand-hygiene")
        again = book.load(run.id)
        assert again.is_done("confirm-order") and again.is_done("hand-hygiene")


def test_full_disk_gives_a_clear_message_and_loses_nothing(
    user_dir: Path, store: ReferenceStore
) -> None:
    with UserStore() as user:
        book = Checklists(user, store)
        done = book.start("injection-96372")
        walk_through(done)
        done.complete()
        run = book.start("injection-96372")
        pages = user.read(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
        user.read(lambda c: c.execute(f"PRAGMA max_page_count = {pages}"))
        error = None
        saved = 0
        for _ in range(2000):
            try:
                run.tick("confirm-order") if not run.is_done("confirm-order") else run.untick(
                    "confirm-order"
                )
                saved += 1
            except UserDataError as exc:
                error = exc
                break
        assert error is not None, "the size limit was never reached"
        assert "full" in str(error)
        state = run.is_done("confirm-order")
    with UserStore() as user:
        book = Checklists(user, store)
        assert book.load(run.id).is_done("confirm-order") == state
        assert book.load(done.id).status == "completed"
        assert len([e for e in book.events(run.id) if e[1] in ("tick", "untick")]) == saved


def test_payer_other_gets_no_jz_and_says_why(book: Checklists) -> None:
    run = book.start("injection-96372")
    walk_through(run, payer="other")
    billing = run.complete()
    assert [x.text for x in billing.lines] == ["96372 x 1", "J3420 x 1"]
    assert any("only if this payer's policy requires them" in r for r in billing.reminders)


def test_skipped_discarded_amount_is_asked_not_taken_as_nothing(book: Checklists) -> None:
    run = book.start("injection-96372")
    walk_through(run, discarded=None)
    billing = run.preview_billing()
    assert all("JZ" not in x.modifiers for x in billing.lines)
    assert billing.questions and "discarded" in billing.questions[0]
    assert not run.can_complete
    with pytest.raises(ChecklistError, match="amount discarded"):
        run.complete()
    run.set_drug("J3420", "1000", "mcg", single_dose=True, discarded="0")
    assert [x.text for x in run.complete().lines] == ["96372 x 1", "J3420 x 1 JZ"]


def test_dose_text_carries_its_unit_and_warns_when_far_off(book: Checklists) -> None:
    run = book.start("injection-96372")
    drug = run.set_drug("J0696", "1 g", "mg", single_dose=True, discarded="0")
    assert (drug.units, drug.unit, drug.warnings) == (4, "g", ())
    low = run.set_drug("J0696", "1", "mg", single_dose=True, discarded="0")
    assert low.units == 1 and "1/100 of one billing unit" in low.warnings[0]
    with pytest.raises(UnitError, match="ambiguous"):
        run.set_drug("J0696", "1,5", "g")


def test_vaccine_run_for_a_counselled_child_bills_per_component(book: Checklists) -> None:
    run = book.start("vaccine-admin")
    for step in run.steps:
        if step.kind == "tick":
            run.tick(step.key)
    run.choose("payer", "other")
    run.choose("age", "counselled")
    run.set_vaccines("vaccines", ["90707", "90716"])
    billing = run.complete()
    assert [x.text for x in billing.lines] == ["90707 x 1", "90716 x 1", "90460 x 2", "90461 x 2"]
    assert book.load(run.id).vaccines == ("90707", "90716")


def test_choice_and_vaccine_steps_refuse_what_they_do_not_offer(book: Checklists) -> None:
    run = book.start("vaccine-admin")
    with pytest.raises(ChecklistError, match="not an answer"):
        run.choose("payer", "aetna")
    with pytest.raises(ChecklistError, match="not a vaccine product"):
        run.set_vaccines("vaccines", ["96372"])
    with pytest.raises(ChecklistError, match="not answered by choosing"):
        run.choose("vis", "x")
    assert [e[1] for e in book.events(run.id)] == ["start"]


def test_completed_run_lines_pass_the_claim_check(book: Checklists) -> None:
    run = book.start("injection-96372")
    walk_through(run)
    run.complete()
    found = book.check(run).findings
    assert [f.rule for f in found] == ["no-diagnosis"]  # a diagnosis is the biller's to add
    vaccine = book.start("vaccine-admin")
    for step in vaccine.steps:
        if step.kind == "tick":
            vaccine.tick(step.key)
    vaccine.choose("payer", "medicare")
    vaccine.choose("age", "other")
    vaccine.set_vaccines("vaccines", ["90658", "91320", "90715"])
    vaccine.complete()
    found = book.check(vaccine).findings  # notes only: no diagnosis, Tdap is Part D for Medicare
    assert {f.severity for f in found} == {"info"}
    assert {f.rule for f in found} == {"no-diagnosis", "medicare-part-d-vaccine"}


def test_unknown_container_is_asked_for_medicare_not_taken_as_multi_dose(
    book: Checklists,
) -> None:
    run = book.start("injection-96372")
    walk_through(run, single_dose=None, discarded=None)
    drug = run.drug
    assert drug is not None and drug.code == "J3420"
    if drug.single_dose is not None:
        pytest.skip("J3420's container is known in this build's data")
    billing = run.preview_billing()
    assert any("single-dose or a multi-dose container" in q for q in billing.questions)
    assert not any("Multi-dose" in r for r in billing.reminders)
    assert book.load(run.id).drug.single_dose is None  # type: ignore[union-attr]
    run.set_drug("J3420", "1000", "mcg", single_dose=False)
    assert [x.text for x in run.complete().lines] == ["96372 x 1", "J3420 x 1"]
