"""The claim check's rules for drugs with administration codes of their own.

The RSV monoclonal antibodies (``[[own_admin]]`` in ``claim_rules.toml``) are drugs, not
vaccines: nirsevimab (90380, 90381) is given with 96380 or 96381, palivizumab (90378) with
96372; neither with the vaccine administration codes (90460-90474), and the diagnosis is
Z29.11, not Z23. 96380/96381 administer nirsevimab only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from desktop.reference.billing.claim_base import ERROR, INFO, WARNING, CheckBase

__all__ = ["AntibodyChecks", "OwnAdmin"]


@dataclass(frozen=True, slots=True)
class OwnAdmin:
    source: str
    name: str
    products: frozenset[str]
    admin: tuple[str, ...]
    reserved: bool
    note: str
    diagnosis: str
    instead_note: str

    @classmethod
    def of(cls, rule: dict[str, Any]) -> OwnAdmin:
        return cls(
            str(rule["source"]),
            str(rule["name"]),
            frozenset(str(c) for c in rule["products"]),
            tuple(str(c) for c in rule["admin"]),
            bool(rule["reserved"]),
            str(rule["note"]),
            str(rule["diagnosis"]),
            str(rule.get("instead_note", "")),
        )

    @property
    def table(self) -> dict[str, Any]:
        """What :meth:`CheckBase.add` reads a finding's source from."""
        return {"own_admin": {"source": self.source}}


class AntibodyChecks(CheckBase):
    """Products with their own administration codes (a mixin of the check)."""

    @cached_property
    def own_admin_rules(self) -> list[OwnAdmin]:
        """The [[own_admin]] rules, read once a claim (three rules ask)."""
        return [OwnAdmin.of(r) for r in self.rules.get("own_admin", [])]

    def own_admin(self) -> None:
        rules = self.own_admin_rules
        self._reserved_admin(rules)
        vaccines = self.by_kind("vaccine")
        dx = {x.code for x in self.diagnoses}
        for r in rules:
            given = sorted(r.products & self.codes)
            if not given:
                continue
            what = f"{', '.join(given)} ({r.name})"
            shots = sorted(self.generic_admin & self.codes)
            told = False  # a finding here already names the administration to use
            if shots and not vaccines:
                told = True
                self.add(
                    ERROR,
                    "antibody-vaccine-admin",
                    [*shots, *given],
                    f"{what} is an antibody, not a vaccine: {', '.join(shots)} "
                    f"{'is' if len(shots) == 1 else 'are'} for vaccines and toxoids only. "
                    f"Its shot is {r.note}.",
                    "own_admin",
                    data=r.table,
                )
            told = told or any(self.fired("antibody-admin-without-product", c) for c in given)
            if not told and not any(c in self.codes for c in r.admin):
                instead = [c for c in ("96372",) if c in self.codes and c not in r.admin]
                why = f" ({r.instead_note})" if instead and r.instead_note else ""
                self.add(
                    WARNING,
                    "antibody-admin",
                    [*given, *instead, *r.admin],
                    f"{what}: the administration is {r.note}"
                    + (f", not {', '.join(instead)}{why}" if instead else "")
                    + ".",
                    "own_admin",
                    data=r.table,
                )
            if dx and r.diagnosis not in dx and "Z23" in dx and not vaccines:
                self.add(
                    WARNING,
                    "antibody-diagnosis",
                    ["Z23", r.diagnosis, *given],
                    f"{what}: the encounter is {r.diagnosis} (prophylactic immunotherapy), "
                    "not Z23, which is for vaccines.",
                    "own_admin",
                    data=r.table,
                )

    def _reserved_admin(self, rules: list[OwnAdmin]) -> None:
        """96380/96381 with no product they administer (another antibody: an error)."""
        for r in rules:
            used = [c for c in r.admin if c in self.codes]
            if not r.reserved or not used or r.products & self.codes:
                continue
            others = [o for o in rules if o is not r and o.products & self.codes]
            verb = "is" if len(used) == 1 else "are"
            if others:
                said = "; ".join(
                    f"{', '.join(sorted(o.products & self.codes))} ({o.name}) is given with "
                    f"{o.note}"
                    for o in others
                )
                codes = sorted({c for o in others for c in o.products & self.codes})
                self.add(
                    ERROR,
                    "antibody-admin-without-product",
                    [*used, *codes],
                    f"{', '.join(used)} {verb} for {r.name} only; {said}.",
                    "own_admin",
                    data=r.table,
                )
            else:
                self.add(
                    INFO,
                    "antibody-admin-without-product",
                    [*used, *sorted(r.products)],
                    f"{', '.join(used)} {verb} for {r.name} only: add the product line "
                    f"({', '.join(sorted(r.products))}).",
                    "own_admin",
                    data=r.table,
                )
