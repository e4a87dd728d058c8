"""Searching in the window: the controller (what to answer) apart from the panel (showing it)."""

from __future__ import annotations

from desktop.ui.search.controller import SearchController
from desktop.ui.search.panel import SearchPanel

__all__ = ["SearchController", "SearchPanel"]
