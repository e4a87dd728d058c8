"""The ``quickref`` command: the window when run bare, a scriptable CLI otherwise.

The CLI calls the same functions as the window (``SearchEngine.search``,
``ReferenceStore.record``, ``units_for_code``), so what it prints is what the window
shows. Exit codes: 0 ok, 1 not found / bad input, 2 reference data unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop import __version__

EXIT_OK, EXIT_NOT_FOUND, EXIT_DATA = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="quickref",
        description="QuickRef: offline coding quick reference for clinic injections. "
        "Run with no command to open the window.",
    )
    p.add_argument("--version", action="version", version=f"QuickRef {__version__}")
    p.add_argument("--db", type=Path, help="reference database to use (default: the bundled one)")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check the reference data, user data and window, print one line per check",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("search", help="search codes, drugs, brand names or words")
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--system", choices=["CPT", "HCPCS", "ICD-10-CM"])
    s.add_argument("--json", action="store_true")

    sh = sub.add_parser("show", help="show the whole record of one code")
    sh.add_argument("code")
    sh.add_argument("--system", choices=["CPT", "HCPCS", "ICD-10-CM"])
    sh.add_argument("--json", action="store_true")

    u = sub.add_parser("units", help="billing units of a HCPCS drug code for a dose")
    u.add_argument("code")
    u.add_argument("amount")
    u.add_argument("unit")
    u.add_argument("--json", action="store_true")

    db = sub.add_parser("db", help="the reference database")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    b = dbsub.add_parser("build", help="rebuild the reference database from the sources")
    b.add_argument("--output", type=Path, help="where to write (default: the bundled location)")
    b.add_argument("--if-stale", action="store_true", help="only if missing or out of date")
    b.add_argument("--icd10cm-xml", type=Path, help="CDC ICD-10-CM tabular XML to import")
    i = dbsub.add_parser("info", help="versions, counts and checksum")
    i.add_argument("--json", action="store_true")
    _add_update_parsers(dbsub)
    return p


def _add_update_parsers(dbsub: Any) -> None:
    """``db import / changes / use-bundled / export-pack`` (yearly code updates)."""
    im = dbsub.add_parser(
        "import",
        help="import official code files (ICD-10-CM, HCPCS, licensed CPT, local CSV) "
        "into a new reference database and switch to it",
    )
    im.add_argument("files", nargs="+", type=Path, metavar="FILE")
    im.add_argument("--yes", action="store_true", help="switch without asking")
    im.add_argument("--dry-run", action="store_true", help="show what would change, switch nothing")
    im.add_argument("--csv", type=Path, metavar="OUT", help="also write what changed to a CSV file")
    im.add_argument("--json", action="store_true")
    ch = dbsub.add_parser("changes", help="what importing FILE... would change, as CSV")
    ch.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ch.add_argument("--csv", type=Path, metavar="OUT", required=True)
    ch.add_argument("--json", action="store_true")
    dbsub.add_parser("use-bundled", help="stop using imported data; use the bundled database")
    ep = dbsub.add_parser(
        "export-pack", help="write the database in use, checksum and metadata for a shared folder"
    )
    ep.add_argument("dir", type=Path, metavar="DIR")


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _decimal_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.self_test:
        from desktop.self_test import run_self_test

        return run_self_test(args.db)
    if args.command is None:
        from desktop.ui.app import run_gui

        return run_gui(args.db)
    if args.command == "db" and args.db_command == "build":
        return _cmd_build(args)
    if args.command == "db" and args.db_command in (
        "import",
        "changes",
        "use-bundled",
        "export-pack",
    ):
        return _cmd_update(args)

    from desktop.reference.store import ReferenceDataError, ReferenceStore

    try:
        with ReferenceStore(args.db) as store:
            if args.command == "search":
                return _cmd_search(store, args)
            if args.command == "show":
                return _cmd_show(store, args)
            if args.command == "units":
                return _cmd_units(store, args)
            return _cmd_info(store, args)
    except ReferenceDataError as exc:
        print(f"quickref: {exc}", file=sys.stderr)
        return EXIT_DATA


def _cmd_build(args: argparse.Namespace) -> int:
    from desktop.reference import build as builder
    from desktop.reference.paths import default_reference_db

    output = args.output or args.db or default_reference_db()
    try:
        if args.if_stale and not builder.is_stale(output, icd_xml=args.icd10cm_xml):
            print(f"Reference database is up to date: {output}")
            return EXIT_OK
        info = builder.build(output, icd_xml=args.icd10cm_xml)
    except builder.BuildError as exc:
        print(f"quickref: build failed: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except FileNotFoundError as exc:
        print(f"quickref: build failed: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    print(f"Built {info.path}: {info.codes:,} codes, data version {info.data_version}")
    return EXIT_OK


def _cmd_search(store: Any, args: argparse.Namespace) -> int:
    from desktop.reference.search import SearchEngine

    resp = SearchEngine(store).search(args.query, limit=args.limit, system=args.system)
    if args.json:
        _print_json(
            {
                "query": args.query,
                "corrected": resp.corrected,
                "results": [
                    {
                        "code": r.code,
                        "system": r.system,
                        "title": r.title,
                        "billable": r.billable,
                        "status": r.summary.status,
                        "matched": r.matched,
                        "dose": None
                        if r.dose is None
                        else {
                            "amount": format(r.dose.amount.normalize(), "f"),
                            "unit": r.dose.unit,
                            "units": r.dose.units,
                        },
                    }
                    for r in resp.results
                ],
                "suggestions": resp.suggestions,
            }
        )
        return EXIT_OK
    if resp.corrected:
        print(f"Showing results for: {resp.corrected}")
    if not resp.results:
        hint = f" Did you mean: {', '.join(resp.suggestions)}?" if resp.suggestions else ""
        print(f"No results for '{args.query}'.{hint}")
        return EXIT_OK
    for r in resp.results:
        flag = {True: "billable", False: "not billable", None: ""}[r.billable]
        status = "" if r.summary.status == "active" else f" [{r.summary.status.replace('_', ' ')}]"
        print(f"{r.code:<9} {r.system:<10} {flag:<13} {r.title}{status}")
    return EXIT_OK


def record_to_json(rec: Any) -> dict[str, Any]:
    """The JSON form of a :class:`CodeRecord` (the CLI's documented contract)."""
    bu = rec.billing_unit
    return {
        "code": rec.code,
        "system": rec.system,
        "title": rec.title,
        "description": rec.description,
        "billable": rec.summary.billable,
        "status": rec.summary.status,
        "effective": rec.effective,
        "terminated": rec.terminated,
        "billing_unit": (
            None if bu is None else {"amount": _decimal_json(bu.amount), "unit": bu.unit}
        ),
        "routes": list(rec.routes),
        "single_dose_container": rec.single_dose,
        "terms": list(rec.terms),
        "see_also": [
            {
                "code": x.code,
                "system": x.system,
                "relation": x.relation,
                "title": x.title,
                "note": x.note,
            }
            for x in rec.xrefs
        ],
        "referenced_by": [
            {"code": x.code, "system": x.system, "relation": x.relation} for x in rec.referenced_by
        ],
        "notes": [n.text for n in rec.notes],
        "notes_detail": [
            {"kind": n.kind, "text": n.text, "source": n.source_id} for n in rec.notes
        ],
        "questions": [
            {"question": q.question, "answer": q.answer, "source": q.source_id}
            for q in rec.questions
        ],
        "parent": None if rec.parent is None else rec.parent.code,
        "children": [c.code for c in rec.children],
        "block": None if rec.block is None else {"id": rec.block[0], "title": rec.block[1]},
        "source": {
            "id": rec.source.id,
            "title": rec.source.title,
            "publisher": rec.source.publisher,
            "licence": rec.source.licence,
        },
    }


def _cmd_show(store: Any, args: argparse.Namespace) -> int:
    from desktop.reference.search import SearchEngine

    rec = store.get(args.code, args.system)
    if rec is None:
        resp = SearchEngine(store).search(args.code, limit=5, system=args.system)
        near = [r.code for r in resp.results] or resp.suggestions
        hint = f" Near matches: {', '.join(near)}." if near else ""
        print(f"quickref: no code '{args.code}'.{hint}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.json:
        _print_json(record_to_json(rec))
        return EXIT_OK
    print(format_record(rec))
    return EXIT_OK


_RELATION_LABELS = {
    "use_instead": "Use instead",
    "report_with": "Report with",
    "see_also": "See also",
}


def format_record(rec: Any) -> str:
    """The plain-text form of a record, as ``quickref show`` prints it."""
    s = rec.summary
    billable = {True: "billable", False: "not billable", None: "n/a"}[s.billable]
    lines = [f"{rec.code}  ({rec.system})  {billable}, {s.status.replace('_', ' ')}", rec.title, ""]
    dates = [
        f"effective {rec.effective}" if rec.effective else "",
        f"terminated {rec.terminated}" if rec.terminated else "",
    ]
    if any(dates):
        lines += ["Dates: " + ", ".join(d for d in dates if d), ""]
    if rec.description:
        lines += [rec.description, ""]
    if rec.billing_unit:
        lines.append(f"Billing unit: {rec.billing_unit}")
    if rec.routes:
        lines.append(f"Routes: {', '.join(rec.routes)}")
    if rec.terms:
        lines.append(f"Also known as: {', '.join(rec.terms)}")
    if rec.parent:
        lines.append(f"Parent: {rec.parent.code} {rec.parent.title}")
    if rec.block:
        lines.append(f"Block: {rec.block[0]} {rec.block[1]}")
    for relation, label in _RELATION_LABELS.items():
        refs = [x for x in rec.xrefs if x.relation == relation]
        if refs:
            lines += ["", f"{label}:"]
            lines += [f"  {x.code:<8} {x.title}" + (f" ({x.note})" if x.note else "") for x in refs]
    if rec.children:
        lines += ["", "Codes under it:"] + [f"  {c.code:<9} {c.title}" for c in rec.children]
    if rec.notes:
        lines += ["", "Notes:"] + [f"  - [{n.kind.replace('_', ' ')}] {n.text}" for n in rec.notes]
    for q in rec.questions:
        lines += ["", f"Q: {q.question}", f"A: {q.answer}"]
    lines += ["", f"Source: {rec.source.title} ({rec.source.publisher})"]
    return "\n".join(lines)


def _cmd_units(store: Any, args: argparse.Namespace) -> int:
    from desktop.reference.units import UnitError, units_for_code

    try:
        du = units_for_code(store, args.code, args.amount, args.unit)
    except UnitError as exc:
        print(f"quickref: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.json:
        _print_json(
            {
                "code": du.code,
                "dose": {"amount": _decimal_json(du.dose_amount), "unit": du.dose_unit},
                "billing_unit": {
                    "amount": _decimal_json(du.billing_unit.amount),
                    "unit": du.billing_unit.unit,
                },
                "units": du.units,
            }
        )
    else:
        print(
            f"{du.code} x {du.units}  ({format(du.dose_amount, 'f')} {du.dose_unit}, "
            f"billed per {du.billing_unit})"
        )
    return EXIT_OK


def _cmd_info(store: Any, args: argparse.Namespace) -> int:
    from desktop.reference.store import ReferenceDataError

    info = store.info()
    try:
        store.verify()
        verified = "verified"
    except ReferenceDataError as exc:
        verified = f"FAILED: {exc}"
    if args.json:
        _print_json(
            {
                "path": str(info.path),
                "schema_version": info.schema_version,
                "data_version": info.data_version,
                "released": info.released,
                "build_time": info.build_time,
                "checksum": info.checksum,
                "checksum_ok": verified == "verified",
                "size_bytes": info.size_bytes,
                "code_sets": [
                    {
                        "system": c.system,
                        "release": c.release,
                        "codes": c.codes,
                        "billable": c.billable,
                        "source": c.source_id,
                    }
                    for c in info.code_sets
                ],
                "sources": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "publisher": s.publisher,
                        "url": s.url,
                        "licence": s.licence,
                    }
                    for s in info.sources
                ],
            }
        )
    else:
        print(f"Reference database: {info.path} ({info.size_bytes / 1e6:.1f} MB)")
        print(f"Data version {info.data_version} (released {info.released})")
        print(f"Schema version {info.schema_version}")
        print(f"Built: {info.build_time}")
        print(f"Checksum: {info.checksum} ({verified})")
        for c in info.code_sets:
            print(
                f"  {c.system:<10} {c.release:<32} {c.codes:>7,} codes, {c.billable:>7,} billable"
            )
        print("Sources:")
        for s in info.sources:
            print(f"  {s.id}: {s.title} ({s.publisher}); {s.licence}")
    return EXIT_OK if verified == "verified" else EXIT_DATA


def _cmd_update(args: argparse.Namespace) -> int:
    """``db import / changes / use-bundled / export-pack``: calls desktop.reference.update."""
    from desktop.reference import paths, update

    try:
        if args.db_command == "use-bundled":
            update.use_bundled()
            choice = paths.reference_choice()
            print(f"Using {choice.origin} reference data: {choice.path}")
            return EXIT_OK
        if args.db_command == "export-pack":
            pack = update.export_pack(args.dir, args.db)
            print(f"Wrote {pack.db} (data version {pack.data_version}, sha256 {pack.sha256})")
            print(f"Metadata: {pack.metadata}")
            return EXIT_OK
        dry_run = args.db_command == "changes" or args.dry_run
        staged = update.prepare_import(args.files, base=args.db)
    except (update.ImportFileError, update.UpdateError, OSError) as exc:
        print(f"quickref: import failed, nothing was changed: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    try:
        if args.csv:
            staged.export_changes_csv(args.csv)
        if not args.json:
            for f in staged.files:
                print(f"{f.path.name}: {update.FORMATS[f.format]}, {f.records:,} records")
            print(f"What changed: {staged.summary()}")
            shown = staged.changes(limit=40)
            for c in shown:
                extra = f" (terminated {c.terminated})" if c.terminated else ""
                extra += f" use instead: {c.replaced_by}" if c.replaced_by else ""
                title = c.new_title if c.change != "deleted" else c.old_title
                print(f"  {c.change:<8} {c.system:<10} {c.code:<9} {title}{extra}")
            more = sum(staged.counts.values()) - len(shown)
            if more > 0:
                print(f"  ... and {more:,} more" + ("" if args.csv else " (see --csv OUT)"))
        switch = not dry_run
        if switch and not args.yes and not args.json and sys.stdin.isatty():
            switch = input("Switch to the new data? [y/N] ").strip().lower() in ("y", "yes")
        new_db = staged.commit() if switch else None
        if not switch:
            staged.discard()
        choice = paths.reference_choice()
        if args.json:
            _print_json(
                {
                    "files": [
                        {"file": str(f.path), "format": f.format, "records": f.records}
                        for f in staged.files
                    ],
                    "changes": staged.counts,
                    "licensed_texts": staged.licensed_count,
                    "data_version": staged.data_version,
                    "switched": switch,
                    "database": None if new_db is None else str(new_db),
                    "in_use": str(choice.path),
                }
            )
        elif switch:
            print(f"Switched: data version {staged.data_version or '(licensed texts only)'}")
            if new_db is not None and choice.path != new_db:
                print(f"Note: this workstation uses {choice.origin} data ({choice.path}).")
        else:
            print("Nothing was changed.")
        return EXIT_OK
    except BaseException:
        staged.discard()
        raise


if __name__ == "__main__":
    sys.exit(main())
