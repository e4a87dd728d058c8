"""The injection checklist dock, one widget per module.

``dock`` (the dock and its run page), ``step_panel`` (the current step),
``drug_editor`` (drug and dose), ``summary_page`` (lines to bill), ``banner``,
``step_delegate`` and ``models`` (the Qt models), ``dose_text`` (reading "1 g").
"""

from __future__ import annotations

from desktop.ui.checklist.dock import ChecklistDock

__all__ = ["ChecklistDock"]
