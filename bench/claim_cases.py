"""The judged claim set (bench/claim_cases.toml) on the reference database: how many cases the
check gets right, and for each rule how often it fires where expected and where forbidden.

Run: .venv/bin/python bench/claim_cases.py [--db PATH]  (also prints the time per claim)
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import tomllib
from collections import Counter
from pathlib import Path

from desktop.reference.billing.claim import check_claim
from desktop.reference.store import ReferenceStore

CASES = Path(__file__).with_name("claim_cases.toml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    cases = tomllib.loads(CASES.read_text(encoding="utf-8"))["case"]
    hit, miss, false_alarm = Counter[str](), Counter[str](), Counter[str]()
    right = 0
    times: list[float] = []
    with ReferenceStore(args.db) as store:
        for case in cases:
            today = dt.date.fromisoformat(case.get("today", "2026-12-01"))
            check_claim(store, case["items"], payer=case["payer"], today=today)  # warm
            t0 = time.perf_counter()
            result = check_claim(store, case["items"], payer=case["payer"], today=today)
            times.append((time.perf_counter() - t0) * 1000)
            fired = {f.rule for f in result.findings}
            ok = True
            for rule in case["expect"]:
                (hit if rule in fired else miss)[rule] += 1
                ok &= rule in fired
            for rule in case["forbid"]:
                if rule in fired:
                    false_alarm[rule] += 1
                    ok = False
            right += ok
            if not ok:
                print(f"WRONG: {case['name']}: fired {sorted(fired)}")
    times.sort()
    print(f"{right}/{len(cases)} cases right; per claim: median {times[len(times) // 2]:.2f} ms, "
          f"max {times[-1]:.2f} ms")  # fmt: skip
    for rule in sorted(set(hit) | set(miss) | set(false_alarm)):
        print(f"  {rule:28} expected and fired {hit[rule]:3}  missed {miss[rule]:3}  "
              f"fired where forbidden {false_alarm[rule]:3}")  # fmt: skip


if __name__ == "__main__":
    main()
