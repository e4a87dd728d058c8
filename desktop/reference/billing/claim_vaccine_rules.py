"""The claim check's vaccine rules: each product with the administration code that fits it.

A vaccine product takes one administration code by its group and the payer (from
``vaccine_admin.toml``): 90480 for any COVID-19 vaccine; for Medicare, G0008/G0009/G0010 for
flu, pneumococcal and hepatitis B; otherwise 90471-90474 or 90460/90461. Both directions are
checked: a product without an administration code that fits it, and an administration code
without a product it administers; then the units on each side.
"""

from __future__ import annotations

from desktop.reference.billing.claim_base import ERROR, INFO, WARNING, CheckBase
from desktop.reference.billing.items import ClaimLine
from desktop.reference.billing.lines import MEDICARE

__all__ = ["VaccineChecks"]

_GROUP_NAMES = {
    "influenza": "an influenza",
    "pneumococcal": "a pneumococcal",
    "hepatitis_b": "a hepatitis B",
    "covid19": "a COVID-19",
}


def _codes(lines: list[ClaimLine]) -> list[str]:
    return list(dict.fromkeys(x.code for x in lines))


class VaccineChecks(CheckBase):
    """Vaccine products and immunization administration codes (a mixin of the check)."""

    def vaccines(self) -> None:
        products = self.by_kind("vaccine")
        v = self.vaccine
        self._z23(products)
        if not products:
            self._admin_without_product()
            return
        drug_admin = [x.code for x in self.lines if x.code in self.drug_admin]
        if not self.codes & v.admin_codes:
            if drug_admin and not self.drugs:  # with a drug line, 96372 is the drug's
                self.add(
                    ERROR,
                    "vaccine-with-drug-admin",
                    [*drug_admin, *(p.code for p in products)],
                    f"A vaccine is never administered with {', '.join(drug_admin)}: report "
                    "the immunization administration code instead (90471/90472, "
                    "90460/90461, 90473/90474, 90480 or G0008-G0010).",
                    "vaccine_lines",
                )
            else:
                self.add(
                    ERROR,
                    "vaccine-without-admin",
                    [p.code for p in products],
                    "Vaccine product(s) without an immunization administration code: add "
                    "90471/90472, 90460/90461, 90473/90474, 90480 or G0008-G0010.",
                    "vaccine_lines",
                )
            return
        if drug_admin and not self.drugs:
            self.add(
                WARNING,
                "vaccine-with-drug-admin",
                [*drug_admin, *(p.code for p in products)],
                f"{', '.join(drug_admin)} with a vaccine but no drug line: drug "
                "administration codes are never used for a vaccine.",
                "vaccine_lines",
            )
        covid = [p for p in products if p.record.vaccine_group == "covid19"]
        covid_units = sum(int(p.units) for p in covid)
        given = self.units_of({v.covid19})
        if covid and given < covid_units:
            self.add(
                ERROR,
                "covid-admin",
                [p.code for p in covid],
                f"A COVID-19 vaccine is administered with {v.covid19}, one per vaccine, for "
                "every payer and age.",
                "vaccine_lines",
            )
        elif covid and given > covid_units:
            self.add(
                WARNING,
                "vaccine-admin-count",
                [v.covid19, *(p.code for p in covid)],
                f"{given} unit(s) of {v.covid19} for {covid_units} COVID-19 vaccine(s): one "
                "administration per vaccine.",
                "vaccine_lines",
            )
        standard, by_g = self._sort_products(products)
        if standard and not self.generic_admin & self.codes:
            used = sorted(self.codes & v.admin_codes)
            self.add(
                ERROR,
                "vaccine-without-admin",
                [*_codes(standard), *used],
                f"{', '.join(_codes(standard))} has no administration code that fits it "
                f"({', '.join(used)} administer other vaccines): add {v.injection_first} "
                f"({v.injection_further} for each further one), {v.counselled_first}/"
                f"{v.counselled_component} through age {v.max_age} with counselling, or "
                f"{v.nasal_first}/{v.nasal_further} by nose or mouth.",
                "vaccine_lines",
            )
        self._admin_without_product(products, standard)
        self._vaccine_counts(standard)
        self._admin_route(standard)
        self._part_d(products)
        for g, served in by_g.items():
            n, billed = sum(int(p.units) for p in served), self.units_of({g})
            if served and billed != n:
                self.add(
                    WARNING,
                    "vaccine-admin-count",
                    [g, *_codes(served)],
                    f"{billed} unit(s) of {g} for {n} vaccine(s) it administers "
                    f"({', '.join(_codes(served))}): one {g} per vaccine.",
                    "vaccine_lines",
                )

    def _sort_products(
        self, products: list[ClaimLine]
    ) -> tuple[list[ClaimLine], dict[str, list[ClaimLine]]]:
        """The products the standard codes administer, and those each G-code administers.
        Medicare flu, pneumococcal and hepatitis B products without their G-code get a
        finding; another payer's product may take the G-code when the claim has it."""
        v = self.vaccine
        standard: list[ClaimLine] = []
        by_g: dict[str, list[ClaimLine]] = {}
        for p in products:
            group = p.record.vaccine_group or "other"
            g = v.medicare.get(group)
            if group == "covid19":
                continue
            if g is not None and g in self.codes:
                by_g.setdefault(g, []).append(p)
            elif g is not None and self.payer == MEDICARE:
                used = sorted(self.generic_admin & self.codes)
                instead = f" instead of {', '.join(used)}" if used else ""
                self.add(
                    ERROR,
                    "medicare-vaccine-admin",
                    [p.code, g, *used],
                    f"Medicare: the administration of {p.code} is {g}{instead}.",
                    "vaccine_lines",
                )
            else:
                standard.append(p)
        return standard, by_g

    def _admin_without_product(
        self, products: list[ClaimLine] | None = None, standard: list[ClaimLine] | None = None
    ) -> None:
        """An administration code with no product on the claim that it administers."""
        v = self.vaccine
        products = products or []
        groups = {p.record.vaccine_group or "other" for p in products}
        others = f" ({', '.join(_codes(products))}: another code)" if products else ""
        specific = {**{g: c for g, c in v.medicare.items()}, "covid19": v.covid19}
        for group, code in specific.items():
            if code in self.codes and group not in groups:
                self.add(
                    ERROR,
                    "admin-without-vaccine",
                    [code, *_codes(products)],
                    f"{code} administers {_GROUP_NAMES.get(group, group)} vaccine, and no "
                    f"such vaccine product is on the claim{others}: add the product line or "
                    "use the administration code that fits.",
                    "vaccine_lines",
                )
        generic = sorted(self.generic_admin & self.codes)
        if not generic or standard:
            return
        if any(
            self.fired(r, c) for r in ("medicare-vaccine-admin", "covid-admin") for c in generic
        ) or any(self.fired("covid-admin", p.code) for p in products):
            return  # the finding on the product already names the code used instead
        what = (
            f"the vaccine(s) here ({', '.join(_codes(products))}) take their own code"
            if products
            else "there is no vaccine product on the claim"
        )
        noun = "a vaccine administration" if len(generic) == 1 else "vaccine administrations"
        self.add(
            ERROR,
            "admin-without-vaccine",
            [*generic, *_codes(products)],
            f"{', '.join(generic)}: {noun}, and {what}: add the product line "
            "for each vaccine given, or remove the administration code.",
            "vaccine_lines",
        )

    def _vaccine_counts(self, standard: list[ClaimLine]) -> None:
        """Administration units against the vaccines they are for (one first per visit)."""
        v = self.vaccine
        n = sum(int(p.units) for p in standard)
        counselled = self.units_of({v.counselled_first})
        plain = self.units_of(
            {v.injection_first, v.injection_further, v.nasal_first, v.nasal_further}
        )
        if not n or not (counselled or plain):
            return
        if counselled + plain != n:
            self.add(
                WARNING,
                "vaccine-admin-count",
                [p.code for p in standard],
                f"{n} vaccine(s) but {counselled + plain} administration unit(s): bill one "
                f"first administration ({v.injection_first}, {v.nasal_first} or "
                f"{v.counselled_first} per vaccine) and the further ones "
                f"({v.injection_further}, {v.nasal_further}).",
                "vaccine_lines",
            )
        if counselled:
            extra = sum(((p.record.components or 1) - 1) * int(p.units) for p in standard)
            billed = self.units_of({v.counselled_component})
            if extra and billed != extra:
                self.add(
                    WARNING,
                    "vaccine-admin-count",
                    [v.counselled_component],
                    f"With {v.counselled_first}, {v.counselled_component} is billed once per "
                    f"further component: {extra} here, not {billed}.",
                    "vaccine_lines",
                )

    def _admin_route(self, standard: list[ClaimLine]) -> None:
        """90471/90472 are for injected vaccines, 90473/90474 for vaccines by nose or mouth."""
        v = self.vaccine
        if self.units_of({v.counselled_first}):
            return  # 90460 covers every route
        nasal = [p for p in standard if p.record.routes and set(p.record.routes) <= v.nasal_routes]
        injected = [p for p in standard if p not in nasal]
        by_nose = self.units_of({v.nasal_first, v.nasal_further})
        by_needle = self.units_of({v.injection_first, v.injection_further})
        n_nasal = sum(int(p.units) for p in nasal)
        n_injected = sum(int(p.units) for p in injected)
        if by_nose > n_nasal:
            self.add(
                ERROR,
                "vaccine-admin-route",
                [v.nasal_first, v.nasal_further, *_codes(injected)],
                f"{v.nasal_first}/{v.nasal_further} are for a vaccine given by nose or mouth, "
                f"and {by_nose} unit(s) are billed for {n_nasal} such vaccine(s): an injected "
                f"vaccine is {v.injection_first} ({v.injection_further} for each further one).",
                "nasal_oral",
                data=self.vaccine_data,
            )
        if by_needle > n_injected and nasal:
            self.add(
                ERROR,
                "vaccine-admin-route",
                [v.injection_first, v.injection_further, *_codes(nasal)],
                f"{v.injection_first}/{v.injection_further} are for injected vaccines, and "
                f"{by_needle} unit(s) are billed for {n_injected} injected vaccine(s): "
                f"{', '.join(_codes(nasal))} is given by nose or mouth ({v.nasal_first} alone, "
                f"{v.nasal_further} after an injected vaccine).",
                "nasal_oral",
                data=self.vaccine_data,
            )

    def _part_d(self, products: list[ClaimLine]) -> None:
        if self.payer != MEDICARE:
            return
        d = [
            p.code
            for p in products
            if (p.record.vaccine_group or "other") not in self.vaccine.part_b_groups
        ]
        if d:
            self.add(
                INFO,
                "medicare-part-d-vaccine",
                d,
                f"{', '.join(dict.fromkeys(d))}: Medicare Part B pays for this vaccine only after "
                "an injury or a direct exposure; a routine dose is a Part D benefit (bill the "
                "patient's Part D plan).",
                "part_b",
                data=self.vaccine_data,
            )

    def _z23(self, products: list[ClaimLine]) -> None:
        z23 = str(self.vaccine_data["immunization_diagnosis"]["code"])
        if products and self.diagnoses and z23 not in self.codes:
            self.add(
                INFO,
                "vaccine-without-z23",
                [z23, *_codes(products)],
                f"A vaccine was given and the diagnoses do not include {z23} (encounter for "
                "immunization): add it (after the reason for a sick visit, if there was one).",
                "immunization_diagnosis",
                data=self.vaccine_data,
            )
        if z23 in self.codes and not products and not self.codes & self.vaccine.admin_codes:
            self.add(
                INFO,
                "z23-without-vaccine",
                [z23],
                f"{z23} (encounter for immunization) but no vaccine product on the claim: add "
                "the vaccine given, or remove the diagnosis.",
                "immunization_diagnosis",
                data=self.vaccine_data,
            )

    def vaccine_units(self) -> None:
        """A vaccine product line is one dose (the MUE finding, if any, adds its indicator)."""
        units = int(self.vaccine_data["product_units"]["units"])
        for p in self.by_kind("vaccine"):
            if p.units != units:
                self.add(
                    WARNING,
                    "vaccine-units",
                    [p.code],
                    f"{p.code} x {p.units}: a vaccine product is billed as {units} unit per "
                    "vaccine given; a different vaccine is its own product line.",
                    "product_units",
                    data=self.vaccine_data,
                )
