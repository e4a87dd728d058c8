"""Help > About: version, data version, sources and licences, the CPT notice, no network."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop import __version__
from desktop.reference.store import ReferenceStore, stale_code_set_warnings
from desktop.ui.geometry import remember_geometry

CPT_NOTICE = (
    "CPT is a registered trademark of the American Medical Association; QuickRef's CPT "
    "descriptions are its own plain-language wording, not AMA descriptors."
)
NO_NETWORK = (
    "QuickRef never uses the network: every search and every page is answered from the "
    "files on this computer, and nothing is sent anywhere."
)


def about_html(store: ReferenceStore) -> str:
    info = store.info()
    sets = "".join(
        f"<li>{escape(c.system)}: {escape(c.release)} ({c.codes:,} codes)</li>"
        for c in info.code_sets
    )
    stale = "".join(f"<li>{escape(w)}</li>" for w in stale_code_set_warnings(info))
    warning = f'<h3>Out of date</h3><ul class="warn">{stale}</ul>' if stale else ""
    sources = "".join(
        f"<li><b>{escape(s.title)}</b> ({escape(s.publisher)})<br>{escape(s.licence)}</li>"
        for s in store.sources()
    )
    return (
        f"<h2>QuickRef {escape(__version__)}</h2>"
        "<p>An offline coding quick reference for clinic injections.</p>"
        f"<p>Reference data version {escape(info.data_version)} "
        f"(released {escape(info.released)})</p><ul>{sets}</ul>{warning}"
        f"<p><b>{escape(NO_NETWORK)}</b></p>"
        f"<p>{escape(CPT_NOTICE)}</p>"
        "<p>HCPCS Level II descriptors (CMS) and ICD-10-CM titles (CDC) are public domain "
        "works of the US government.</p>"
        f"<h3>Data sources and licences</h3><ul>{sources}</ul>"
        f"<p>Reference database: {escape(str(info.path))}</p>"
        f"<p>Shared pack: {escape(_pack_line(store))}</p>"
    )


def _pack_line(store: ReferenceStore) -> str:
    """The shared pack in use (from the clinic's shared folder), or that there is none."""
    from desktop.reference.paths import reference_choice

    choice = reference_choice()
    if choice.pack is not None and choice.path == store.path:
        return choice.pack.describe()
    return "none (this workstation's own data)"


class AboutDialog(QDialog):
    def __init__(self, store: ReferenceStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About QuickRef")
        self.setAccessibleName("About QuickRef")
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("About QuickRef: version, data sources and licences")
        self.text.setHtml(about_html(store))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        fm = self.fontMetrics()
        self.resize(fm.averageCharWidth() * 90, fm.height() * 34)
        remember_geometry(self, "about_dialog")
