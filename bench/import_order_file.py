"""Benchmark: import a whole-year ICD-10-CM order file (about 98,000 lines).

Generates ``icd10cm_order_2027.txt`` in the CMS layout from the ICD-10-CM codes of the
reference database (so it matches a real year: ~98k lines), with a realistic year's
changes (some hundred retitled, deleted and new codes), then runs the real import
(``prepare_import``: copy, apply, index, vacuum, seal, validate, compare) into a
temporary user data folder and prints the time. The database in use is not touched.
Target: under 10 s on the project's build machine.

    .venv/bin/python bench/import_order_file.py [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def write_order_file(db: Path, out: Path, lines: int = 98_000) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    rows = con.execute(
        "SELECT code_key, billable, title FROM codes WHERE system = 'ICD-10-CM' ORDER BY id"
    ).fetchall()
    con.close()
    keys = {r[0] for r in rows}
    n = 0
    with out.open("w", encoding="ascii", errors="replace", newline="\r\n") as fh:
        for i, (key, billable, title) in enumerate(rows):
            if i % 500 == 250:
                continue  # ~200 deleted codes
            if i % 300 == 7:
                title = title + " (revised)"  # ~330 retitled
            n += 1
            fh.write(f"{n:05d} {key:<7} {billable} {title[:60]:<60} {title}\n")
            new = key + "Q"
            if i % 400 == 3 and len(key) < 7 and new not in keys:  # ~250 new codes
                n += 1
                fh.write(f"{n:05d} {new:<7} 1 {'New code ' + new:<60} New code {new}\n")
            if n >= lines:
                break
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="reference database (default: the bundled one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUICKREF_DATA_DIR"] = str(Path(tmp) / "user")
        os.environ.pop("QUICKREF_SHARED_DATA", None)
        from desktop.reference import paths, update

        db = args.db or paths.bundled_reference_db()
        order = Path(tmp) / "icd10cm_order_2027.txt"
        t0 = time.perf_counter()
        n = write_order_file(db, order)
        t1 = time.perf_counter()
        print(
            f"generated {order.name}: {n:,} lines, {order.stat().st_size / 1e6:.1f} MB "
            f"in {t1 - t0:.2f} s"
        )
        stages: list[tuple[float, str]] = []
        last = [""]

        def progress(fraction: float, message: str) -> None:
            if message != last[0]:
                stages.append((time.perf_counter(), message))
                last[0] = message

        t2 = time.perf_counter()
        staged = update.prepare_import([order], base=db, progress=progress)
        t3 = time.perf_counter()
        for (t, msg), nxt in zip(stages, [s[0] for s in stages[1:]] + [t3], strict=True):
            print(f"  {msg:<40} {nxt - t:6.2f} s")
        print(f"changes: {staged.summary()}")
        print(
            f"import (prepare + validate + compare): {t3 - t2:.2f} s "
            f"(target < 10 s) -> {'OK' if t3 - t2 < 10 else 'TOO SLOW'}"
        )
        staged.discard()
    return 0


if __name__ == "__main__":
    sys.exit(main())
