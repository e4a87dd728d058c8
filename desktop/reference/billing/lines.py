"""The lines to bill for an injection visit, from plain inputs.

Inputs are what the person answered: the administration code, the drug and dose (with
the discarded amount), the payer and whether a separate E/M visit took place. Output is a
:class:`Billing`: definite ``lines``, ``reminders``, and ``questions`` still to answer
before the lines can be trusted (completion waits for them).

JZ and JW (CMS "Discarded Drugs and Biologicals" policy, source ``cms-jw-jz``) apply to
separately payable Medicare Part B drugs from single-dose containers: JZ when nothing was
discarded, a JW line for the discarded amount. Other payers get no JZ/JW unless the
clinic says its payer requires them. An unanswered discarded amount is asked for, never
taken as "nothing discarded".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from desktop.reference.billing.dose import DrugDose
from desktop.reference.store import ReferenceStore
from desktop.reference.units import billing_units

__all__ = [
    "EM_OFFICE_CODES",
    "MEDICARE",
    "OTHER",
    "PAYERS",
    "Billing",
    "BillingLine",
    "bill_injection",
    "line",
]

MEDICARE = "medicare"
OTHER = "other"
PAYERS = (MEDICARE, OTHER)
# Office E/M codes the modifier-25 reminder names (the records may or may not be in the data).
EM_OFFICE_CODES = ("99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215")


@dataclass(frozen=True, slots=True)
class BillingLine:
    system: str
    code: str
    units: int
    modifiers: tuple[str, ...]
    title: str
    note: str = ""

    @property
    def text(self) -> str:
        """What to copy into the billing system: ``J3420 x 1 JZ``."""
        mods = (" " + " ".join(self.modifiers)) if self.modifiers else ""
        return f"{self.code} x {self.units}{mods}"

    def as_dict(self) -> dict[str, object]:
        return {
            "system": self.system,
            "code": self.code,
            "units": self.units,
            "modifiers": list(self.modifiers),
            "title": self.title,
            "note": self.note,
        }

    @staticmethod
    def from_dict(d: dict[str, object]) -> BillingLine:
        mods = d.get("modifiers", [])
        return BillingLine(
            system=str(d["system"]),
            code=str(d["code"]),
            units=int(str(d["units"])),
            modifiers=tuple(str(m) for m in mods) if isinstance(mods, list) else (),
            title=str(d.get("title", "")),
            note=str(d.get("note", "")),
        )


@dataclass(frozen=True, slots=True)
class Billing:
    """What to report: definite ``lines``, ``choices`` to pick from, ``reminders``, and
    ``questions`` that must be answered before the lines are complete."""

    lines: tuple[BillingLine, ...]
    choices: tuple[BillingLine, ...] = ()
    reminders: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "lines": [x.as_dict() for x in self.lines],
                "choices": [x.as_dict() for x in self.choices],
                "reminders": list(self.reminders),
                "questions": list(self.questions),
            },
            sort_keys=True,
        )

    @staticmethod
    def from_json(text: str) -> Billing:
        d = json.loads(text)
        return Billing(
            lines=tuple(BillingLine.from_dict(x) for x in d.get("lines", [])),
            choices=tuple(BillingLine.from_dict(x) for x in d.get("choices", [])),
            reminders=tuple(str(r) for r in d.get("reminders", [])),
            questions=tuple(str(q) for q in d.get("questions", [])),
        )

    @property
    def text(self) -> str:
        """The lines and reminders that apply, as plain text (for "Copy all")."""
        out = [x.text for x in self.lines]
        if self.choices:
            out.append("Choose what applies:")
            out.extend(f"  {c.text}  ({c.note})" for c in self.choices)
        out.extend(self.questions)
        out.extend(self.reminders)
        return "\n".join(out)


def line(store: ReferenceStore, system: str, code: str, units: int = 1,
         mods: tuple[str, ...] = (), note: str = "") -> BillingLine:  # fmt: skip
    record = store.get(code, system)
    return BillingLine(system, code, units, mods, record.title if record else "", note)


def _drug_lines(
    store: ReferenceStore, drug: DrugDose, payer: str | None, payer_requires_jz_jw: bool
) -> tuple[list[BillingLine], list[str], list[str]]:
    """(lines, reminders, questions) for the drug."""
    record = store.get(drug.code, "HCPCS")
    title = record.title if record else drug.title
    plain = BillingLine("HCPCS", drug.code, drug.units, (), title)
    if drug.single_dose is False:
        return [plain], ["Multi-dose container: no JZ or JW modifier on the drug line."], []
    if drug.single_dose is None and payer == MEDICARE:
        return (
            [plain],
            [],
            [
                f"Was {drug.code} from a single-dose or a multi-dose container? Medicare needs "
                "JZ or JW on a single-dose container's drug line: record the container."
            ],
        )
    if drug.single_dose is None:
        return [plain], [], []
    if payer is None:
        return (
            [plain],
            [],
            ["Who pays? JZ and JW apply to Medicare Part B drugs: answer the payer step."],
        )
    if payer != MEDICARE and not payer_requires_jz_jw:
        return (
            [plain],
            [
                "Not Medicare: no JZ or JW on the drug line. JZ/JW are Medicare Part B "
                "modifiers; add them only if this payer's policy requires them."
            ],
            [],
        )
    if drug.discarded is None:
        return (
            [plain],
            [],
            [
                f"Single-dose container of {drug.code}: enter the amount discarded "
                "(0 if nothing was discarded). Medicare needs JZ when nothing was discarded "
                "and a JW line for what was."
            ],
        )
    if drug.discarded == 0:
        return [BillingLine("HCPCS", drug.code, drug.units, ("JZ",), title,
                            "Single-dose container, nothing discarded")], [], []  # fmt: skip
    assert record is not None and record.billing_unit is not None
    total = billing_units(record.billing_unit, drug.dose + drug.discarded, drug.unit)
    waste_units = total - drug.units
    amount = f"{format(drug.discarded, 'f')} {drug.unit}"
    if waste_units > 0:
        return (
            [
                BillingLine("HCPCS", drug.code, drug.units, (), title, "Amount given"),
                BillingLine("HCPCS", drug.code, waste_units, ("JW",), title,
                            f"Amount discarded ({amount}): record it in the chart"),
            ],
            [],
            [],
        )  # fmt: skip
    return (
        [
            BillingLine("HCPCS", drug.code, drug.units, ("JZ",), title,
                        f"The discarded {amount} is within the units already billed "
                        "(rounded up), so there is no JW line"),
        ],
        [],
        [],
    )  # fmt: skip


def em_reminder(admin_code: str, separate_em: bool | None, payer: str | None) -> str:
    codes = f"{EM_OFFICE_CODES[0]}-{EM_OFFICE_CODES[3]} or 99211-99215"
    if separate_em is True:
        text = (
            "A separate, significant E/M visit took place: add modifier 25 to the office "
            f"E/M code ({codes}, for example 99213), not to {admin_code}."
        )
        if payer != OTHER:
            text += f" For Medicare, do not report 99211 with {admin_code}."
        return text
    return (
        "Only if a separate, significant E/M visit took place: report the office E/M code "
        f"({codes}) with modifier 25 on the E/M code."
    )


def bill_injection(
    store: ReferenceStore,
    admin_system: str,
    admin_code: str,
    drug: DrugDose | None,
    *,
    payer: str | None,
    separate_em: bool | None,
    payer_requires_jz_jw: bool = False,
) -> Billing:
    """The administration line, the drug line(s) and the reminders for one injection."""
    lines = [line(store, admin_system, admin_code)]
    reminders: list[str] = []
    questions: list[str] = []
    if drug is not None:
        dl, dr, dq = _drug_lines(store, drug, payer, payer_requires_jz_jw)
        lines += dl
        reminders += dr
        questions += dq
        reminders += drug.warnings
    if separate_em is not False:
        reminders.append(em_reminder(admin_code, separate_em, payer))
    return Billing(tuple(lines), (), tuple(reminders), tuple(questions))
