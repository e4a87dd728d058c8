"""When a code set release is in force: the window an imported file gives.

ICD-10-CM releases run by US federal fiscal year (FY2027: 2026-10-01 to 2027-09-30);
HCPCS Level II files and the CMS MUE tables are quarterly (January, April, July,
October). The window is read from what the file says of itself (its fiscal year, or the
month and year in CMS's file name); when it says nothing, the window is unknown (None).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["fiscal_year_window", "quarter_window", "release_window"]

_FY = re.compile(r"FY\s?(\d{4})", re.IGNORECASE)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_HCPCS_NAME = re.compile(r"(20\d\d)[_ -]?(JAN|APR|JUL|OCT)", re.IGNORECASE)
_MDY = re.compile(r"(\d{2})-(\d{2})-(20\d\d)")

Window = tuple[str | None, str | None]


def fiscal_year_window(year: int) -> Window:
    """FY2027 -> ("2026-10-01", "2027-09-30")."""
    return (f"{year - 1}-10-01", f"{year}-09-30")


def quarter_window(start: dt.date) -> Window:
    """The quarter starting on ``start``: (start, the day before three months later)."""
    month = start.month + 3
    nxt = dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return (start.isoformat(), (nxt - dt.timedelta(days=1)).isoformat())


def release_window(system: str, release: str, file_name: str = "") -> Window:
    """The window of an imported release, or (None, None) when the file does not say."""
    if system == "ICD-10-CM":
        m = _FY.search(release) or _FY.search(file_name)
        return fiscal_year_window(int(m.group(1))) if m else (None, None)
    if system == "HCPCS":
        m = _HCPCS_NAME.search(file_name) or _HCPCS_NAME.search(release)
        if m:
            return quarter_window(dt.date(int(m.group(1)), _MONTHS[m.group(2).upper()], 1))
        return (None, None)
    if system == "MUE":
        m = _MDY.search(file_name)
        if m:
            month, day, year = (int(g) for g in m.groups())
            try:
                return quarter_window(dt.date(year, month, day))
            except ValueError:
                return (None, None)
    return (None, None)
