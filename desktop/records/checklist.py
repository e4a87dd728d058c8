"""Checklist runs: start, tick, untick, answer, drug and dose, resume, complete.

A run is one pass through a checklist template (from the reference database) for one
patient. Every change is written at once, in its own transaction, with its time: the
step's current state in ``checklist_steps_done`` and an entry in the append-only
``checklist_events`` log. The in-memory run changes only after the write succeeded, so
what the screen shows is what is on disk, and a crash or a killed process loses nothing
(:meth:`Checklists.unfinished` finds the run again on the next start).

Nothing here identifies a patient: a run has a template, times, steps, a drug and a
dose, and the lines to bill. There is no field for a name, a date of birth or a chart
number.

Billing lines are computed from the reference store on completion and kept with the
run, so the history shows what was reported even after the reference data changes.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from desktop.records.checklist_run import (
    AGE_STEP,
    COUNSELLED,
    PAYER_STEP,
    ROUTE_STEP,
    ChecklistError,
    ChecklistRun,
)
from desktop.records.store import UserDataError, UserStore, now_iso
from desktop.reference.billing import dose as billing_dose
from desktop.reference.billing.amounts import UnitError
from desktop.reference.billing.claim import ClaimResult, check_billing
from desktop.reference.billing.dose import DrugDose
from desktop.reference.billing.lines import Billing, BillingLine, bill_injection
from desktop.reference.billing.vaccines import bill_vaccines
from desktop.reference.store import ChecklistTemplate, ReferenceStore

__all__ = [
    "Billing",
    "BillingLine",
    "ChecklistError",
    "ChecklistRun",
    "Checklists",
    "DrugDose",
    "UnitError",
    "UserDataError",
]

# ---------------------------------------------------------------------- the service


class Checklists:
    """Checklist runs kept in the user's database, templates read from the reference."""

    def __init__(self, user: UserStore, reference: ReferenceStore) -> None:
        self.user = user
        self.reference = reference

    # ------------------------------------------------------------------ templates

    def template(self, template_id: str) -> ChecklistTemplate:
        template = self.reference.checklist_template(template_id)
        if template is None:
            raise ChecklistError(
                f"The checklist '{template_id}' is not in the reference data. "
                "Update or rebuild the reference database."
            )
        return template

    # ------------------------------------------------------------------ runs

    def start(self, template_id: str, *, origin: str | None = None) -> ChecklistRun:
        """A new run of ``template_id``, written at once."""
        template = self.template(template_id)
        at = now_iso()
        with self.user.transaction() as con:
            run_id = self._insert_run(con, template, origin or template.id, None, at)
        return ChecklistRun(self, run_id, template, "open", at, origin or template.id, None)

    def _insert_run(
        self,
        con: sqlite3.Connection,
        template: ChecklistTemplate,
        origin: str,
        switched_from: int | None,
        at: str,
    ) -> int:
        cur = con.execute(
            "INSERT INTO checklist_runs (template_id, template_title, code_system, code,"
            " origin_template, switched_from, status, started_at, updated_at)"
            " VALUES (?,?,?,?,?,?,'open',?,?)",
            (template.id, template.title, template.system, template.code, origin, switched_from,
             at, at),
        )  # fmt: skip
        run_id = int(cur.lastrowid or 0)
        value = None if switched_from is None else f"switched from run {switched_from}"
        con.execute(
            "INSERT INTO checklist_events (run_id, at, action, step_key, value)"
            " VALUES (?,?,'start',NULL,?)",
            (run_id, at, value),
        )
        return run_id

    def unfinished(self) -> ChecklistRun | None:
        """The most recently changed open run, to offer for resuming, or None."""
        # A run with progress first: an empty run (a stray start) never hides one.
        rows = self.user.rows(
            "SELECT id FROM checklist_runs r WHERE status = 'open' ORDER BY"
            " EXISTS (SELECT 1 FROM checklist_steps_done d WHERE d.run_id = r.id) DESC,"
            " updated_at DESC, id DESC LIMIT 1"
        )
        return self.load(int(str(rows[0][0]))) if rows else None

    def unfinished_count(self) -> int:
        rows = self.user.rows("SELECT count(*) FROM checklist_runs WHERE status = 'open'")
        return int(str(rows[0][0]))

    def load(self, run_id: int) -> ChecklistRun:
        rows = self.user.rows(
            "SELECT template_id, status, started_at, origin_template, switched_from, drug_code,"
            " dose_amount, dose_unit, drug_units, single_dose, discarded_amount, separate_em,"
            " billing_json FROM checklist_runs WHERE id = ?",
            (run_id,),
        )
        if not rows:
            raise ChecklistError(f"There is no checklist run {run_id}.")
        (
            template_id,
            status,
            started_at,
            origin,
            switched_from,
            drug_code,
            dose_amount,
            dose_unit,
            drug_units,
            single_dose,
            discarded,
            separate_em,
            billing_json,
        ) = rows[0]
        template = self.template(str(template_id))
        run = ChecklistRun(
            self,
            run_id,
            template,
            str(status),
            str(started_at),
            str(origin),
            None if switched_from is None else int(str(switched_from)),
        )
        keys = {s.key for s in template.steps}
        for key, value, at in self.user.rows(
            "SELECT step_key, value, at FROM checklist_steps_done WHERE run_id = ?", (run_id,)
        ):
            if str(key) in keys:
                run._values[str(key)] = str(value)
                run._times[str(key)] = str(at)
        if drug_code is not None:
            record = self.reference.get(str(drug_code), "HCPCS")
            run._drug = DrugDose(
                code=str(drug_code),
                title=record.title if record else "",
                dose=Decimal(str(dose_amount)),
                unit=str(dose_unit),
                billing_unit=str(record.billing_unit) if record and record.billing_unit else "",
                units=int(str(drug_units)),
                single_dose=None if single_dose is None else bool(single_dose),
                discarded=None if discarded is None else Decimal(str(discarded)),
            )
        run._separate_em = None if separate_em is None else bool(separate_em)
        run._billing = None if billing_json is None else Billing.from_json(str(billing_json))
        return run

    def events(self, run_id: int) -> list[tuple[str, str, str | None, str | None]]:
        """The run's log: (time, action, step key, value), oldest first."""
        return [
            (str(at), str(action), None if key is None else str(key), None if v is None else str(v))
            for at, action, key, v in self.user.rows(
                "SELECT at, action, step_key, value FROM checklist_events WHERE run_id = ?"
                " ORDER BY id",
                (run_id,),
            )
        ]

    # ------------------------------------------------------------------ billing

    def drug_dose(
        self,
        code: str,
        dose: Decimal | str | int | float,
        unit: str | None = None,
        *,
        single_dose: bool | None = None,
        discarded: Decimal | str | int | float | None = None,
    ) -> DrugDose:
        """Check a drug and dose (see :func:`desktop.reference.billing.dose.drug_dose`)."""
        return billing_dose.drug_dose(
            self.reference, code, dose, unit, single_dose=single_dose, discarded=discarded
        )

    def check(self, run: ChecklistRun) -> ClaimResult:
        """The claim check on the run's lines (stored ones once completed)."""
        billing = run.preview_billing()
        return check_billing(self.reference, billing.lines, payer=run.payer)

    def billing(self, run: ChecklistRun) -> Billing:
        """The lines to bill for ``run`` as it stands (computed by the billing module)."""
        payer = run.payer
        if any(s.kind == "vaccines" for s in run.steps):
            age = run.value(AGE_STEP)
            return bill_vaccines(
                self.reference,
                run.vaccines,
                payer=payer,
                counselled_18_or_under=None if age is None else age == COUNSELLED,
                route=run.value(ROUTE_STEP),
            )
        return bill_injection(
            self.reference,
            run.template.system,
            run.template.code,
            run.drug,
            payer=payer if any(s.key == PAYER_STEP for s in run.steps) else None,
            separate_em=run.separate_em,
        )
