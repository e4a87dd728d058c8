"""``quickref check ITEM... [--payer medicare|other] [--json]``: the claim check."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_BAD_INPUT = 1


def add_parser(sub: Any) -> None:
    c = sub.add_parser(
        "check",
        help="check the lines of a claim (codes, units, modifiers, diagnoses)",
        description="Check claim lines: 96372 J1885x4-JZ 99213-25 D51.0 (units with x or *, "
        "modifiers after -).",
    )
    c.add_argument("items", nargs="+", metavar="ITEM", help="96372, J1885x4, 99213-25, D51.0")
    c.add_argument("--payer", choices=["medicare", "other"], default="other")
    c.add_argument("--json", action="store_true")


def run(store: Any, args: argparse.Namespace) -> int:
    from desktop.reference.billing.claim import ClaimError, check_claim

    try:
        result = check_claim(store, args.items, payer=args.payer)
    except ClaimError as exc:
        print(f"quickref: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"Payer: {result.payer}")
    for line in result.lines:
        d = line.as_dict()
        mods = " ".join(line.modifiers)
        print(f"  {line.code} x {d['units']} {mods}".rstrip() + f"  ({line.system})")
    if not result.findings:
        print("No findings.")
    for f in result.findings:
        print(f"{f.severity.upper()}: {f.message}  [{f.rule}; {f.source}]")
    return EXIT_OK
