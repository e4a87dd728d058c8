"""Billing rules in the Qt-free core: one place for the CLI, the checklist and the window.

* :mod:`.amounts` reads amounts and units as typed ("1 g", "1,000 mcg").
* :mod:`.dose` turns a drug and dose into billing units, with discards and warnings.
* :mod:`.lines` gives the lines to bill for an injection (drug x units, JZ/JW per payer,
  the modifier-25 reminder) as :class:`~.lines.Billing`.
* :mod:`.vaccines` gives the product and administration lines of a vaccine visit, from the
  reviewed rules in ``resources/data/vaccine_admin.toml``.
* :mod:`.items` reads claim lines as typed ("J1885x4-JZ"); :mod:`.claim` checks them
  against ``resources/data/claim_rules.toml``
  and the imported NCCI edits.
* :mod:`.ruledata` reads those rule files at build time and from the reference database.

Submodules are imported by name (``from desktop.reference.billing.dose import drug_dose``)
so that importing one does not import the others.
"""
