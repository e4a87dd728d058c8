"""What every claim rule shares: the findings, the result and the claim as the rules see it.

:mod:`.claim` runs the rules; :mod:`.claim_vaccine_rules` and :mod:`.claim_drug_rules` hold
the vaccine and the drug administration rules, each a mixin on :class:`CheckBase`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop.reference.billing import rules
from desktop.reference.billing.items import ClaimLine
from desktop.reference.billing.vaccines import VaccineRules
from desktop.reference.store import ReferenceStore

__all__ = ["ERROR", "INFO", "SEVERITIES", "WARNING", "CheckBase", "ClaimResult", "Finding"]

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str
    rule: str
    codes: tuple[str, ...]
    message: str
    source: str

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "codes": list(self.codes),
            "message": self.message,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class ClaimResult:
    payer: str
    lines: tuple[ClaimLine, ...]
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "payer": self.payer,
            "lines": [x.as_dict() for x in self.lines],
            "findings": [f.as_dict() for f in self.findings],
        }


class CheckBase:
    """One claim being checked: its lines, the rules, and the findings so far."""

    def __init__(
        self, store: ReferenceStore, lines: list[ClaimLine], payer: str, today: dt.date
    ) -> None:
        self.store = store
        self.lines = lines
        self.payer = payer
        self.today = today.isoformat()
        self.rules: dict[str, Any] = rules.load(store, "claim_rules")
        self.vaccine_data: dict[str, Any] = rules.load(store, "vaccine_admin")
        self.vaccine = VaccineRules.load(store)
        self.findings: list[Finding] = []
        self.codes = {x.code for x in lines}
        self.drug_admin: dict[str, list[str]] = {
            str(k): [str(r) for r in v] for k, v in self.rules["drug_admin"]["routes"].items()
        }
        # Joint, bursa and trigger point injections: they give the drug, by no listed route.
        self.site_injection: frozenset[str] = frozenset(
            str(c) for c in self.rules.get("site_injection", {}).get("codes", ())
        )

    def add(
        self,
        severity: str,
        rule: str,
        codes: list[str] | tuple[str, ...],
        message: str,
        source_key: str,
        *,
        data: dict[str, Any] | None = None,
    ) -> None:
        """A finding whose source is the ``source`` of table ``source_key`` of the rules."""
        table = (data if data is not None else self.rules).get(source_key, {})
        source = str(table.get("source", source_key))
        self.findings.append(Finding(severity, rule, tuple(dict.fromkeys(codes)), message, source))

    @property
    def generic_admin(self) -> set[str]:
        """The immunization administration codes of any vaccine (90460/90461, 90471-90474),
        as vaccine_admin.toml names them: not the Medicare G-codes or 90480."""
        v = self.vaccine
        return {
            v.injection_first,
            v.injection_further,
            v.counselled_first,
            v.counselled_component,
            v.nasal_first,
            v.nasal_further,
        }

    def fired(self, rule: str, code: str) -> bool:
        return any(f.rule == rule and code in f.codes for f in self.findings)

    def by_kind(self, kind: str) -> list[ClaimLine]:
        return [x for x in self.lines if x.record.summary.kind == kind]

    @property
    def diagnoses(self) -> list[ClaimLine]:
        return [x for x in self.lines if x.system == "ICD-10-CM"]

    @property
    def drugs(self) -> list[ClaimLine]:
        return [x for x in self.lines if x.record.billing_unit is not None]

    def units_of(self, codes: set[str] | frozenset[str]) -> int:
        return sum(int(x.units) for x in self.lines if x.code in codes)
