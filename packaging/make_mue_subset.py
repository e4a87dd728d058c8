"""Write resources/data/mue.toml: the CMS MUE values for the codes QuickRef carries.

Run once per quarter with the CMS practitioner MUE table (CSV export)::

    python packaging/make_mue_subset.py /path/to/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv

It keeps the rows for every curated code in resources/data (cpt.toml, hcpcs.toml,
vaccines.toml: the COVID-19 products 91xxx are in no range below) and for the ranges a
primary-care injection clinic reports (all J codes, 90281-90759 products, immunization and
drug administration 90460-90480 and 96360-96549, allergen immunotherapy 95115-95199, office
E/M 99202-99215, G0008-G0010, COVID-19 administration 0001A-0174A),
so that codes added later by other data files are covered too. The build reads only the
committed mue.toml: a fresh clone builds without the CMS file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.reference.importers import cms_mue  # noqa: E402

DATA = ROOT / "resources" / "data"


def wanted(code: str, curated: set[str]) -> bool:
    if code in curated or code.startswith("J"):
        return True
    if code.isdigit():
        n = int(code)
        return (
            90281 <= n <= 90759
            or 90460 <= n <= 90480
            or 96360 <= n <= 96549
            or 95115 <= n <= 95199
            or 99202 <= n <= 99215
        )
    if code in ("G0008", "G0009", "G0010"):
        return True
    return code.endswith("A") and code[:4].isdigit() and int(code[:4]) <= 174


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", type=Path)
    ap.add_argument("--source", default="cms-mue-2026-q2")
    ap.add_argument("--out", type=Path, default=DATA / "mue.toml")
    args = ap.parse_args()
    curated: set[str] = set()
    for name in ("cpt.toml", "hcpcs.toml", "vaccines.toml"):
        with (DATA / name).open("rb") as fh:
            curated |= {str(c["code"]).upper() for c in tomllib.load(fh).get("code", [])}
    effective = cms_mue.effective_date(args.table)
    if effective is None:
        print("the file name does not give the effective date (..._Eff_MM-DD-YYYY)")
        return 2
    start = dt.date.fromisoformat(effective)
    month = start.month + 3
    nxt = dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    through = (nxt - dt.timedelta(days=1)).isoformat()
    rows = [r for r in cms_mue.read_mue(args.table) if wanted(r.code, curated)]
    sha = hashlib.sha256(args.table.read_bytes()).hexdigest()
    out = [
        "# CMS NCCI Medically Unlikely Edits, practitioner services: the rows for the codes",
        "# QuickRef carries, copied unchanged (code, MUE units, adjudication indicator 1-3,",
        "# rationale). Made by packaging/make_mue_subset.py from the CMS file named below.",
        "# Format: FORMAT.md. Codes and numbers only: no CPT descriptor text.",
        f'effective = "{effective}"',
        f'effective_through = "{through}"  # CMS publishes the table quarterly',
        f'source = "{args.source}"',
        f'file = "{args.table.name}"',
        f'file_sha256 = "{sha}"',
        "rows = [",
    ]
    out += [
        f'  ["{r.code}", {r.units}, {r.indicator}, "{r.rationale.replace(chr(34), "")}"],'
        for r in rows
    ]
    out.append("]")
    args.out.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(rows)} codes, effective {effective}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
