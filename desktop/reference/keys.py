"""What the built reference database promises its readers, in one small module.

The schema version it carries, the names every module shares (code systems, units,
routes, checklist step kinds, relations, statuses) and the normalised keys codes and
search terms are stored under. Kept apart from ``build.py`` so that opening and
searching the database (every start of the app) does not import the builder and the
importers. Define a list here once; import it everywhere else.
"""

from __future__ import annotations

import re

# Bump together with ``PRAGMA user_version`` in schema.sql.
SCHEMA_VERSION = 2

#: The code systems of the bundled data, in the order results and lists show them.
SYSTEMS = ("CPT", "HCPCS", "ICD-10-CM")
#: The clinic's own codes (local CSV imports) live in a system of their own.
LOCAL_SYSTEM = "LOCAL"
#: Billing-unit measures a drug's HCPCS unit is given in.
UNITS = ("mg", "mcg", "g", "units", "mL")
#: Routes of administration a drug or vaccine record may list (PO: by mouth, oral vaccines).
ROUTES = ("IM", "SC", "IV", "ID", "IN", "PO")
#: Kinds of checklist step (schema.sql checks the same list).
STEP_KINDS = ("tick", "yes_no", "drug_dose", "choice", "vaccines")
STEP_TICK, STEP_YES_NO, STEP_DRUG_DOSE, STEP_CHOICE, STEP_VACCINES = STEP_KINDS
#: Typed cross-references between codes (schema.sql checks the same list).
RELATIONS = ("use_instead", "report_with", "see_also")
#: A code's status (schema.sql checks the same list).
STATUSES = ("active", "deleted", "not_for_new_use")
#: How a drug comes: single-dose containers (JZ/JW apply for Medicare), multi-dose, or both.
PACKAGING = ("single_dose", "multi_dose", "both")
#: Vaccine product groups the administration rules tell apart (schema.sql checks them).
VACCINE_GROUPS = ("influenza", "pneumococcal", "hepatitis_b", "covid19", "other")

_TERM_WORD = re.compile(r"[^\W_]+")
#: A word the typo corrector may suggest: lower-case letters only (vocabulary table).
VOCABULARY_WORD = re.compile(r"^[a-z][a-z]+$")


def code_key(code: str) -> str:
    """The normalised form codes are looked up by: upper case, no dot, no spaces."""
    return code.upper().replace(".", "").replace(" ", "")


def term_key(text: str) -> str:
    """The normalised form search terms are matched by: lower case words, one space."""
    return " ".join(_TERM_WORD.findall(text.lower()))


#: What a search reads of a query (longer text is cut here).
MAX_QUERY_CHARS = 200


def clean_query(text: str) -> str:
    """Normalise what was typed: NFKC, no control characters, single spaces, capped.

    Here, not in the search package, so the window can tell an empty query without
    importing the search (which is loaded after the first paint).
    """
    import unicodedata

    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_CHARS * 4])
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()
