"""Claim check latency on the full reference database: p50 and p99 of a 20-line check.

Run: .venv/bin/python bench/claim_check.py [--db PATH] [--rounds N]
Target (issue 14): a 20-line check well under 5 ms at p99.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from desktop.reference.billing.claim import check_claim
from desktop.reference.store import ReferenceStore

# 20 lines: an injection visit, a vaccine visit and a few mistakes, with diagnoses.
CLAIM = [
    "J1885x2", "99211", "96372", "96374", "96375", "J1885x4-JZ", "J0696x2", "J0696x1-JW",
    "J3420", "J1020", "90715", "90471", "90658", "G0008", "91320", "90480", "D51.0", "Z23",
    "E53.8", "D51",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with ReferenceStore(args.db) as store:
        claim = [c for c in CLAIM if store.find(c.split("-")[0].split("x")[0])]
        today = dt.date.today()
        check_claim(store, claim, payer="medicare", today=today)  # warm the caches
        times: list[float] = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            result = check_claim(store, claim, payer="medicare", today=today)
            times.append((time.perf_counter() - t0) * 1000)
    cold: list[float] = []
    for _ in range(10):  # the first check on a freshly opened store reads every record
        with ReferenceStore(args.db) as store:
            t0 = time.perf_counter()
            check_claim(store, claim, payer="medicare", today=today)
            cold.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{len(claim)}-line claim check, {args.rounds} rounds, {len(result.findings)} findings")
    print(f"p50 {statistics.median(times):.2f} ms  p99 {p99:.2f} ms  (target: p99 well under 5 ms)")
    print(
        f"first check on a new store: median {statistics.median(cold):.2f} ms, "
        f"max {max(cold):.2f} ms"
    )


if __name__ == "__main__":
    main()
