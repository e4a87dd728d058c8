"""Search quality on judged queries: QuickRef beside a naive FTS5 baseline.

Run: .venv/bin/python bench/search_quality.py [--db PATH] [--queries FILE] [--misses]

The judged queries (bench/search_queries.toml) are written from how a front desk, a
biller and a nurse type. Each names the acceptable codes and the rank one must be
within. Every judged code is checked to exist in the database first: a missing one
stops the bench (a judgement that cannot be met is a bug in the judgement).

The baseline is the 20-line search the issue describes: the exact code, else the words
OR-ed in FTS5 and ranked by bm25 over code, title, description and terms.

Printed per category and overall: hit@1, hit@5 (within the judged rank), MRR@10, and
the number of queries that returned nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore

QUERIES = Path(__file__).with_name("search_queries.toml")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Judged:
    category: str
    q: str
    want: tuple[str, ...]
    within: int
    all: bool


def load(path: Path) -> list[Judged]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for category, table in data.items():
        for item in table["queries"]:
            out.append(
                Judged(
                    category,
                    str(item["q"]),
                    tuple(item["want"]),
                    int(item.get("within", 5)),
                    bool(item.get("all", False)),
                )
            )
    return out


def check_answers(store: ReferenceStore, judged: list[Judged]) -> None:
    missing = sorted(
        {(j.q, c) for j in judged for c in j.want if not any(s.code == c for s in store.find(c))}
    )
    if missing:
        for q, c in missing:
            print(f"judged code {c} (for {q!r}) is not in the database", file=sys.stderr)
        raise SystemExit(f"{len(missing)} judged code(s) missing: fix the judgements")


def baseline(store: ReferenceStore, q: str, limit: int = 10) -> list[str]:
    """Exact code, else the words OR-ed in FTS5, ranked by bm25."""
    exact = store.find(q.strip())
    if exact:
        return [s.code for s in exact]
    words = _WORD.findall(q.lower())
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in words)
    scored: list[tuple[float, int]] = []
    for table in ("fts_curated", "fts_bulk"):
        rows = store.query(
            f"SELECT rowid, bm25({table}) FROM {table} WHERE {table} MATCH ?"
            f" ORDER BY bm25({table}) LIMIT ?",
            [match, limit],
        )
        scored += [(float(score), int(rowid)) for rowid, score in rows]
    scored.sort()
    return [s.code for s in store.summaries([i for _s, i in scored[:limit]])]


def score(j: Judged, found: list[str]) -> tuple[bool, bool, float]:
    """(hit@1, hit within the judged rank, reciprocal rank within 10)."""
    ranks = [found.index(c) + 1 for c in j.want if c in found[:10]]
    if j.all:
        ok = len(ranks) == len(j.want) and max(ranks) <= j.within
        first = ok and min(ranks) == 1
        rr = 1.0 / max(ranks) if len(ranks) == len(j.want) else 0.0
        return first, ok, rr
    best = min(ranks) if ranks else 99
    return best == 1, best <= j.within, (1.0 / best if ranks else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--misses", action="store_true", help="list QuickRef's misses")
    args = ap.parse_args()
    store = ReferenceStore(args.db)
    judged = load(args.queries)
    check_answers(store, judged)
    engine = SearchEngine(store)
    categories = list(dict.fromkeys(j.category for j in judged))
    runs = {
        "QuickRef": lambda q: [r.code for r in engine.search(q, limit=10).results],
        "baseline": lambda q: baseline(store, q),
    }
    table: dict[str, dict[str, tuple[float, float, float, int, int]]] = {}
    misses: list[str] = []
    for name, run in runs.items():
        per: dict[str, list[tuple[bool, bool, float, bool]]] = {c: [] for c in categories}
        for j in judged:
            found = run(j.q)
            h1, hw, rr = score(j, found)
            per[j.category].append((h1, hw, rr, not found))
            if name == "QuickRef" and not hw:
                misses.append(
                    f"  [{j.category}] {j.q!r}: want {'/'.join(j.want)}"
                    f" within {j.within}, got {found[:6]}"
                )
        rows = {}
        everything = []
        for c in [*categories, "overall"]:
            items = per[c] if c != "overall" else everything
            n = len(items)
            rows[c] = (
                sum(i[0] for i in items) / n,
                sum(i[1] for i in items) / n,
                sum(i[2] for i in items) / n,
                sum(i[3] for i in items),
                n,
            )
            if c != "overall":
                everything += per[c]
        table[name] = rows
    print(f"{len(judged)} judged queries, database {store.path.name}")
    print()
    print(
        "| category | n | QuickRef hit@1 | hit@5 | MRR@10 | empty |"
        " baseline hit@1 | hit@5 | MRR@10 | empty |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for c in [*categories, "overall"]:
        a, b = table["QuickRef"][c], table["baseline"][c]
        print(
            f"| {c} | {a[4]} | {a[0]:.0%} | {a[1]:.0%} | {a[2]:.2f} | {a[3]} |"
            f" {b[0]:.0%} | {b[1]:.0%} | {b[2]:.2f} | {b[3]} |"
        )
    print()
    print("hit@5 means: a wanted code within the judged rank (1 for a typed code, else 5).")
    if args.misses:
        print(f"\nQuickRef misses ({len(misses)}):")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
