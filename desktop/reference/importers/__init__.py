"""Readers for official code files, one module per format, and the registry of formats.

Each reader module declares its format (``INFO``: id, label, how a file is recognised,
publisher, URL, licence, which code system it lists in full). :data:`REGISTRY` lists
them in the order a file is tested against them; :func:`detect_format` names the
format of a file from its first lines.
"""

from __future__ import annotations

from pathlib import Path

from desktop.reference.importers import (
    cms_mue,
    cpt_licensed,
    hcpcs_csv,
    hcpcs_fixed,
    icd10cm_index,
    icd10cm_order,
    icd10cm_tabular,
    local_csv,
    ncci_ptp,
)
from desktop.reference.importers.common import FormatInfo, ImportFileError
from desktop.safe_io import NotRegularFileError, check_regular, open_regular

__all__ = ["FORMATS", "REGISTRY", "FormatInfo", "detect_format", "format_info"]

#: Every format QuickRef imports, in the order a file is tested against them (the CPT
#: file last: it is recognised by any code<TAB>text line among the first ones).
REGISTRY: tuple[FormatInfo, ...] = (
    icd10cm_index.INFO,  # before the tabular list: both are XML
    icd10cm_tabular.INFO,
    cms_mue.INFO,
    icd10cm_order.INFO,
    hcpcs_fixed.INFO,
    hcpcs_csv.INFO,
    local_csv.INFO,
    ncci_ptp.INFO,
    cpt_licensed.INFO,
)
#: format id -> what a person calls it
FORMATS: dict[str, str] = {f.id: f.label for f in REGISTRY}
_BY_ID = {f.id: f for f in REGISTRY}


def format_info(format_id: str) -> FormatInfo:
    """The declaration of format ``format_id`` (KeyError if there is none)."""
    return _BY_ID[format_id]


def _first_lines(path: Path, n: int = 40) -> list[str]:
    try:
        with open_regular(path) as fh:
            head = fh.read(64 * 1024)
    except NotRegularFileError as exc:
        raise ImportFileError(path, None, exc.reason) from None
    except OSError as exc:
        raise ImportFileError(path, None, f"cannot be read ({exc.strerror})") from None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:n]  # LF, CRLF, CR


def detect_format(path: Path) -> str:
    """The format id of ``path`` from its first lines; ImportFileError if none fits."""
    path = Path(path)
    try:
        st = check_regular(path)  # a FIFO, device or /proc file: refused, never opened
    except NotRegularFileError as exc:
        raise ImportFileError(path, None, exc.reason) from None
    if st.st_size == 0:
        raise ImportFileError(path, None, "the file is empty")
    lines = _first_lines(path)
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise ImportFileError(path, 1, "the file is empty (only blank lines)")
    lines = lines[start:]
    for info in REGISTRY:
        if info.recognises(lines):
            return info.id
    raise ImportFileError(
        path,
        1,
        "not a file QuickRef can import. Accepted: " + "; ".join(FORMATS.values()),
    )
