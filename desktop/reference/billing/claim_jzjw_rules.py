"""The claim check's JZ/JW rules: the discarded amount of a drug from a single-dose container.

JZ says nothing was discarded; JW is the discarded amount on its own line, beside the line
for the amount given. So JZ contradicts any JW line of the same drug (on one line or two), a
JW line needs a line for the amount given, neither goes on a multi-dose drug or on a line
that is not a drug, and Medicare wants one or the other on each single-dose drug.
"""

from __future__ import annotations

from desktop.reference.billing.claim_base import ERROR, INFO, CheckBase
from desktop.reference.billing.dose import packaging_of
from desktop.reference.billing.items import ClaimLine
from desktop.reference.billing.lines import MEDICARE

__all__ = ["JzJwChecks"]


class JzJwChecks(CheckBase):
    """JZ and JW on the drug lines (a mixin of the check)."""

    @property
    def _jz_jw(self) -> tuple[str, str]:
        return str(self.rules["jz_jw"]["jz"]), str(self.rules["jz_jw"]["jw"])

    def jz_jw(self) -> None:
        jz, jw = self._jz_jw
        drugs = self.drugs
        self._not_on_a_drug()
        for code in dict.fromkeys(x.code for x in drugs):
            self._one_drug(code, [y for y in drugs if y.code == code])
        if self.payer != MEDICARE:
            marked = [x.code for x in drugs if {jz, jw} & set(x.modifiers)]
            if marked:
                self.add(
                    INFO,
                    "jz-jw-other-payer",
                    marked,
                    "JZ and JW are Medicare Part B modifiers: keep them for this payer only "
                    "if its policy requires them.",
                    "jz_jw",
                )
            return
        for code in dict.fromkeys(x.code for x in drugs):
            self._medicare_single_dose(code, [y for y in drugs if y.code == code])

    def _not_on_a_drug(self) -> None:
        jz, jw = self._jz_jw
        for x in self.lines:  # JZ and JW describe a drug's container, nothing else
            mods = sorted({jz, jw} & set(x.modifiers))
            kind = x.record.summary.kind
            if mods and x.system != "ICD-10-CM" and kind not in ("drug", "vaccine"):
                self.add(
                    ERROR,
                    "jz-jw-not-drug",
                    [x.code],
                    f"{'/'.join(mods)} on {x.code}: JZ and JW go on the drug's own line (its "
                    "HCPCS code), not on the administration or another service.",
                    "jz_jw",
                )

    def _one_drug(self, code: str, same: list[ClaimLine]) -> None:
        """The lines of one drug code: JZ against JW, JW beside a given amount, multi-dose."""
        jz, jw = self._jz_jw
        with_jz = [y for y in same if jz in y.modifiers]
        with_jw = [y for y in same if jw in y.modifiers]
        if any(y in with_jw for y in with_jz):
            self.add(
                ERROR,
                "jz-and-jw",
                [code],
                f"{code} has both JZ and JW: JZ means "
                "nothing was discarded, JW is the discarded amount's own line.",
                "jz_jw",
            )
        elif with_jz and with_jw:
            self.add(
                ERROR,
                "jz-and-jw",
                [code],
                f"{code} has a JZ line and a JW line: JZ says nothing of the drug was "
                "discarded, which contradicts the discarded amount on the JW line. Keep JW "
                "(and the given amount without JZ) if some was discarded, else drop the JW "
                "line.",
                "jz_jw",
            )
        if with_jw and not any(jw not in y.modifiers for y in same):
            self.add(
                ERROR,
                "jw-without-given",
                [code],
                f"{code} has a JW line but no "
                "line for the amount given: bill the given amount on its own line.",
                "jz_jw",
            )
        mods = sorted({m for y in same for m in y.modifiers} & {jz, jw})
        if mods and packaging_of(same[0].record) == "multi_dose":
            self.add(
                ERROR,
                "jz-jw-multi-dose",
                [code],
                f"{code} comes in multi-dose containers: no {'/'.join(mods)} "
                "(JZ and JW are for single-dose containers only).",
                "jz_jw",
            )

    def _medicare_single_dose(self, code: str, same: list[ClaimLine]) -> None:
        jz, jw = self._jz_jw
        if packaging_of(same[0].record) != "single_dose" or any(jw in y.modifiers for y in same):
            return  # with a JW line, the unmarked line is the amount given
        if not any(jz in y.modifiers for y in same):
            self.add(
                ERROR,
                "medicare-single-dose-jz-jw",
                [code],
                f"Medicare, single-dose container: {code} needs JZ (nothing "
                "discarded) or a JW line for the discarded amount.",
                "jz_jw",
            )
        elif any(jz not in y.modifiers for y in same):
            self.add(
                ERROR,
                "medicare-single-dose-jz-jw",
                [code],
                f"Medicare, single-dose container: a line of {code} has neither JZ nor "
                "JW; with no JW line, every line of the drug carries JZ (or put the units "
                "on one line).",
                "jz_jw",
            )
