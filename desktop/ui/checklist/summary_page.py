"""The page after Complete: the lines to bill (each copyable), reminders, what the claim
check found in them, next patient."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.records.checklist import Billing, ChecklistRun
from desktop.reference.billing.claim import Finding
from desktop.ui.accessible import announce

BIG_BUTTON_HEIGHT = 40


def line_items(text: str, title: str, note: str, *, choice: bool = False) -> list[QStandardItem]:
    """One row: what to copy (bold for a definite line) and what it is."""
    line = QStandardItem(text)
    line.setData(text, Qt.ItemDataRole.UserRole)
    line.setData(f"{text}. {title}. {note}", Qt.ItemDataRole.AccessibleTextRole)
    font = line.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(not choice)
    line.setFont(font)
    what = QStandardItem(f"{title}\n{'If: ' if choice else ''}{note}" if note else title)
    what.setData(text, Qt.ItemDataRole.UserRole)
    what.setToolTip(title)
    return [line, what]


class SummaryPage(QWidget):
    """Lines to bill for a completed run.

    Signals:
        next_requested(): Next patient.
        history_requested(): History….
    """

    next_requested = Signal()
    history_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._billing: Billing | None = None
        self.summary_title = QLabel(self)
        self.summary_title.setWordWrap(True)
        self.summary_title.setAccessibleDescription("Checklist summary")
        self.lines_model = QStandardItemModel(self)
        self.lines_view = QTableView(self)
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setAccessibleName("Lines to bill")
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_view.setWordWrap(True)
        self.lines_view.setShowGrid(False)
        self.lines_view.verticalHeader().hide()
        self.lines_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.lines_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.sectionResized.connect(lambda *_: self._fit_lines())
        self.lines_view.doubleClicked.connect(lambda _i: self.copy_current_line())
        # Ctrl+C in the table copies the selected line. It is taken as a key press (not a
        # second Ctrl+C shortcut beside the window's), so the key has one meaning here.
        self.lines_view.installEventFilter(self)
        self.reminders = QLabel(self)
        self.reminders.setWordWrap(True)
        self.reminders.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.reminders.setAccessibleDescription("Reminders")
        self.reminders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("Copy &line", self)
        self.copy_button.setAccessibleName("Copy the selected line")
        self.copy_button.clicked.connect(self.copy_current_line)
        self.copy_all_button = QPushButton("Copy &all", self)
        self.copy_all_button.setAccessibleName("Copy all lines and reminders")
        self.copy_all_button.clicked.connect(self.copy_all)
        self.history_button = QPushButton("&History…", self)
        self.history_button.setAccessibleName("History of completed checklists")
        self.history_button.clicked.connect(self.history_requested)
        self.next_button = QPushButton("&Next patient", self)
        self.next_button.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.next_button.setAccessibleName("Next patient: start a new checklist")
        self.next_button.clicked.connect(self.next_requested)
        self.copied_label = QLabel(self)
        self.copied_label.setWordWrap(True)
        self.copied_label.setAccessibleDescription("Copy status")
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.copy_all_button)
        row.addWidget(self.history_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_title)
        layout.addWidget(self.lines_view, 1)
        layout.addWidget(self.reminders)
        layout.addWidget(self.copied_label)
        layout.addStretch(0)  # extra room goes to the lines first, up to their height
        layout.addLayout(row)

    def show_billing(
        self,
        run: ChecklistRun,
        billing: Billing,
        findings: Sequence[Finding] = (),
        check_error: str | None = None,
    ) -> None:
        """Show the lines of ``run``, with the claim check's ``findings`` on them (or why
        the check could not run)."""
        self._billing = billing
        self.summary_title.setText(
            f"<b>{run.template.title}</b><br>Completed. "
            + ("Lines to bill:" if billing.lines else "Choose the administration code:")
        )
        self.lines_model.clear()
        self.lines_model.setHorizontalHeaderLabels(["Line to bill", "What it is"])
        for line in billing.lines:
            self.lines_model.appendRow(line_items(line.text, line.title, line.note))
        if billing.choices:
            if billing.lines:
                header = QStandardItem("Choose what applies:")
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.lines_model.appendRow([header, QStandardItem()])
            for c in billing.choices:
                self.lines_model.appendRow(line_items(c.text, c.title, c.note, choice=True))
        if self.lines_model.rowCount():
            self.lines_view.setCurrentIndex(self.lines_model.index(0, 0))
        reminders = "".join(f"<li>{html.escape(r)}</li>" for r in billing.reminders)
        text = f"<b>Reminders</b><ul>{reminders}</ul>" if reminders else ""
        if check_error is not None:
            text += f"<p>The claim check could not run: {html.escape(check_error)}</p>"
        if findings:
            words = {"error": "Error", "warning": "Warning", "info": "Note"}
            items = "".join(
                f"<li>{words.get(f.severity, f.severity)}: {html.escape(f.message)}</li>"
                for f in findings
            )
            text += f"<b>Claim check</b><ul>{items}</ul>"
        self.reminders.setText(text)
        self.copied_label.setText("Select a line and press Ctrl+C or “Copy line”.")
        self.lines_view.setMaximumHeight(16777215)
        self.lines_view.setMinimumHeight(0)
        QTimer.singleShot(0, self, self._fit_lines)

    def spoken_summary(self, billing: Billing, findings: Sequence[Finding] = ()) -> str:
        """What a screen reader says on completion: the lines to bill, the reminders and
        how many findings the claim check has."""
        n = len(billing.lines)
        words = [f"Completed. {n} line{'' if n == 1 else 's'} to bill"]
        if billing.lines:
            words[0] += ": " + "; ".join(line.text for line in billing.lines)
        if billing.choices:
            words.append(f"{len(billing.choices)} to choose from")
        if billing.reminders:
            words.append(
                f"{len(billing.reminders)} reminder{'' if len(billing.reminders) == 1 else 's'}"
            )
        if findings:
            n = len(findings)
            words.append(f"the claim check found {n} thing{'' if n == 1 else 's'} to look at")
        return ". ".join(words) + "."

    def _fit_lines(self) -> None:
        """The lines list as tall as its lines (it scrolls if there are many); once laid
        out, so wrapped lines are measured at their real width."""
        view = self.lines_view
        view.resizeRowsToContents()
        height = view.verticalHeader().length() + view.horizontalHeader().height()
        height += 2 * view.frameWidth() + 2
        view.setMaximumHeight(height)
        # As tall as its lines, up to half the page (beyond that it scrolls).
        view.setMinimumHeight(min(height, max(self.height() // 2, 80)))

    def copy_current_line(self) -> None:
        index = self.lines_view.currentIndex()
        item = self.lines_model.itemFromIndex(index) if index.isValid() else None
        text = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if text:
            QGuiApplication.clipboard().setText(str(text))
            self.copied_label.setText(f"Copied: {text}")
            announce(self.copied_label, f"Copied: {text}")

    def copy_all(self) -> None:
        if self._billing is not None:
            QGuiApplication.clipboard().setText(self._billing.text)
            self.copied_label.setText("Copied all lines and reminders.")
            announce(self.copied_label, "Copied all lines and reminders.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.lines_view and event.type() == QEvent.Type.Resize:
            # Wrapped lines change height with the width: measure again once laid out.
            QTimer.singleShot(0, self, self._fit_lines)
        if (
            watched is self.lines_view
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Copy)
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # ours: the window's Copy action does not fire here
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.copy_current_line()
                return True
        return super().eventFilter(watched, event)
