"""The ``quickref`` command: the window when run bare, a scriptable CLI otherwise.

The CLI calls the same functions as the window (``SearchEngine.search``,
``ReferenceStore.record``, ``units_for_code``), so what it prints is what the window
shows. Exit codes: 0 ok, 1 not found / bad input, 2 reference data unusable.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desktop import __version__
from desktop.commands import check as check_command
from desktop.commands import config as config_command
from desktop.reference.keys import SYSTEMS

if TYPE_CHECKING:  # the store is imported when a command needs it (start-up time)
    from desktop.reference.store import CodeRecord, Mue, ReferenceStore
    from desktop.reference.update import StagedUpdate

EXIT_OK, EXIT_NOT_FOUND, EXIT_DATA = 0, 1, 2
EXIT_USAGE = EXIT_NOT_FOUND  # bad input; 2 is kept for damaged or missing data
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


def _say(message: object) -> None:
    """An error or note on stderr, escaped and capped (it may carry a user's input)."""
    from desktop.safe_io import echo

    print(f"quickref: {echo(message, 2000)}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
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
    _add_update_parsers(dbsub)
    return p


def _add_update_parsers(dbsub: argparse._SubParsersAction[_Parser]) -> None:
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
    ep.add_argument(
        "--key", type=Path, metavar="PRIVATE.pem", help="sign the pack with the clinic's key"
    )
    sp = dbsub.add_parser(
        "sign-pack",
        help="sign the valid packs in a shared folder (or one pack's .json) with the "
        "clinic's Ed25519 private key",
    )
    sp.add_argument("target", type=Path, metavar="FOLDER")
    sp.add_argument("--key", type=Path, metavar="PRIVATE.pem", required=True)


def _cmd_export_pack(args: argparse.Namespace) -> int:
    """``db export-pack DIR [--key PRIVATE.pem]``: write a pack, sign it with ``--key``."""
    from desktop.reference import pack_signature, update

    try:
        pack = update.export_pack(args.dir, args.db)
    except (update.UpdateError, OSError) as exc:
        _say(f"export failed: {exc}")
        return EXIT_NOT_FOUND
    print(f"Wrote {pack.db} (data version {pack.data_version}, sha256 {pack.sha256})")
    print(f"Metadata: {pack.metadata}")
    if args.key is not None:
        try:
            sig = pack_signature.sign_file(pack.metadata, args.key)
        except pack_signature.SignatureError as exc:
            _say(f"the pack was written but not signed: {exc}")
            return EXIT_USAGE
        print(f"Signature: {sig}")
    return EXIT_OK


def _print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


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
    args = _parser().parse_args(argv)
    if args.self_test:
        from desktop.self_test import run_self_test

        return run_self_test(args.db)
    if args.command is None:
        from desktop.ui.app import run_gui

        return run_gui(args.db)
    if args.command == "config":
        return config_command.run(args)
    if args.command == "db" and args.db_command == "build":
        return _cmd_build(args)
    if args.command == "db" and args.db_command == "sign-pack":
        return _cmd_sign_pack(args)
    if args.command == "db" and args.db_command in (
        "import",
        "changes",
        "use-bundled",
        "export-pack",
    ):
        return _cmd_update(args)

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
    from desktop.safe_io import echo

    if resp.corrected:
        print(f"Showing results for: {echo(resp.corrected)}")
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
    mue = store.mue(rec.code) if rec.system in ("CPT", "HCPCS") else None
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


def _print_changes(staged: StagedUpdate, wrote_csv: bool) -> None:
    """The files read and what changed (the first 40), as ``db import`` prints them."""
    from desktop.reference import update

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
        print(f"  ... and {more:,} more" + ("" if wrote_csv else " (see --csv OUT)"))


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


def _cmd_sign_pack(args: argparse.Namespace) -> int:
    from desktop.reference import pack_signature

    try:
        signed = pack_signature.sign_packs(args.target, args.key)
    except pack_signature.SignatureError as exc:
        _say(f"sign-pack failed, nothing was signed: {exc}")
        return EXIT_USAGE
    for meta, what in signed:
        print(f"Signed {meta.name}: {what}")
    return EXIT_OK


def _cmd_update(args: argparse.Namespace) -> int:
    """``db import / changes / use-bundled / export-pack``: calls desktop.reference.update."""
    from desktop.csvout import check_target as check_csv_target
    from desktop.reference import paths, update

    try:
        if args.db_command == "use-bundled":
            update.use_bundled()
            choice = paths.reference_choice()
            print(f"Using {choice.origin} reference data: {choice.path}")
            return EXIT_OK
        if args.db_command == "export-pack":
            return _cmd_export_pack(args)
        dry_run = args.db_command == "changes" or args.dry_run
        if args.csv:
            check_csv_target(args.csv)  # before the import, not after minutes of work
        staged = update.prepare_import(args.files, base=args.db)
    except (update.ImportFileError, update.UpdateError, OSError) as exc:
        _say(f"import failed, nothing was changed: {exc}")
        return EXIT_NOT_FOUND
    try:
        if args.csv:
            try:
                staged.export_changes_csv(args.csv)
            except OSError as exc:
                staged.discard()
                _say(f"nothing was changed: {exc}")
                return EXIT_NOT_FOUND
        if not args.json:
            _print_changes(staged, bool(args.csv))
        switch = not dry_run
        if switch and not args.yes and not args.json and sys.stdin.isatty():
            try:
                answer = input("Switch to the new data? [y/N] ")
            except EOFError:  # end of input (Ctrl+D) is "no"
                print()
                answer = ""
            switch = answer.strip().lower() in ("y", "yes")
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
