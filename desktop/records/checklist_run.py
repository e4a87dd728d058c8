"""One checklist run, as stored: every action writes first and changes the run only after.

:class:`ChecklistRun` is made by :class:`desktop.records.checklist.Checklists` (start,
load, resume); each tick, answer, drug and completion is one transaction in the user's
database with an entry in the run's event log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop.records.store import now_iso
from desktop.reference.billing.dose import DrugDose
from desktop.reference.billing.lines import PAYERS, Billing
from desktop.reference.store import ChecklistStep, ChecklistTemplate

if TYPE_CHECKING:
    from desktop.records.checklist import Checklists

DONE = "done"
YES = "yes"
NO = "no"
DRUG = "drug"
# Step keys the billing reads (checklists.toml): the payer, the age answer, the route.
PAYER_STEP = "payer"
AGE_STEP = "age"
ROUTE_STEP = "route"
COUNSELLED = "counselled"

STATUSES = ("open", "completed", "switched", "abandoned")


class ChecklistError(Exception):
    """A checklist action that cannot be done. ``str(exc)`` is meant for a person."""


# ---------------------------------------------------------------------- one run


class ChecklistRun:
    """One run, as stored. Every method writes first and changes itself only on success."""

    def __init__(
        self,
        book: Checklists,
        run_id: int,
        template: ChecklistTemplate,
        status: str,
        started_at: str,
        origin: str,
        switched_from: int | None,
    ) -> None:
        self.book = book
        self.id = run_id
        self.template = template
        self.status = status
        self.started_at = started_at
        self.origin = origin
        self.switched_from = switched_from
        self._values: dict[str, str] = {}
        self._times: dict[str, str] = {}
        self._drug: DrugDose | None = None
        self._separate_em: bool | None = None
        self._billing: Billing | None = None

    # ------------------------------------------------------------------ reading

    @property
    def steps(self) -> tuple[ChecklistStep, ...]:
        return self.template.steps

    def step(self, key: str) -> ChecklistStep:
        for s in self.template.steps:
            if s.key == key:
                return s
        raise ChecklistError(f"The checklist '{self.template.title}' has no step '{key}'.")

    def value(self, key: str) -> str | None:
        """``done``, ``yes``, ``no`` or ``drug`` once the step is done; else None."""
        return self._values.get(key)

    def done_at(self, key: str) -> str | None:
        return self._times.get(key)

    def is_done(self, key: str) -> bool:
        return key in self._values

    @property
    def drug(self) -> DrugDose | None:
        return self._drug

    @property
    def payer(self) -> str | None:
        """ "medicare" or "other" once the payer step is answered."""
        value = self._values.get(PAYER_STEP)
        return value if value in PAYERS else None

    @property
    def vaccines(self) -> tuple[str, ...]:
        """The vaccine product codes chosen on the (first) ``vaccines`` step."""
        for s in self.steps:
            if s.kind == "vaccines" and s.key in self._values:
                return tuple(self._values[s.key].split())
        return ()

    @property
    def separate_em(self) -> bool | None:
        return self._separate_em

    @property
    def billing(self) -> Billing | None:
        """The stored lines to bill, once completed."""
        return self._billing

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.key in self._values)

    def is_required(self, step: ChecklistStep) -> bool:
        """Required always, or for the drug recorded (``required_for``, e.g. Aveed's REMS)."""
        return step.required_with(self._drug.code if self._drug else None)

    @property
    def required_count(self) -> int:
        return sum(1 for s in self.steps if self.is_required(s))

    @property
    def required_done(self) -> int:
        return sum(1 for s in self.steps if self.is_required(s) and s.key in self._values)

    @property
    def progress_text(self) -> str:
        return f"{self.done_count} of {len(self.steps)}"

    def stop_step(self) -> ChecklistStep | None:
        """The first yes/no step answered with its stop answer (this path ends there)."""
        for s in self.steps:
            if s.kind == "yes_no" and s.stop_answer and self._values.get(s.key) == s.stop_answer:
                return s
        return None

    def missing_required(self) -> list[ChecklistStep]:
        return [s for s in self.steps if self.is_required(s) and s.key not in self._values]

    @property
    def can_complete(self) -> bool:
        return (
            self.is_open
            and not self.missing_required()
            and self.stop_step() is None
            and not self.book.billing(self).questions
        )

    def preview_billing(self) -> Billing:
        return self._billing if self._billing is not None else self.book.billing(self)

    # ------------------------------------------------------------------ writing

    def _require_open(self) -> None:
        if not self.is_open:
            raise ChecklistError(
                f"This checklist run is {self.status}; start a new one for the next patient."
            )

    def _write(
        self,
        action: str,
        key: str | None,
        value: str | None,
        *,
        state: str | None = None,
        clear: bool = False,
        run_sets: Iterable[tuple[str, object]] = (),
        at: str | None = None,
    ) -> str:
        """One transaction: the step state, the event and the run's time. Returns the time."""
        at = at or now_iso()
        with self.book.user.transaction() as con:
            if key is not None and state is not None:
                con.execute(
                    "INSERT INTO checklist_steps_done (run_id, step_key, value, at)"
                    " VALUES (?,?,?,?) ON CONFLICT (run_id, step_key)"
                    " DO UPDATE SET value = excluded.value, at = excluded.at",
                    (self.id, key, state, at),
                )
            if key is not None and clear:
                con.execute(
                    "DELETE FROM checklist_steps_done WHERE run_id = ? AND step_key = ?",
                    (self.id, key),
                )
            sets = list(run_sets)
            assign = "".join(f", {column} = ?" for column, _ in sets)
            con.execute(
                f"UPDATE checklist_runs SET updated_at = ?{assign} WHERE id = ?",
                (at, *(v for _, v in sets), self.id),
            )
            con.execute(
                "INSERT INTO checklist_events (run_id, at, action, step_key, value)"
                " VALUES (?,?,?,?,?)",
                (self.id, at, action, key, value),
            )
        return at

    def tick(self, key: str) -> None:
        self._require_open()
        step = self.step(key)
        if step.kind != "tick":
            raise ChecklistError(f"'{step.label}' is answered, not ticked.")
        at = self._write("tick", key, None, state=DONE)
        self._values[key] = DONE
        self._times[key] = at

    def untick(self, key: str) -> None:
        """Clear a step: a tick, an answer, or the drug and dose."""
        self._require_open()
        step = self.step(key)
        sets: list[tuple[str, object]] = []
        if step.kind == "drug_dose":
            sets = [(c, None) for c in _DRUG_COLUMNS]
        self._write("untick", key, None, clear=True, run_sets=sets)
        self._values.pop(key, None)
        self._times.pop(key, None)
        if step.kind == "drug_dose":
            self._drug = None

    def answer(self, key: str, yes: bool) -> ChecklistRun:
        """Answer a yes/no step. Returns the run to continue with.

        The stop answer of a step with ``switch_to`` ends this run (status ``switched``)
        and starts the other template in the same transaction: the returned run is the
        new one. A stop answer without ``switch_to`` keeps the run open but blocks
        completion until the answer is changed.
        """
        self._require_open()
        step = self.step(key)
        if step.kind != "yes_no":
            raise ChecklistError(f"'{step.label}' is ticked, not answered yes or no.")
        answer = YES if yes else NO
        if step.stop_answer == answer and step.switch_to:
            target = self.book.template(step.switch_to)
            at = now_iso()
            with self.book.user.transaction() as con:
                con.execute(
                    "INSERT INTO checklist_steps_done (run_id, step_key, value, at)"
                    " VALUES (?,?,?,?) ON CONFLICT (run_id, step_key)"
                    " DO UPDATE SET value = excluded.value, at = excluded.at",
                    (self.id, key, answer, at),
                )
                con.execute(
                    "INSERT INTO checklist_events (run_id, at, action, step_key, value)"
                    " VALUES (?,?,'answer',?,?)",
                    (self.id, at, key, answer),
                )
                new_id = self.book._insert_run(con, target, self.origin, self.id, at)
                con.execute(
                    "UPDATE checklist_runs SET status = 'switched', updated_at = ? WHERE id = ?",
                    (at, self.id),
                )
                con.execute(
                    "INSERT INTO checklist_events (run_id, at, action, step_key, value)"
                    " VALUES (?,?,'switch',NULL,?)",
                    (self.id, at, target.id),
                )
            self._values[key] = answer
            self._times[key] = at
            self.status = "switched"
            return ChecklistRun(self.book, new_id, target, "open", at, self.origin, self.id)
        at = self._write("answer", key, answer, state=answer)
        self._values[key] = answer
        self._times[key] = at
        return self

    def set_drug(
        self,
        code: str,
        dose: Decimal | str | int | float,
        unit: str,
        *,
        single_dose: bool | None = None,
        discarded: Decimal | str | int | float | None = None,
        key: str | None = None,
    ) -> DrugDose:
        """Record the drug and dose on the (first) ``drug_dose`` step.

        ``single_dose`` defaults to the code's usual container. Raises
        :class:`UnitError` before anything is written if the dose does not convert.
        """
        self._require_open()
        if key is None:
            found = [s for s in self.steps if s.kind == "drug_dose"]
            if not found:
                raise ChecklistError(f"The checklist '{self.template.title}' has no drug step.")
            key = found[0].key
        elif self.step(key).kind != "drug_dose":
            raise ChecklistError(f"'{self.step(key).label}' does not take a drug and dose.")
        drug = self.book.drug_dose(code, dose, unit, single_dose=single_dose, discarded=discarded)
        detail = json.dumps(
            {
                "code": drug.code,
                "dose": format(drug.dose, "f"),
                "unit": drug.unit,
                "units": drug.units,
                "single_dose": drug.single_dose,
                "discarded": None if drug.discarded is None else format(drug.discarded, "f"),
            },
            sort_keys=True,
        )
        at = self._write(
            "drug",
            key,
            detail,
            state=DRUG,
            run_sets=[
                ("drug_code", drug.code),
                ("dose_amount", format(drug.dose, "f")),
                ("dose_unit", drug.unit),
                ("drug_units", drug.units),
                ("single_dose", None if drug.single_dose is None else int(drug.single_dose)),
                (
                    "discarded_amount",
                    None if drug.discarded is None else format(drug.discarded, "f"),
                ),
            ],
        )
        self._values[key] = DRUG
        self._times[key] = at
        self._drug = drug
        return drug

    def choose(self, key: str, value: str) -> None:
        """Answer a ``choice`` step with one of its option values."""
        self._require_open()
        step = self.step(key)
        if step.kind != "choice":
            raise ChecklistError(f"'{step.label}' is not answered by choosing an option.")
        allowed = [v for v, _label in step.options]
        if value not in allowed:
            raise ChecklistError(
                f"'{value}' is not an answer to '{step.label}' (one of: {', '.join(allowed)})."
            )
        at = self._write("choose", key, value, state=value)
        self._values[key] = value
        self._times[key] = at

    def set_vaccines(self, key: str, codes: Iterable[str]) -> tuple[str, ...]:
        """Record the vaccine product codes given on a ``vaccines`` step."""
        self._require_open()
        step = self.step(key)
        if step.kind != "vaccines":
            raise ChecklistError(f"'{step.label}' does not take vaccine products.")
        chosen: list[str] = []
        for code in codes:
            found = self.book.reference.get(code.strip(), "CPT") if code.strip() else None
            if found is None or found.summary.kind != "vaccine":
                raise ChecklistError(f"'{code.strip()[:20]}' is not a vaccine product code.")
            if found.code not in chosen:
                chosen.append(found.code)
        if not chosen:
            raise ChecklistError("Choose at least one vaccine product.")
        value = " ".join(chosen)
        at = self._write("vaccines", key, value, state=value)
        self._values[key] = value
        self._times[key] = at
        return tuple(chosen)

    def set_separate_em(self, performed: bool | None) -> None:
        """Whether a separate, significant E/M service was performed (modifier 25)."""
        self._require_open()
        value = None if performed is None else (YES if performed else NO)
        self._write(
            "separate_em", None, value,
            run_sets=[("separate_em", None if performed is None else int(performed))],
        )  # fmt: skip
        self._separate_em = performed

    def complete(self) -> Billing:
        """Finish the run: compute and store the lines to bill."""
        self._require_open()
        stop = self.stop_step()
        if stop is not None:
            raise ChecklistError(stop.stop_message or f"'{stop.label}' ends this checklist.")
        missing = self.missing_required()
        if missing:
            names = "; ".join(s.label for s in missing)
            raise ChecklistError(f"Required steps not done yet: {names}.")
        billing = self.book.billing(self)
        if billing.questions:
            raise ChecklistError(" ".join(billing.questions))
        at = now_iso()
        with self.book.user.transaction() as con:
            # Checked again inside the writing transaction: another window on the same
            # run may have changed it since this view was read.
            row = con.execute("SELECT status FROM checklist_runs WHERE id = ?", (self.id,))
            status = row.fetchone()
            keys = {s.key for s in self.steps}
            saved = {
                str(k): str(v)
                for k, v in con.execute(
                    "SELECT step_key, value FROM checklist_steps_done WHERE run_id = ?",
                    (self.id,),
                )
                if str(k) in keys
            }
            if status is None or status[0] != "open" or saved != self._values:
                raise ChecklistError(
                    "This checklist was changed in another QuickRef window; it now shows "
                    "what is saved. Check it and complete again."
                )
            con.execute(
                "UPDATE checklist_runs SET updated_at = ?, status = 'completed',"
                " completed_at = ?, billing_json = ? WHERE id = ?",
                (at, at, billing.to_json(), self.id),
            )
            con.execute(
                "INSERT INTO checklist_events (run_id, at, action, step_key, value)"
                " VALUES (?,?,'complete',NULL,?)",
                (self.id, at, "; ".join(line.text for line in billing.lines) or None),
            )
        self.status = "completed"
        self._billing = billing
        return billing

    def abandon(self) -> None:
        """Set this run aside for good (kept in the log, no longer offered for resuming)."""
        self._require_open()
        self._write("abandon", None, None, run_sets=[("status", "abandoned")])
        self.status = "abandoned"

    def next_patient(self) -> ChecklistRun:
        """A fresh run of the checklist this one was opened as (96372 after a vaccine)."""
        if self.is_open:
            raise ChecklistError("Complete or set aside this checklist before the next patient.")
        return self.book.start(self.origin)


_DRUG_COLUMNS = (
    "drug_code",
    "dose_amount",
    "dose_unit",
    "drug_units",
    "single_dose",
    "discarded_amount",
)
