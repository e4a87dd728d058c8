"""The lines of a vaccine visit: the product line(s) and the administration lines.

From the payer, whether the patient is 18 or under and counselled by the physician or other
qualified professional, the route and the products given, with the rules read from
``resources/data/vaccine_admin.toml`` (through :mod:`.rules`), never from constants here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.reference.billing import rules
from desktop.reference.billing.lines import MEDICARE, Billing, BillingLine, line
from desktop.reference.store import CodeRecord, ReferenceDataError, ReferenceStore

__all__ = ["VaccineRules", "bill_vaccines", "vaccine_products", "vaccine_record"]

INJECTION = "injection"
NASAL_ORAL = "nasal_oral"


@dataclass(frozen=True, slots=True)
class VaccineRules:
    medicare: dict[str, str]  # vaccine_group -> HCPCS code
    covid19: str
    counselled_first: str
    counselled_component: str
    max_age: int
    injection_first: str
    injection_further: str
    nasal_first: str
    nasal_further: str
    nasal_routes: frozenset[str]
    part_b_groups: frozenset[str]

    @staticmethod
    def load(store: ReferenceStore) -> VaccineRules:
        d: dict[str, Any] = rules.load(store, "vaccine_admin")
        med = d["medicare"]
        return VaccineRules(
            medicare={g: str(med[g]) for g in ("influenza", "pneumococcal", "hepatitis_b")},
            covid19=str(d["covid19"]["code"]),
            counselled_first=str(d["counselled"]["first"]),
            counselled_component=str(d["counselled"]["each_further_component"]),
            max_age=int(d["counselled"]["max_age"]),
            injection_first=str(d["injection"]["first"]),
            injection_further=str(d["injection"]["each_further"]),
            nasal_first=str(d["nasal_oral"]["first"]),
            nasal_further=str(d["nasal_oral"]["each_further"]),
            nasal_routes=frozenset(str(r) for r in d["nasal_oral"]["routes"]),
            part_b_groups=frozenset(str(g) for g in d["part_b"]["covered_groups"]),
        )

    @property
    def admin_codes(self) -> frozenset[str]:
        """Every immunization administration code the rules name."""
        return frozenset(
            {
                *self.medicare.values(),
                self.covid19,
                self.counselled_first,
                self.counselled_component,
                self.injection_first,
                self.injection_further,
                self.nasal_first,
                self.nasal_further,
            }
        )


def vaccine_record(store: ReferenceStore, code: str) -> CodeRecord | None:
    record = store.get(code, "CPT")
    return record if record is not None and record.summary.kind == "vaccine" else None


def vaccine_products(store: ReferenceStore) -> list[CodeRecord]:
    """Every active vaccine product in the data, by group then code (for a picker)."""
    try:
        rows = store.query(
            "SELECT id FROM codes WHERE kind = 'vaccine' AND status = 'active'"
            " ORDER BY vaccine_group, code"
        )
    except ReferenceDataError:  # a file built before vaccine products had groups
        return []
    return [r for r in (store.record(int(row[0])) for row in rows) if r is not None]


def _route(record: CodeRecord, asked: str | None, rules: VaccineRules) -> str:
    routes = set(record.routes)
    if routes and routes <= rules.nasal_routes:
        return NASAL_ORAL
    if routes and not routes & rules.nasal_routes:
        return INJECTION
    return asked or INJECTION


def bill_vaccines(
    store: ReferenceStore,
    products: list[str] | tuple[str, ...],
    *,
    payer: str | None,
    counselled_18_or_under: bool | None,
    route: str | None = None,
) -> Billing:
    """Product and administration lines for the vaccines given at one visit."""
    rules = VaccineRules.load(store)
    questions: list[str] = []
    reminders: list[str] = []
    if payer is None:
        questions.append("Who pays? Medicare Part B uses G0008/G0009/G0010 for flu, "
                         "pneumococcal and hepatitis B: answer the payer step.")  # fmt: skip
    if counselled_18_or_under is None:
        questions.append(
            f"Is the patient {rules.max_age} or under and counselled face to face by the "
            "physician or other qualified professional? Answer the age step."
        )
    if not products:
        questions.append("Which vaccine(s) were given? Choose the product(s).")
    records: list[CodeRecord] = []
    for code in products:
        record = vaccine_record(store, code)
        if record is None:
            questions.append(f"{code} is not a vaccine product in the reference data.")
        else:
            records.append(record)
    product_lines = [line(store, "CPT", r.code) for r in records]
    admin: list[BillingLine] = []
    standard: list[CodeRecord] = []
    for r in records:
        group = r.vaccine_group or "other"
        if group == "covid19":
            admin.append(line(store, "CPT", rules.covid19, note=f"COVID-19 vaccine {r.code}"))
        elif payer == MEDICARE and group in rules.medicare:
            code = rules.medicare[group]
            admin.append(line(store, "HCPCS", code, note=f"Medicare: {r.code}"))
        else:
            standard.append(r)
            if payer == MEDICARE and group not in rules.part_b_groups:
                reminders.append(
                    f"{r.code}: Medicare Part B pays for this vaccine only after an injury or "
                    "exposure; a routine dose is a Part D benefit (bill the Part D plan)."
                )
    admin += _standard_admin(store, rules, standard, counselled_18_or_under, route, questions)
    reminders.append("Report each vaccine product on its own line. Never 96372 for a vaccine.")
    return Billing(tuple(product_lines + admin), (), tuple(reminders), tuple(questions))


def _standard_admin(
    store: ReferenceStore,
    rules: VaccineRules,
    standard: list[CodeRecord],
    counselled: bool | None,
    route: str | None,
    questions: list[str],
) -> list[BillingLine]:
    """Administration lines for vaccines outside the COVID-19 and Medicare G-code rules:
    90460/90461 per vaccine and component when counselled through 18, else 90471-90474."""
    admin: list[BillingLine] = []
    if standard and counselled:
        extra = 0
        for r in standard:
            if r.components is None:
                questions.append(f"How many components does {r.code} have? (not in the data)")
            else:
                extra += r.components - 1
        admin.append(line(store, "CPT", rules.counselled_first, len(standard),
                          note="Each vaccine, 18 or under, counselled"))  # fmt: skip
        if extra:
            admin.append(line(store, "CPT", rules.counselled_component, extra,
                              note="Each further component"))  # fmt: skip
    elif standard and counselled is False:
        injected = [r for r in standard if _route(r, route, rules) == INJECTION]
        nasal = [r for r in standard if _route(r, route, rules) == NASAL_ORAL]
        if injected:
            admin.append(line(store, "CPT", rules.injection_first, note="First vaccine"))
            if len(injected) > 1:
                admin.append(line(store, "CPT", rules.injection_further, len(injected) - 1,
                                  note="Each further injected vaccine"))  # fmt: skip
            if nasal:
                admin.append(line(store, "CPT", rules.nasal_further, len(nasal),
                                  note="Each vaccine by nose or mouth"))  # fmt: skip
        elif nasal:
            admin.append(
                line(store, "CPT", rules.nasal_first, note="First vaccine by nose or mouth")
            )
            if len(nasal) > 1:
                admin.append(line(store, "CPT", rules.nasal_further, len(nasal) - 1,
                                  note="Each further vaccine by nose or mouth"))  # fmt: skip
    return admin
