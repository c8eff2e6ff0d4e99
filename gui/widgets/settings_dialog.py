"""The settings dialog: a General page and one page per provider (and per profile).

It edits a `SettingsForm` (plain values) and never saves anything itself: OK checks the
form and asks for a save with `save_requested`, "Test connection" with `test_requested`,
a new OpenAI-compatible profile with `profile_add_requested`; the settings controller
does all three (keychain calls off the GUI thread, profile names) and tells the dialog
how it went. So this module touches no settings file, keychain or network.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.values import ProviderInfo
from gui.widgets.i18n import provider_text
from gui.widgets.settings_editors import FileEditor, SecretEditor
from gui.widgets.settings_form import KeySource, ProviderForm, SettingsForm, UrlChecks
from gui.widgets.settings_pages import ProviderPage
from gui.widgets.settings_tools import ServerEntry, ToolsPage

__all__ = ["FileEditor", "ProviderPage", "SecretEditor", "SettingsDialog"]


async def _answer(box: QMessageBox) -> None:
    """Show `box` window-modally without a nested event loop and wait until it closes."""
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_finished(_result: int) -> None:
        if not finished.done():
            finished.set_result(None)

    box.finished.connect(on_finished)
    box.open()
    try:
        await finished
    finally:
        box.deleteLater()


class SettingsDialog(QDialog):
    """Edit preferences and keys; OK asks for a save, Cancel discards."""

    #: OK with a form that has no problems: save `form()`, then `accept()` (or not).
    save_requested = Signal()
    #: "Test connection" on a provider's page (by name).
    test_requested = Signal(str)
    #: "Add profile" with a preset (its key): answer with `add_provider_page`.
    profile_add_requested = Signal(str)

    def __init__(
        self,
        providers: Sequence[ProviderInfo],
        form: SettingsForm,
        checks: UrlChecks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumSize(680, 460)
        self._form = form

        self.page_list = QListWidget(self)
        self.page_list.setAccessibleName(self.tr("Settings pages"))
        self.page_list.setMaximumWidth(200)
        self.stack = QStackedWidget(self)
        self.stack.setAccessibleName(self.tr("Settings page"))

        self._checks = checks
        self._removed: list[str] = []
        self.tools_page: ToolsPage | None = None
        self._build_general_page()
        self.pages: dict[str, ProviderPage] = {}
        for info in providers:
            self.add_provider_page(info, form.providers.get(info.name, ProviderForm()))
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.page_list.setCurrentRow(0)
        self.add_profile_button: QPushButton | None = None
        self.add_profile_menu: QMenu | None = None
        if form.presets:
            self.add_profile_button = QPushButton(self.tr("Add profile…"), self)
            self.add_profile_button.setAccessibleName(self.tr("Add an OpenAI-compatible profile"))
            menu = QMenu(self.add_profile_button)
            for key, label in form.presets:
                action = menu.addAction(provider_text(label))
                action.triggered.connect(
                    lambda _=False, key=key: self.profile_add_requested.emit(key)
                )
            self.add_profile_button.setMenu(menu)
            self.add_profile_menu = menu

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setAccessibleName(self.tr("Save settings"))
        cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel_button.setAccessibleName(self.tr("Discard changes"))
        self.buttons.accepted.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.reject)

        side = QVBoxLayout()
        side.addWidget(self.page_list, 1)
        if self.add_profile_button is not None:
            side.addWidget(self.add_profile_button)
        body = QHBoxLayout()
        body.addLayout(side)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

    # -- pages -------------------------------------------------------------------------

    def _add_page(self, title: str, page: QWidget, row: int | None = None) -> None:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Not a Tab stop of its own: focus goes to the fields, and it scrolls to show them.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setAccessibleName(title)
        scroll.setWidget(page)
        row = self.stack.count() if row is None else row
        self.stack.insertWidget(row, scroll)
        self.page_list.insertItem(row, title)

    def add_provider_page(
        self, info: ProviderInfo, form: ProviderForm, *, show: bool = False
    ) -> ProviderPage:
        """A provider's page; a profile's goes after the others of its provider."""
        page = ProviderPage(
            info,
            form,
            keychain_available=self._form.keychain_available,
            checks=self._checks,
            parent=self,
        )
        page.test_requested.connect(self.test_requested)
        page.title_changed.connect(self._on_title_changed)
        page.remove_requested.connect(self.remove_provider_page)
        names = list(self.pages)
        siblings = [i for i, n in enumerate(names) if self.pages[n].info.profile_of]
        index = siblings[-1] + 1 if info.profile_of and siblings else len(names)
        names.insert(index, info.name)
        self.pages = {name: self.pages.get(name, page) for name in names}
        self._add_page(page.title(), page, 1 + index)
        if show:
            self.show_provider(info.name)
            if page.name_edit is not None:
                page.name_edit.setFocus()
        return page

    def add_tools_page(self, entries: Sequence[ServerEntry]) -> ToolsPage:
        """Settings → Tools, after the providers' pages (gui/tool_settings.py runs it)."""
        self.tools_page = ToolsPage(entries, self)
        self._add_page(self.tr("Tools"), self.tools_page)
        return self.tools_page

    def remove_provider_page(self, name: str) -> None:
        """Take a profile's page away; OK then forgets it (Cancel keeps it)."""
        if name not in self.pages:
            return
        row = 1 + list(self.pages).index(name)
        del self.pages[name]
        scroll = self.stack.widget(row)
        self.page_list.takeItem(row)
        if scroll is not None:
            self.stack.removeWidget(scroll)
            scroll.deleteLater()
        self._removed.append(name)
        self.page_list.setCurrentRow(min(row, self.page_list.count() - 1))

    def _on_title_changed(self, name: str, title: str) -> None:
        if name in self.pages:
            row = 1 + list(self.pages).index(name)
            self.page_list.item(row).setText(title)
            if (scroll := self.stack.widget(row)) is not None:
                scroll.setAccessibleName(title)

    def _build_general_page(self) -> None:
        form = self._form
        page = QWidget(self)
        layout = QFormLayout(page)
        self.language = QComboBox(page)
        self.language.setAccessibleName(self.tr("Language"))
        # Language names in their own language, as every language menu shows them.
        for code, text in (("system", self.tr("System default")), ("en", "English")):
            self.language.addItem(text, code)
        self.language.addItem("Русский", "ru")
        self.language.setCurrentIndex(max(self.language.findData(form.language), 0))
        layout.addRow(self.tr("Language:"), self.language)

        self.theme = QComboBox(page)
        self.theme.setAccessibleName(self.tr("Theme"))
        for code, text in (
            ("system", self.tr("System default")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(text, code)
        self.theme.setCurrentIndex(max(self.theme.findData(form.theme), 0))
        layout.addRow(self.tr("Theme:"), self.theme)

        self.tray_icon = QCheckBox(self.tr("Show an icon in the system tray"), page)
        self.tray_icon.setAccessibleName(self.tr("Tray icon"))
        self.tray_icon.setChecked(form.tray_icon)
        layout.addRow(self.tray_icon)

        self.connect_timeout = self._seconds_box(
            self.tr("Connection timeout"), form.connect_timeout, page
        )
        layout.addRow(self.tr("Connection timeout:"), self.connect_timeout)
        self.read_timeout = self._seconds_box(self.tr("Reply timeout"), form.read_timeout, page)
        self.read_timeout.setToolTip(self.tr("The longest silence allowed while a reply streams"))
        layout.addRow(self.tr("Reply timeout:"), self.read_timeout)
        self._add_page(self.tr("General"), page)

    def _seconds_box(self, name: str, value: float, parent: QWidget) -> QDoubleSpinBox:
        box = QDoubleSpinBox(parent)
        box.setAccessibleName(name)
        box.setDecimals(0)
        box.setRange(1, self._form.max_timeout)
        box.setSuffix(self.tr(" s"))
        box.setValue(value)
        return box

    def show_provider(self, name: str) -> None:
        """Open on one provider's page (e.g. after an authentication error)."""
        if name in self.pages:
            self.page_list.setCurrentRow(1 + list(self.pages).index(name))

    def show_key(self, name: str) -> bool:
        """Open on one provider's page with the focus in its key field (the first secret
        the chosen login uses), ready for a paste; False if there is no such page."""
        page = self.pages.get(name)
        if page is None:
            return False
        self.show_provider(name)
        editor = page.key_editor()
        target = editor.line_edit if editor is not None else page.name_edit
        if target is not None:
            target.setFocus()
        return True

    # -- the form ----------------------------------------------------------------------

    def set_stored_key(
        self, name: str, value: str | None, source: KeySource | None, field: str | None = None
    ) -> None:
        """Show a saved secret (`field`, else the key) once the keychain has answered."""
        page = self.pages.get(name)
        if page is None:  # removed meanwhile
            return
        editor = page.secret_editor if field is None else page.secret_editors.get(field)
        if editor is not None:
            editor.set_loaded(value, source)

    def provider_form(self, name: str) -> ProviderForm:
        return self.pages[name].form()

    def form(self) -> SettingsForm:
        """The whole form as it is now (not saved)."""
        return dataclasses.replace(
            self._form,
            language=str(self.language.currentData()),
            theme=str(self.theme.currentData()),
            tray_icon=self.tray_icon.isChecked(),
            connect_timeout=self.connect_timeout.value(),
            read_timeout=self.read_timeout.value(),
            providers={name: page.form() for name, page in self.pages.items()},
            removed=tuple(self._removed),
        )

    # -- test connection ---------------------------------------------------------------

    def show_test_cancelled(self, name: str) -> None:
        self.pages[name].show_result(False, self.tr("The test was cancelled."))

    def show_test_crash(self, name: str, type_name: str) -> None:
        """The test itself broke: name the exception type only, its text is not trusted."""
        message = self.tr("The test failed unexpectedly ({0}).").format(type_name)
        self.pages[name].show_result(False, message)

    def check_pages(self) -> bool:
        """Whether the form can be saved; if not, open the first page with a problem."""
        for page in self.pages.values():
            if page.problems():
                self.show_provider(page.info.name)
                if page.advanced_toggle is not None:
                    page.advanced_toggle.setChecked(True)  # the culprit may be folded away
                return False
        if self.tools_page is not None and (problems := self.tools_page.problems()):
            self.page_list.setCurrentRow(self.page_list.count() - 1)  # Tools is the last
            self.tools_page.show_result(problems[0])
            return False
        return True

    # -- saving ------------------------------------------------------------------------

    def on_ok_clicked(self) -> None:
        """OK: ask for a save when the form is valid; buttons wait until it is done."""
        if self.check_pages():
            self.set_saving(True)
            self.save_requested.emit()

    def set_saving(self, saving: bool) -> None:
        self.buttons.setEnabled(not saving)

    async def tell_not_saved(self, path: str, reason: str) -> None:
        """The settings file could not be written: say so and wait until it is read."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("Settings"))
        box.setAccessibleName(self.tr("Settings not saved"))
        box.setText(self.tr("The settings could not be saved."))
        box.setInformativeText(f"{path}: {reason}")
        box.addButton(QMessageBox.StandardButton.Ok).setAccessibleName(self.tr("OK"))
        await _answer(box)

    async def ask_keep_for_session(self, label: str) -> bool:
        """No keychain took the key: may it stay in memory until Besedka exits?"""
        box = self._keychain_box()
        box.setText(
            self.tr("No system keychain is available; the key can be kept for this session only.")
        )
        box.setInformativeText(
            self.tr(
                "Keep the {0} key in memory until Besedka exits? It is never written to disk."
            ).format(provider_text(label))
        )
        keep = box.addButton(self.tr("Keep for this session"), QMessageBox.ButtonRole.AcceptRole)
        keep.setAccessibleName(self.tr("Keep for this session"))
        discard = box.addButton(self.tr("Discard the key"), QMessageBox.ButtonRole.RejectRole)
        discard.setAccessibleName(self.tr("Discard the key"))
        box.setDefaultButton(keep)
        await _answer(box)
        return box.clickedButton() is keep

    async def tell_not_removed(self, label: str) -> None:
        """The keychain refused to remove a key."""
        box = self._keychain_box()
        box.setText(
            self.tr("The {0} key could not be removed from the system keychain.").format(
                provider_text(label)
            )
        )
        box.addButton(QMessageBox.StandardButton.Ok).setAccessibleName(self.tr("OK"))
        await _answer(box)

    def _keychain_box(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("System keychain"))
        box.setAccessibleName(self.tr("System keychain"))
        return box
