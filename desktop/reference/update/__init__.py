"""Yearly code updates: import official files into a new reference database, switch to it.

This package only orchestrates; its modules: :mod:`.staging` (copy, apply, validate,
commit or discard), :mod:`.apply` (what each imported record means, written through
:class:`~desktop.reference.writer.ReferenceWriter`), :mod:`.changes` (what changed,
and its CSV), :mod:`.packs` (export a pack, go back to the bundled data, the pointer).
The formats, with their publishers and licences, are declared by the importer modules
(:data:`desktop.reference.importers.REGISTRY`).

The flow (shared by ``quickref db import`` and File > Import reference files...):

1. :func:`prepare_import` copies the database in use to a staging file in the user's
   data folder (``<user data>/reference/``), applies the imported files to the copy
   (streamed line by line), seals its checksum, validates it (opens it read-only with
   its checksum verified and runs a search) and computes what changed against the
   database in use. Nothing the app uses is touched; any failure or a cancel (the
   progress callback raises) deletes the staging file and leaves everything as it was.
2. :meth:`StagedUpdate.commit` moves the new file into place under a new name and
   switches to it by replacing a small pointer file (``active.json``) with
   ``os.replace``: the switch is atomic, a reader sees the old or the new database.
   :meth:`StagedUpdate.discard` throws the staged work away.

Formats (one reader module each in :mod:`desktop.reference.importers`):
``icd10cm-order`` and ``icd10cm-xml`` (ICD-10-CM, complete code set), ``hcpcs-fixed``
and ``hcpcs-csv`` (HCPCS Level II, complete code set), ``cpt-licensed`` (AMA
descriptors: stored apart, see :mod:`desktop.reference.licensed`) and ``local-csv``
(the clinic's own additions, docs/local-csv.md). A complete code set marks the codes
of its system that it does not list as deleted (they stay findable), with the
termination date the file gives; an import that would delete more than a tenth of a
code set is refused as a truncated or partial file.

The bundled database is never changed. :func:`use_bundled` goes back to it;
:func:`export_pack` writes the database in use for other workstations (see
:mod:`desktop.reference.paths` for how a shared pack is picked at start).
"""

from __future__ import annotations

from desktop.reference.importers import FORMATS, detect_format
from desktop.reference.update.apply import LOCAL_SOURCE, MAX_DELETE_MIN, MAX_DELETE_SHARE
from desktop.reference.update.changes import (
    CHANGE_KINDS,
    CSV_HEADER,
    Change,
    compare,
    write_changes_csv,
)
from desktop.reference.update.errors import (
    ImportCancelled,
    ImportFileError,
    ProgressCallback,
    UpdateError,
)
from desktop.reference.update.packs import PackInfo, export_pack, use_bundled
from desktop.reference.update.staging import (
    ImportedFile,
    StagedUpdate,
    next_data_version,
    prepare_import,
    reference_dir,
    remove_stale_staging,
)

__all__ = [
    "CHANGE_KINDS",
    "CSV_HEADER",
    "FORMATS",
    "LOCAL_SOURCE",
    "MAX_DELETE_MIN",
    "MAX_DELETE_SHARE",
    "Change",
    "ImportCancelled",
    "ImportFileError",
    "ImportedFile",
    "PackInfo",
    "ProgressCallback",
    "StagedUpdate",
    "UpdateError",
    "compare",
    "detect_format",
    "export_pack",
    "next_data_version",
    "prepare_import",
    "reference_dir",
    "remove_stale_staging",
    "use_bundled",
    "write_changes_csv",
]
