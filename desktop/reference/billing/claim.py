"""The claim check: the lines of an injection visit checked before they are billed.

:func:`parse_items` reads lines as typed ("96372", "J1885x4", "J1885*4", "99213-25",
"J1885 x4 JZ", "D51.0"); :func:`check_claim` runs every rule of
``resources/data/claim_rules.toml`` and ``vaccine_admin.toml``, the MUE table and the
imported NCCI PTP edits, and returns findings by severity. One function for the CLI
(``quickref check``) and the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from desktop.reference.billing.claim_antibody_rules import AntibodyChecks
from desktop.reference.billing.claim_base import (
    ERROR,
    INFO,
    SEVERITIES,
    WARNING,
    ClaimResult,
    Finding,
)
from desktop.reference.billing.claim_drug_rules import DrugChecks
from desktop.reference.billing.claim_jzjw_rules import JzJwChecks
from desktop.reference.billing.claim_vaccine_rules import VaccineChecks
from desktop.reference.billing.dose import mue_of
from desktop.reference.billing.items import ClaimError, ClaimLine, parse_items
from desktop.reference.billing.lines import MEDICARE, BillingLine
from desktop.reference.store import ReferenceStore

__all__ = [
    "ClaimError",
    "ClaimLine",
    "ClaimResult",
    "Finding",
    "check_billing",
    "check_claim",
    "parse_items",
]

# ---------------------------------------------------------------------- checking


class _Check(VaccineChecks, DrugChecks, JzJwChecks, AntibodyChecks):
    def run(self) -> list[Finding]:
        for rule in (
            self.exclusive,
            self.status,
            self.diagnosis,
            self.units,
            self.em_and_25,
            self.vaccines,
            self.own_admin,
            self.addons,
            self.once,
            self.hierarchy,
            self.initial_services,
            self.hydration,
            self.antineoplastic,
            self.jz_jw,
            self.pairing,
            self.routes,
            self.mue,
            self.vaccine_units,
            self.ptp,
        ):
            rule()
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.findings, key=lambda f: order[f.severity])

    # ------------------------------------------------------------------ the rules

    def status(self) -> None:
        for x in self.lines:
            r = x.record
            ended = r.summary.status == "deleted" or (r.terminated and r.terminated < self.today)
            if ended:
                instead = [c.code for c in r.xrefs if c.relation == "use_instead"]
                then = f" Use {', '.join(instead)} instead." if instead else ""
                when = f" (ended {r.terminated})" if r.terminated else ""
                self.add(
                    ERROR,
                    "deleted-code",
                    [x.code],
                    f"{x.code} is deleted{when}.{then}",
                    "code_status",
                )
            elif r.effective and r.effective > self.today:
                self.add(
                    ERROR,
                    "not-yet-effective",
                    [x.code],
                    f"{x.code} is not in effect until {r.effective}.",
                    "code_status",
                )

    def diagnosis(self) -> None:
        dx = self.diagnoses
        if not dx:
            hints = ["Z23 for an immunization encounter"] if self.by_kind("vaccine") else []
            hints += [
                f"{r.diagnosis} for {r.name}"
                for r in self.own_admin_rules
                if r.products & self.codes
            ]
            said = f" ({'; '.join(hints)})" if hints else ""
            self.add(
                INFO,
                "no-diagnosis",
                [],
                "No diagnosis on the claim: add the ICD-10-CM code(s) that support the "
                f"services{said}.",
                "diagnosis",
            )
        for x in dx:
            if x.record.summary.billable is False:
                kids = [c.code for c in x.record.children if c.billable][:12]
                more = f" Use a billable code under it: {', '.join(kids)}." if kids else ""
                self.add(
                    ERROR,
                    "non-billable-diagnosis",
                    [x.code, *kids[:12]],
                    f"{x.code} is a header, not a billable diagnosis.{more}",
                    "diagnosis",
                )

    def units(self) -> None:
        for x in self.lines:
            if x.units != x.units.to_integral():
                self.add(
                    ERROR,
                    "non-whole-units",
                    [x.code],
                    f"{x.code} x {x.units}: units are whole numbers; round a drug's units "
                    "up to the next whole billing unit.",
                    "whole_units",
                )

    def em_and_25(self) -> None:
        em_codes = {str(c) for c in self.rules["em"]["codes"]}
        em = [x for x in self.lines if x.code in em_codes]
        admin = [
            x for x in self.lines if x.code in self.drug_admin or x.code in self.vaccine.admin_codes
        ]
        for x in admin:
            if "25" in x.modifiers:
                self.add(
                    ERROR,
                    "25-on-procedure",
                    [x.code],
                    f"Modifier 25 belongs on the E/M code, not on {x.code}.",
                    "em",
                )
        services = [
            x
            for x in self.lines
            if x.system != "ICD-10-CM"
            and x.code not in em_codes
            and x.record.summary.kind not in ("drug", "vaccine")
        ]
        if not services:
            for e in em:
                if "25" in e.modifiers:
                    self.add(
                        WARNING,
                        "25-without-procedure",
                        [e.code],
                        f"{e.code}-25 with no procedure or administration on the claim: "
                        "modifier 25 marks a visit separate from another service the same day; "
                        "drop it if the visit was the only service.",
                        "em",
                    )
        if len({x.code for x in em}) > 1 or sum(x.units for x in em) > 1:
            shown = ", ".join(f"{x.code} x {x.units}" if x.units != 1 else x.code for x in em)
            self.add(
                WARNING,
                "two-em-visits",
                [x.code for x in em],
                f"{shown}: report one office visit a day for the same patient and practitioner, "
                "at the level of the combined visits, unless they were for unrelated problems "
                "that could not be seen in one encounter.",
                "one_em_a_day",
            )
        if not admin:
            return
        inj = [x for x in admin if x.code in self.drug_admin]
        medicare_99211 = str(self.rules["medicare_99211"]["code"])
        for e in em:
            if e.code == medicare_99211 and inj and self.payer == MEDICARE:
                self.add(
                    ERROR,
                    "99211-with-injection",
                    [e.code, *(x.code for x in inj)],
                    f"Medicare does not pay {e.code} with a drug administration code "
                    f"({', '.join(x.code for x in inj)}): report the injection alone.",
                    "medicare_99211",
                )
            elif "25" not in e.modifiers:
                self.add(
                    WARNING,
                    "em-without-25",
                    [e.code, *(x.code for x in admin)],
                    f"{e.code} with {', '.join(x.code for x in admin)} needs modifier 25, "
                    "and only for a significant, separately identifiable visit.",
                    "em",
                )

    def exclusive(self) -> None:
        for rule in self.rules.get("exclusive", []):
            codes = [str(c) for c in rule["codes"]]
            present = [c for c in codes if c in self.codes]
            if len(present) > 1:
                self.findings.append(
                    Finding(
                        WARNING,
                        "exclusive",
                        tuple(present),
                        f"{' and '.join(present)} are not reported together: {rule['why']}",
                        str(rule["source"]),
                    )
                )

    def addons(self) -> None:
        for rule in self.rules.get("addon", []):
            code = str(rule["code"])
            primaries = [str(c) for c in rule["primaries"]]
            if code in self.codes and not self.codes & set(primaries):
                self.findings.append(
                    Finding(
                        ERROR,
                        "addon-without-primary",
                        (code, *primaries),
                        f"{code} is an add-on code: report it with {' or '.join(primaries)}.",
                        str(rule["source"]),
                    )
                )

    def once(self) -> None:
        for rule in self.rules.get("once_per_encounter", []):
            code = str(rule["code"])
            n = self.units_of({code})
            if n > 1:
                self.findings.append(
                    Finding(
                        WARNING,
                        "addon-once",
                        (code,),
                        f"{code} x {n}: it is reported once per encounter, however long it "
                        "runs or however many drugs run beside the first.",
                        str(rule["source"]),
                    )
                )

    def hierarchy(self) -> None:
        h = self.rules["hierarchy"]
        prim = [c for c in h["primary"] if c in self.codes]
        distinct = {str(m) for m in self.rules["initial_services"]["distinct_modifiers"]}
        secondary = {str(c) for c in h["secondary"]}
        # a secondary line marked as a separate service (59, XU...) is what the rule asks for
        sec = list(
            dict.fromkeys(
                x.code
                for x in self.lines
                if x.code in secondary and not distinct & set(x.modifiers)
            )
        )
        if prim and sec:
            self.add(
                WARNING,
                "injection-hierarchy",
                [*prim, *sec],
                f"{prim[0]} is the primary (initial) service of the day; report "
                f"{', '.join(sec)} as well only for a separate injection, with the "
                "modifier the payer's edits require (59 or XU).",
                "hierarchy",
            )
        for c in self.rules["facility_only"]["codes"]:
            if c in self.codes:
                self.add(
                    WARNING,
                    "facility-only",
                    [c],
                    f"{c} is reported by facilities only, not from a physician office.",
                    "facility_only",
                )

    def pairing(self) -> None:
        """A drug line and its administration go together (info: the biller decides)."""
        drugs = [x.code for x in self.drugs]
        admin = [x.code for x in self.lines if x.code in self.drug_admin]
        # Products with administration codes of their own have their own rule (own_admin).
        own = {c for r in self.own_admin_rules for c in r.products}
        bare = [c for c in drugs if c not in own]
        # A joint or trigger point injection gives the drug too (no "admin without drug":
        # an aspiration gives none).
        site = self.site_injection & self.codes
        if bare and not admin and not site:
            self.add(
                INFO,
                "drug-without-admin",
                bare,
                f"{', '.join(dict.fromkeys(bare))} without an administration code: add "
                "the injection or infusion code (for example 96372) if it was given here.",
                "drug_admin",
            )
        if admin and not drugs and not self.by_kind("vaccine"):
            self.add(
                INFO,
                "admin-without-drug",
                admin,
                f"{', '.join(dict.fromkeys(admin))} without a drug line: add the drug's "
                "HCPCS code and units (unless the drug was not supplied by the office).",
                "drug_admin",
            )

    def routes(self) -> None:
        admin = [x for x in self.lines if x.code in self.drug_admin]
        drugs = [x for x in self.lines if x.record.billing_unit is not None and x.record.routes]
        for d in drugs:
            if admin and not any(
                set(self.drug_admin[a.code]) & set(d.record.routes) for a in admin
            ):
                means = sorted({r for a in admin for r in self.drug_admin[a.code]})
                self.add(
                    ERROR,
                    "route",
                    [d.code, *(a.code for a in admin)],
                    f"{d.code} is given {'/'.join(d.record.routes)} per its data; "
                    f"{', '.join(a.code for a in admin)} is a {'/'.join(means)} "
                    "administration.",
                    "drug_admin",
                )

    def mue(self) -> None:
        texts = {str(k): str(v) for k, v in self.rules["mue"]["indicators"].items()}
        totals: dict[str, Decimal] = {}
        for x in self.lines:
            totals[x.code] = totals.get(x.code, Decimal(0)) + x.units
        seen: set[str] = set()
        for x in self.lines:
            m = mue_of(self.store, x.code)
            if m is None or x.code in seen:
                continue
            limit, indicator = m.units, m.indicator
            units = x.units if indicator == 1 else totals[x.code]
            if units > limit:
                seen.add(x.code)
                why = texts.get(str(indicator)) or m.indicator_text
                self.add(
                    ERROR,
                    "mue",
                    [x.code],
                    f"{x.code}: {units} units is above the MUE of "
                    f"{limit} (indicator {indicator}: {why}).",
                    "mue",
                )

    def ptp(self) -> None:
        procs = sorted({x.code for x in self.lines if x.system != "ICD-10-CM"})
        bypass = {str(m) for m in self.rules["ptp"]["bypass_modifiers"]}
        mods = {x.code: set(x.modifiers) for x in self.lines}
        for c1, c2, eff, deleted, indicator, why in self.store.ptp_edits(procs):
            if (eff and eff > self.today) or (deleted and deleted <= self.today) or indicator == 9:
                continue
            reason = f" ({why})" if why else ""
            if indicator == 0:
                self.add(
                    ERROR,
                    "ptp",
                    [c1, c2],
                    f"NCCI: {c2} is never paid with {c1} on the same day{reason}.",
                    "ptp",
                )
            elif not (mods.get(c2, set()) | mods.get(c1, set())) & bypass:
                self.add(
                    WARNING,
                    "ptp",
                    [c1, c2],
                    f"NCCI: {c2} with {c1} is paid only with a "
                    f"modifier that shows a separate service (for example 59 or XU){reason}.",
                    "ptp",
                )


def check_claim(
    store: ReferenceStore,
    items: list[str] | tuple[str, ...] | str,
    *,
    payer: str = "other",
    today: dt.date | None = None,
) -> ClaimResult:
    """Check the claim lines ``items`` for ``payer`` ("medicare" or "other")."""
    if payer not in ("medicare", "other"):
        raise ClaimError(f"Unknown payer '{payer[:20]}': use medicare or other.")
    lines = parse_items(store, items)
    findings = _Check(store, lines, payer, today or dt.date.today()).run()
    return ClaimResult(payer, tuple(lines), tuple(findings))


def check_billing(
    store: ReferenceStore,
    lines: Iterable[BillingLine],
    *,
    payer: str | None,
    today: dt.date | None = None,
) -> ClaimResult:
    """The claim check on lines the billing module made (the checklist's completion)."""
    items = [f"{x.code}x{x.units}" + "".join(f"-{m}" for m in x.modifiers) for x in lines]
    if not items:
        return ClaimResult(payer or "other", (), ())
    return check_claim(store, items, payer=payer or "other", today=today)
