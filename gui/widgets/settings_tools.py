"""Settings → Tools: the MCP servers whose tools chats may offer (issue #20).

A list of servers (checked: enabled), Add / Remove / Test / Import… / Export…, and the
selected server's fields: a stdio server's command, arguments and environment, or a
Streamable HTTP server's URL and headers. The page edits plain values (`ServerEntry`)
and emits intents; the settings controller (gui/tool_settings.py) starts a server for
Test, reads and writes the files and puts secret values in the keychain.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ServerEntry", "ToolsPage"]

Pairs = tuple[tuple[str, str], ...]


class ServerEntry(NamedTuple):
    """One server as the page edits it. A secret's value is "" when it is kept in the
    keychain: left empty, the stored one stays."""

    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: Pairs = ()
    url: str = ""
    headers: Pairs = ()
    secrets: frozenset[str] = frozenset()
    enabled: bool = True


def _pairs_text(pairs: Pairs, separator: str) -> str:
    return "\n".join(f"{key}{separator}{value}" for key, value in pairs)


def _pairs(text: str, separator: str) -> Pairs:
    out = []
    for line in text.splitlines():
        key, found, value = line.partition(separator)
        if found and key.strip():
            out.append((key.strip(), value.strip()))
    return tuple(out)


class ToolsPage(QWidget):
    """The Tools page of the Settings dialog."""

    #: Test: start this server (a ServerEntry, as edited, unsaved) and list its tools
    test_requested = Signal(object)
    #: Import… / Export…: a chosen file's path
    import_requested = Signal(str)
    export_requested = Signal(str)

    def __init__(self, entries: Sequence[ServerEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ServerEntry] = list(entries)
        self._row = -1
        self.servers = QListWidget(self)
        self.servers.setAccessibleName(self.tr("Tool servers"))
        self.servers.setAccessibleDescription(self.tr("Checked servers may be offered in chats"))
        buttons = QHBoxLayout()
        self.add_button = self._button(self.tr("&Add"), self.tr("Add a tool server"), buttons)
        self.remove_button = self._button(
            self.tr("Re&move"), self.tr("Remove the selected tool server"), buttons
        )
        self.test_button = self._button(
            self.tr("T&est"), self.tr("Start the selected server and list its tools"), buttons
        )
        self.import_button = self._button(
            self.tr("&Import…"), self.tr("Import servers from an mcpServers JSON file"), buttons
        )
        self.export_button = self._button(
            self.tr("E&xport…"), self.tr("Export the servers as mcpServers JSON"), buttons
        )
        buttons.addStretch(1)
        self.name = self._line(self.tr("Server name"))
        self.command = self._line(self.tr("Command"))
        self.args = self._line(self.tr("Arguments"))
        self.url = self._line(self.tr("URL"))
        self.url.setPlaceholderText("https://…/mcp")
        self.env = self._text(self.tr("Environment: one NAME=value a line"))
        self.headers = self._text(self.tr("Headers: one Name: value a line"))
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Command:"), self.command)
        form.addRow(self.tr("Ar&guments:"), self.args)
        form.addRow(self.tr("En&vironment:"), self.env)
        form.addRow(self.tr("&URL:"), self.url)
        form.addRow(self.tr("&Headers:"), self.headers)
        hint = QLabel(
            self.tr(
                "A stdio server runs a command; an HTTP server has a URL. Values of names with"
                " KEY, TOKEN, SECRET or PASSWORD go to the keychain, never into a file; left"
                " empty, the stored value stays. Each call a model makes is asked first."
            )
        )
        hint.setWordWrap(True)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName(self.tr("Test result"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.servers, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.result)
        self.add_button.clicked.connect(self.add_server)
        self.remove_button.clicked.connect(self.remove_server)
        self.test_button.clicked.connect(self._test)
        self.import_button.clicked.connect(lambda: self._choose_file(saving=False))
        self.export_button.clicked.connect(lambda: self._choose_file(saving=True))
        self.servers.currentRowChanged.connect(self._select)
        self._fill_list()

    def _button(self, label: str, name: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(label, self)
        button.setAccessibleName(name)
        button.setToolTip(name)
        row.addWidget(button)
        return button

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        return edit

    def _text(self, name: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setAccessibleName(name)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(64)
        return edit

    # -- the list --------------------------------------------------------------------
    def _fill_list(self) -> None:
        self.servers.blockSignals(True)
        self.servers.clear()
        from PySide6.QtCore import Qt

        for entry in self.entries:
            item = QListWidgetItem(self._label(entry))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if entry.enabled else Qt.CheckState.Unchecked)
            self.servers.addItem(item)
        self.servers.blockSignals(False)
        self._row = -1
        self.servers.setCurrentRow(0 if self.entries else -1)
        if not self.entries:
            self._show(ServerEntry(""))
        self._enable()

    def _label(self, entry: ServerEntry) -> str:
        how = "HTTP" if entry.url else "stdio"
        unnamed = self.tr("(unnamed)")
        return f"{entry.name or unnamed} — {how}"

    def _enable(self) -> None:
        chosen = self._row >= 0
        widgets: tuple[QWidget, ...] = (self.remove_button, self.test_button, self.name)
        for widget in (*widgets, self.command, self.args, self.env, self.url, self.headers):
            widget.setEnabled(chosen)

    def _select(self, row: int) -> None:
        self._commit()
        self._row = row
        self._show(self.entries[row] if 0 <= row < len(self.entries) else ServerEntry(""))
        self._enable()

    def _show(self, entry: ServerEntry) -> None:
        self.name.setText(entry.name)
        self.command.setText(entry.command)
        self.args.setText(shlex.join(entry.args))
        self.env.setPlainText(_pairs_text(entry.env, "="))
        self.url.setText(entry.url)
        self.headers.setPlainText(_pairs_text(entry.headers, ": "))

    def _commit(self) -> None:
        """The fields into the entry being edited."""
        from PySide6.QtCore import Qt

        row = self._row
        if not 0 <= row < len(self.entries):
            return
        try:
            args = tuple(shlex.split(self.args.text()))
        except ValueError:  # an open quote: taken as typed
            args = tuple(self.args.text().split())
        item = self.servers.item(row)
        entry = self.entries[row]._replace(
            name=self.name.text().strip(),
            command=self.command.text().strip(),
            args=args,
            env=_pairs(self.env.toPlainText(), "="),
            url=self.url.text().strip(),
            headers=_pairs(self.headers.toPlainText(), ":"),
            enabled=item is not None and item.checkState() == Qt.CheckState.Checked,
        )
        self.entries[row] = entry
        if item is not None:
            item.setText(self._label(entry))

    # -- intents -----------------------------------------------------------------------
    def current_entries(self) -> list[ServerEntry]:
        """The servers as edited now."""
        self._commit()
        return list(self.entries)

    def set_entries(self, entries: Sequence[ServerEntry]) -> None:
        self.entries = list(entries)
        self._fill_list()

    def add_server(self) -> None:
        self._commit()
        taken = {entry.name for entry in self.entries}
        name = next(f"server{n}" for n in range(1, 1000) if f"server{n}" not in taken)
        self.entries.append(ServerEntry(name))
        self._fill_list()
        self.servers.setCurrentRow(len(self.entries) - 1)
        self.name.setFocus()
        self.name.selectAll()

    def remove_server(self) -> None:
        row = self._row
        if 0 <= row < len(self.entries):
            del self.entries[row]
            self._row = -1
            self._fill_list()
            self.servers.setCurrentRow(min(row, len(self.entries) - 1))

    def problems(self) -> list[str]:
        """What keeps the servers from being saved, in words."""
        out, seen = [], set()
        for entry in self.current_entries():
            if not entry.name:
                out.append(self.tr("A tool server has no name."))
            elif entry.name in seen:
                out.append(self.tr("Two tool servers are named {0}.").format(entry.name))
            elif bool(entry.command) == bool(entry.url):
                out.append(self.tr("Tool server {0} needs a command or a URL.").format(entry.name))
            seen.add(entry.name)
        return out

    def _test(self) -> None:
        self._commit()
        if 0 <= self._row < len(self.entries):
            problems = [p for p in self.problems() if self.entries[self._row].name in p]
            if problems:
                self.show_result(problems[0])
                return
            self.show_result(self.tr("Starting {0}…").format(self.entries[self._row].name))
            self.test_button.setEnabled(False)
            self.test_requested.emit(self.entries[self._row])

    def show_result(self, text: str) -> None:
        """What Test, Import or Export said (plain text: a server's words are not HTML)."""
        from PySide6.QtCore import Qt

        self.test_button.setEnabled(self._row >= 0)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setText(text)

    def _choose_file(self, *, saving: bool) -> None:
        """A file dialog without a nested event loop; its choice becomes the intent."""
        dialog = QFileDialog(self, self.tr("Export tool servers") if saving else self.tr("Import"))
        dialog.setNameFilter(self.tr("MCP servers (*.json)"))
        if saving:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("json")
            dialog.fileSelected.connect(self.export_requested)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.fileSelected.connect(self.import_requested)
        dialog.open()
