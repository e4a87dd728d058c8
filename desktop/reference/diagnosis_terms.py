"""The reviewed diagnosis search terms (``resources/data/diagnosis_terms.toml``).

Read at build time: each term becomes a search term of its ICD-10-CM code (the
``terms`` table and the code's full-text row), and an abbreviation's ``means`` a
synonym, so that "ckd 3" reaches "chronic kidney disease, stage 3".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "diagnosis_terms.toml"


class DiagnosisTermsError(ValueError):
    """A broken entry; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class DiagnosisTerm:
    term: str
    code: str
    source: str
    means: str | None = None


def read_diagnosis_terms(data_dir: Path, sources: set[str] | None = None) -> list[DiagnosisTerm]:
    """Every entry of the file (none if it is absent), checked for shape and source."""
    path = data_dir / FILE_NAME
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DiagnosisTermsError(f"{path}: {exc}") from None
    out: list[DiagnosisTerm] = []
    seen: set[str] = set()
    for gi, group in enumerate(data.get("group", []), 1):
        source = group.get("source")
        if not isinstance(source, str) or (sources is not None and source not in sources):
            raise DiagnosisTermsError(f"{path}: group #{gi} has an unknown source {source!r}")
        for entry in group.get("terms", []):
            term, code, means = entry.get("term"), entry.get("code"), entry.get("means")
            if not isinstance(term, str) or not term.strip() or not isinstance(code, str):
                raise DiagnosisTermsError(f"{path}: group #{gi}: an entry needs term and code")
            if means is not None and not isinstance(means, str):
                raise DiagnosisTermsError(f"{path}: {term!r}: means must be text")
            key = term.strip().lower()
            if key in seen:
                raise DiagnosisTermsError(f"{path}: {term!r} is listed twice")
            seen.add(key)
            out.append(DiagnosisTerm(key, code.strip(), source, means))
    return out
