"""The claim check's drug administration rules beyond add-ons and routes.

* One initial service per encounter (96360, 96365, 96374), unless a second IV site is marked.
* Hydration beside a drug infusion or push: reported only for fluids given to hydrate.
* The administration of an anticancer hormone: 96402 (hormonal antineoplastic, for cancer),
  not 96372 or 96401; the same hormone for a non-cancer use is 96372. Whether a drug treats
  cancer is read from the diagnoses (a C-code): without one, a warning, as the use decides.
"""

from __future__ import annotations

from desktop.reference.billing.claim_base import ERROR, WARNING, CheckBase

__all__ = ["DrugChecks"]


class DrugChecks(CheckBase):
    """Initial services, hydration, antineoplastic administration (a mixin of the check)."""

    def initial_services(self) -> None:
        r = self.rules["initial_services"]
        codes = {str(c) for c in r["codes"]}
        distinct = {str(m) for m in r["distinct_modifiers"]}
        lines = [x for x in self.lines if x.code in codes]
        total = sum(int(x.units) for x in lines)
        marked = sum(int(x.units) for x in lines if distinct & set(x.modifiers))
        if total - marked <= 1:
            return
        instead = {str(k): str(v) for k, v in r["instead"].items()}
        seen = list(dict.fromkeys(x.code for x in lines))
        how = ", ".join(f"{c} -> {instead[c]}" for c in seen if c in instead)
        self.add(
            ERROR,
            "initial-services",
            seen,
            f"{total} initial services ({', '.join(seen)}) at one encounter: only one is "
            "initial (the main reason for the visit); report the others with their "
            f"sequential or additional codes ({how}). A second initial service only for a "
            "second IV site the protocol requires, with 59 or XU on it.",
            "initial_services",
        )

    def hydration(self) -> None:
        h = self.rules["hydration"]
        distinct = {str(m) for m in h["distinct_modifiers"]}
        hyd = [x for x in self.lines if x.code in {str(c) for c in h["codes"]}]
        drug = [c for c in (str(c) for c in h["drug_services"]) if c in self.codes]
        unmarked = [x.code for x in hyd if not distinct & set(x.modifiers)]
        other_admin = [c for c in self.drug_admin if c in self.codes and c not in h["codes"]]
        if hyd and self.drugs and not other_admin:
            drugs = list(dict.fromkeys(x.code for x in self.drugs))
            fluids = ", ".join(dict.fromkeys(x.code for x in hyd))
            self.add(
                WARNING,
                "hydration-for-drug",
                [*(x.code for x in hyd), *drugs],
                f"{', '.join(drugs)} with only hydration ({fluids}): "
                "hydration codes are for plain fluids and electrolytes, never for a drug; a "
                "drug given by IV infusion is 96365, by IV push 96374.",
                "hydration_vehicle",
            )
        if not (unmarked and drug):
            return
        self.add(
            WARNING,
            "hydration-with-drug",
            [*unmarked, *drug],
            f"Hydration ({', '.join(dict.fromkeys(unmarked))}) with {', '.join(drug)}: "
            "report hydration only for fluids given to hydrate, never for the fluid that "
            "carries the drug or keeps the vein open. Hydration running at the same time as "
            "the drug is not paid; given before or after it, it is 96361 with its own "
            "diagnosis and modifier 59.",
            "hydration",
        )

    def antineoplastic(self) -> None:
        a = self.rules["antineoplastic"]
        hormonal_admin, other_admin = str(a["hormonal_admin"]), str(a["non_hormonal_admin"])
        injection = str(a["injection"])
        cancer = [
            d.code for d in self.diagnoses if d.code.startswith(str(a["cancer_diagnosis_prefix"]))
        ]
        # the reviewed list, and any drug whose own record says it is reported with 96402
        hormonal = {str(c) for c in a["hormonal"]} | {
            x.code
            for x in self.drugs
            if any(c.relation == "report_with" and c.code == hormonal_admin for c in x.record.xrefs)
        }
        drugs = list(dict.fromkeys(x.code for x in self.drugs))
        found = [c for c in drugs if c in hormonal]
        names = ", ".join(found)
        dx = self.diagnoses
        others = [c for c in drugs if c not in hormonal]
        # With 96402 on the claim too, 96372 may be another drug's injection: no finding then.
        if found and injection in self.codes and not (hormonal_admin in self.codes and others):
            if cancer:
                self.add(
                    ERROR,
                    "antineoplastic-admin",
                    [injection, *found, *cancer],
                    f"{names} is a hormonal antineoplastic given for cancer "
                    f"({', '.join(cancer)}): its administration is {hormonal_admin}, not "
                    f"{injection}.",
                    "antineoplastic",
                )
            else:
                why = (
                    "none of the diagnoses is a cancer (C00-C96)"
                    if dx
                    else "the claim has no diagnosis to show the use"
                )
                nc = self.rules["non_cancer_leuprolide"]
                leuprolide = (
                    f" Leuprolide for a non-cancer use is billed {nc['code']!s}, not "
                    f"{nc['cancer_code']!s}."
                    if str(nc["cancer_code"]) in found
                    else ""
                )
                self.add(
                    WARNING,
                    "antineoplastic-admin",
                    [injection, *found],
                    f"{names} is a hormonal antineoplastic and {why}: {injection} is right "
                    f"only for a non-cancer use; given to treat cancer, the administration is "
                    f"{hormonal_admin}.{leuprolide}",
                    "antineoplastic",
                )
        if found and other_admin in self.codes:
            self.add(
                ERROR,
                "antineoplastic-admin",
                [other_admin, *found],
                f"{other_admin} is for a non-hormonal antineoplastic; {names} is hormonal: "
                f"{hormonal_admin} when it treats cancer ({injection} for a non-cancer use).",
                "antineoplastic",
            )
        if found and hormonal_admin in self.codes and dx and not cancer:
            self.add(
                WARNING,
                "antineoplastic-admin",
                [hormonal_admin, *found],
                f"{hormonal_admin} is for a hormonal antineoplastic given to treat cancer, and "
                f"none of the diagnoses is a cancer (C00-C96): for a non-cancer use of {names} "
                f"the administration is {injection}.",
                "antineoplastic",
            )
        self._leuprolide(cancer, found, drugs)

    def _leuprolide(self, cancer: list[str], found: list[str], drugs: list[str]) -> None:
        """J1950 is the non-cancer leuprolide; 96402/96401 need a drug of their kind."""
        a, nc = self.rules["antineoplastic"], self.rules["non_cancer_leuprolide"]
        hormonal_admin, other_admin = str(a["hormonal_admin"]), str(a["non_hormonal_admin"])
        injection = str(a["injection"])
        code, admin, cancer_code = str(nc["code"]), str(nc["admin"]), str(nc["cancer_code"])
        with_admin = hormonal_admin in self.codes
        if code in self.codes and (with_admin or cancer):
            why = f"with {hormonal_admin}" if with_admin else f"with {', '.join(cancer)}"
            self.add(
                ERROR if with_admin else WARNING,
                "antineoplastic-admin",
                [code, hormonal_admin if with_admin else admin, *cancer],
                f"{code} {why}: {code} is leuprolide for a non-cancer use, administered with "
                f"{admin}; leuprolide for prostate cancer is {cancer_code} with "
                f"{hormonal_admin}.",
                "non_cancer_leuprolide",
            )
        elif with_admin and drugs and not found:
            self.add(
                ERROR,
                "antineoplastic-admin",
                [hormonal_admin, *drugs],
                f"{hormonal_admin} is the administration of a hormonal antineoplastic, and no "
                f"drug on the claim ({', '.join(drugs)}) is one: use the code for how they "
                f"were given ({injection} for an injection under the skin or into a muscle).",
                "antineoplastic",
            )
        known = {str(c) for c in (*a["hormonal"], *a["non_hormonal"])}
        if other_admin in self.codes and drugs and not known & set(drugs):
            self.add(
                WARNING,
                "antineoplastic-admin",
                [other_admin, *drugs],
                f"{other_admin} is the administration of a non-hormonal antineoplastic given "
                f"to treat cancer, and no drug on the claim ({', '.join(drugs)}) is one in the "
                f"reference data: a therapeutic injection under the skin or into a muscle is "
                f"{injection}.",
                "antineoplastic",
            )
