"""The ``quickref`` command: the window when run bare, a scriptable CLI otherwise.

The CLI calls the same functions as the window (``SearchEngine.search``,
``ReferenceStore.record``, ``units_for_code``), so what it prints is what the window
shows. Exit codes: 0 ok, 1 not found / bad input, 2 reference data unusable.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desktop import __version__
from desktop.commands.output import EXIT_DATA, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from desktop.commands.output import print_json as _print_json
from desktop.commands.output import say as _say
from desktop.reference.keys import SYSTEMS

if TYPE_CHECKING:  # the store and commands are imported when a command needs them
    from decimal import Decimal

    from desktop.reference.store import CodeRecord, Mue, ReferenceStore

MAX_LIMIT = 1000


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 1 (bad input), not 2 (which means damaged data)."""

    def error(self, message: str) -> NoReturn:
        from desktop.safe_io import echo

        self.print_usage(sys.stderr)
        hint = ""
        odd = [a for a in _ARGV if a.startswith("-") and not a.startswith("--") and len(a) > 2]
        if odd and ("required" in message or "unrecognized" in message):
            hint = (
                f" (if '{echo(odd[0], 60)}' is a file name, write it as ./{echo(odd[0], 60)}"
                " or put -- before it)"
            )
        self.exit(EXIT_USAGE, f"{self.prog}: error: {echo(message, 400)}{hint}\n")


_ARGV: list[str] = []  # the arguments being parsed, for the hint above


#: "-inf", "-1,5", "-1e5" are amounts, not options (argparse only knows "-1" and "-.5").
_NEGATIVE_AMOUNT = re.compile(r"^-(\d|\.\d|,\d|inf|nan)", re.IGNORECASE)


def _limit(text: str) -> int:
    """``--limit``: a whole number from 1 to MAX_LIMIT."""
    from desktop.safe_io import echo

    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{echo(text, 40)}' is not a whole number (1 to {MAX_LIMIT})"
        ) from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and {MAX_LIMIT}")
    return value


WINDOW_OPTIONS = ("--self-test",)


def window_only(argv: Sequence[str]) -> bool:
    """True if ``argv`` only opens the window (or the self-test): no command, no help.

    Then :func:`_parser` can leave out the commands, which keeps argparse (and the
    command modules) off the way to the first paint; the answer is the same.
    """
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in WINDOW_OPTIONS or (arg.startswith("--db=") and len(arg) > 5):
            i += 1
        elif arg == "--db" and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            i += 2
        else:
            return False
    return True


def _parser(*, commands: bool = True) -> argparse.ArgumentParser:
    p = _Parser(
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
    if not commands:
        p.set_defaults(command=None)
        return p
    from desktop.commands import check as check_command
    from desktop.commands import config as config_command
    from desktop.commands import db_update

    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("search", help="search codes, drugs, brand names or words")
    s.add_argument("query")
    s.add_argument("--limit", type=_limit, default=20, help=f"1 to {MAX_LIMIT} (default 20)")
    s.add_argument("--system", choices=SYSTEMS)
    s.add_argument("--json", action="store_true")

    sh = sub.add_parser("show", help="show the whole record of one code")
    sh.add_argument("code")
    sh.add_argument("--system", choices=SYSTEMS)
    sh.add_argument("--json", action="store_true")

    u = sub.add_parser("units", help="billing units of a HCPCS drug code for a dose")
    u._negative_number_matcher = _NEGATIVE_AMOUNT  # "-inf mg" reaches the amount parser
    u.add_argument("code")
    u.add_argument("amount", help='the dose, with or without its unit: 1, "1 g", 500mg')
    u.add_argument("unit", nargs="?", help="g, mg, mcg, units or mL (if not in the amount)")
    u.add_argument("--json", action="store_true")

    config_command.register(sub)
    check_command.add_parser(sub)

    db = sub.add_parser("db", help="the reference database")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    b = dbsub.add_parser("build", help="rebuild the reference database from the sources")
    b.add_argument("--output", type=Path, help="where to write (default: the bundled location)")
    b.add_argument("--if-stale", action="store_true", help="only if missing or out of date")
    b.add_argument("--icd10cm-xml", type=Path, help="CDC ICD-10-CM tabular XML to import")
    i = dbsub.add_parser("info", help="versions, counts and checksum")
    i.add_argument("--json", action="store_true")
    db_update.add_parsers(dbsub)
    return p


def _decimal_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except OSError as exc:  # a file or folder the system refused: say which, no traceback
        _say(exc)
        return EXIT_NOT_FOUND


def _main(argv: Sequence[str] | None) -> int:
    _ARGV[:] = list(sys.argv[1:] if argv is None else argv)
    args = _parser(commands=not window_only(_ARGV)).parse_args(argv)
    if args.self_test:
        from desktop.self_test import run_self_test

        return run_self_test(args.db)
    if args.command is None:
        from desktop.ui.app import run_gui

        return run_gui(args.db)
    from desktop.commands import check as check_command
    from desktop.commands import config as config_command
    from desktop.commands import db_update

    if args.command == "config":
        return config_command.run(args)
    if args.command == "db" and args.db_command == "build":
        return _cmd_build(args)
    if args.command == "db" and args.db_command == "sign-pack":
        return db_update.sign_pack(args)
    if args.command == "db" and args.db_command in db_update.UPDATE_COMMANDS:
        return db_update.run(args)

    from desktop.reference.store import ReferenceDataError, ReferenceStore

    try:
        db = args.db
        if db is None:
            from desktop.reference import paths

            choice = paths.reference_choice()
            for note in choice.notes:
                _say(f"note: {note}")
            db = choice.path
        with ReferenceStore(db) as store:
            if args.command != "db":
                store.verify_cached()  # every answer from verified data (once per file)
            if args.command == "search":
                return _cmd_search(store, args)
            if args.command == "show":
                return _cmd_show(store, args)
            if args.command == "units":
                return _cmd_units(store, args)
            if args.command == "check":
                return check_command.run(store, args)
            return _cmd_info(store, args)
    except ReferenceDataError as exc:
        _say(exc)
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


def _cmd_search(store: ReferenceStore, args: argparse.Namespace) -> int:
    from desktop.reference.search import SearchEngine
    from desktop.reference.search.results import modifiers_phrase

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
                "modifiers_not_in_reference": resp.other_modifiers,
            }
        )
        return EXIT_OK
    from desktop.safe_io import echo

    if resp.corrected:
        print(f"Showing results for: {echo(resp.corrected)}")
    if resp.other_modifiers:
        print(f"Not in the reference, left out: {modifiers_phrase(resp.other_modifiers)}.")
    if not resp.results:
        hint = f" Did you mean: {', '.join(resp.suggestions)}?" if resp.suggestions else ""
        print(f"No results for '{echo(args.query)}'.{hint}")
        return EXIT_OK
    for r in resp.results:
        flag = {True: "billable", False: "not billable", None: ""}[r.billable]
        status = "" if r.summary.status == "active" else f" [{r.summary.status.replace('_', ' ')}]"
        print(f"{r.code:<9} {r.system:<10} {flag:<13} {r.title}{status}")
    return EXIT_OK


def mue_to_json(mue: Mue | None) -> dict[str, Any] | None:
    """The JSON form of a :class:`Mue` (or None)."""
    if mue is None:
        return None
    return {
        "units": mue.units,
        "indicator": mue.indicator,
        "indicator_text": mue.indicator_text,
        "rationale": mue.rationale,
        "effective": mue.effective,
    }


def record_to_json(rec: CodeRecord, mue: Mue | None = None) -> dict[str, Any]:
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
        "packaging": rec.packaging,
        "mue": mue_to_json(mue),
        "vaccine": (
            None
            if rec.vaccine_group is None
            else {"group": rec.vaccine_group, "components": rec.components}
        ),
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


def _cmd_show(store: ReferenceStore, args: argparse.Namespace) -> int:
    from desktop.reference.search import SearchEngine

    rec = store.get(args.code, args.system)
    if rec is None:
        resp = SearchEngine(store).search(args.code, limit=5, system=args.system)
        near = [r.code for r in resp.results] or resp.suggestions
        hint = f" Near matches: {', '.join(near)}." if near else ""
        from desktop.safe_io import echo

        _say(f"no code '{echo(args.code, 40)}'.{hint}")
        return EXIT_NOT_FOUND
    mue = store.mue_of(rec)
    if args.json:
        _print_json(record_to_json(rec, mue))
        return EXIT_OK
    print(format_record(rec))
    if mue is not None:
        print(
            f"MUE (CMS, effective {mue.effective}): {mue.units} units; {mue.indicator_text};"
            f" rationale: {mue.rationale}"
        )
    return EXIT_OK


_RELATION_LABELS = {
    "use_instead": "Use instead",
    "report_with": "Report with",
    "see_also": "See also",
}


def format_record(rec: CodeRecord) -> str:
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
    if rec.vaccine_group:
        group = str(rec.vaccine_group).replace("_", " ")
        lines.append(f"Vaccine group: {group}; components (for 90461): {rec.components}")
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


def _cmd_units(store: ReferenceStore, args: argparse.Namespace) -> int:
    from desktop.reference.units import UnitError, units_for_code

    try:
        du = units_for_code(store, args.code, args.amount, args.unit)
    except UnitError as exc:
        _say(exc)
        return EXIT_NOT_FOUND
    except (ArithmeticError, ValueError):  # an amount too large or small to compute with
        from desktop.safe_io import echo

        _say(f"the amount '{echo(args.amount, 40)}' cannot be used: enter a plain dose such as 500")
        return EXIT_USAGE
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
                "warnings": list(du.warnings),
            }
        )
    else:
        print(
            f"{du.code} x {du.units}  ({format(du.dose_amount, 'f')} {du.dose_unit}, "
            f"billed per {du.billing_unit})"
        )
        for warning in du.warnings:
            print(f"Warning: {warning}")
    return EXIT_OK


def _cmd_info(store: ReferenceStore, args: argparse.Namespace) -> int:
    from desktop.reference.store import ReferenceDataError, stale_code_set_warnings

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
                "pack": _pack_json(store.path),
                "size_bytes": info.size_bytes,
                "code_sets": [
                    {
                        "system": c.system,
                        "release": c.release,
                        "codes": c.codes,
                        "billable": c.billable,
                        "source": c.source_id,
                        "effective_from": c.effective_from,
                        "effective_through": c.effective_through,
                        "current": c.current(),
                    }
                    for c in info.code_sets
                ],
                "mue": None
                if info.mue is None
                else {
                    "effective_from": info.mue.effective_from,
                    "effective_through": info.mue.effective_through,
                    "current": info.mue.current(),
                    "codes": info.mue.rows,
                    "source": info.mue.source_id,
                },
                "warnings": stale_code_set_warnings(info),
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
        print(f"Shared pack: {_pack_text(store.path)}")
        for c in info.code_sets:
            print(
                f"  {c.system:<10} {c.release:<32} {c.codes:>7,} codes, {c.billable:>7,} billable"
            )
            if c.effective_from or c.effective_through:
                state = "current" if c.current() else "NOT current"
                print(
                    f"             in force {c.effective_from} to {c.effective_through} ({state})"
                )
        if info.mue is not None:
            state = "current" if info.mue.current() else "NOT current"
            print(
                f"  MUE        {info.mue.rows:,} codes, in force {info.mue.effective_from} to"
                f" {info.mue.effective_through} ({state})"
            )
        for warning in stale_code_set_warnings(info):
            print(f"Warning: {warning}")
        print("Sources:")
        for s in info.sources:
            print(f"  {s.id}: {s.title} ({s.publisher}); {s.licence}")
    return EXIT_OK if verified == "verified" else EXIT_DATA


def _pack_in_use(db: Path) -> Any:
    """The shared pack ``db`` is, if the workstation chose it from its shared folder."""
    from desktop.reference import paths

    choice = paths.reference_choice()
    if choice.pack is not None and choice.path == db:
        return choice.pack
    return None


def _pack_json(db: Path) -> dict[str, Any] | None:
    pack = _pack_in_use(db)
    if pack is None:
        return None
    return {
        "metadata": str(pack.metadata),
        "database": str(pack.db),
        "data_version": pack.data_version,
        "created": pack.created,
        "signed_by": pack.signed_by or None,
    }


def _pack_text(db: Path) -> str:
    pack = _pack_in_use(db)
    return "none (this workstation's own data)" if pack is None else pack.describe()


if __name__ == "__main__":
    sys.exit(main())
