"""Provider and model choice; providers come with their capability flags.

Each OpenAI-compatible profile is a provider of its own here, under its name. A provider
whose public service is gone (`ProviderInfo.working` false: GPROChat, GPTalk) is left out
until Settings gives it a host (`set_revealed`), except in a chat that already uses it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from gui.widgets.i18n import provider_text

if TYPE_CHECKING:
    from gui.values import ProviderInfo


class ProviderPicker(QWidget):
    #: provider name, model
    changed = Signal(str, str)
    #: the provider whose live model list should be fetched
    models_wanted = Signal(str)
    #: {provider name: its label in the interface language}, for the replies' headings
    labels_changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider_box = QComboBox()
        self.model_box = QComboBox()
        self.model_box.setEditable(True)
        self.model_box.setMinimumContentsLength(16)
        self.provider_label = QLabel()
        self.provider_label.setBuddy(self.provider_box)
        self.model_label = QLabel()
        self.model_label.setBuddy(self.model_box)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.provider_label)
        layout.addWidget(self.provider_box, 1)
        layout.addWidget(self.model_label)
        layout.addWidget(self.model_box, 1)
        self.setTabOrder(self.provider_box, self.model_box)
        self._infos: dict[str, ProviderInfo] = {}
        #: providers offered although their public service is gone: a host is set
        self._revealed: frozenset[str] = frozenset()
        #: a hidden provider shown because a chat uses it
        self._kept = ""
        self._quiet = False
        self.provider_box.currentIndexChanged.connect(self._on_provider_changed)
        self.model_box.currentTextChanged.connect(self._on_model_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.provider_label.setText(self.tr("&Provider:"))
        self.model_label.setText(self.tr("&Model:"))
        self.provider_box.setAccessibleName(self.tr("Provider"))
        self.provider_box.setAccessibleDescription(
            self.tr("The service that answers in this conversation")
        )
        self.model_box.setAccessibleName(self.tr("Model"))
        self.model_box.setAccessibleDescription(
            self.tr("Pick a model from the list or type its name")
        )
        self._label_providers()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_providers(self, infos: Sequence[ProviderInfo]) -> None:
        """The providers to offer. Given again (Settings added, renamed or removed a
        profile), the choice shown stays; if its provider is gone, the first one is
        chosen and announced as a change."""
        self._infos = {info.name: info for info in infos}
        self._populate()

    def set_revealed(self, names: Collection[str]) -> None:
        """The gone services that have a host of their own now: offer them too."""
        revealed = frozenset(names)
        if revealed != self._revealed:
            self._revealed = revealed
            self._populate()

    def offered(self) -> list[str]:
        """The provider names the box lists, in order."""
        return [str(self.provider_box.itemData(i)) for i in range(self.provider_box.count())]

    def _offers(self, info: ProviderInfo) -> bool:
        return info.working or info.name in self._revealed or info.name == self._kept

    def _populate(self) -> None:
        shown, model = self.provider(), self.model()
        self._quiet = True
        try:
            self.provider_box.clear()
            for info in self._infos.values():
                if self._offers(info) or info.name == shown:  # what a chat shows stays
                    self.provider_box.addItem(info.label, info.name)
            if shown and (index := self.provider_box.findData(shown)) >= 0:
                self.provider_box.setCurrentIndex(index)
                self._fill_models(shown, model)
        finally:
            self._quiet = False
        self._label_providers()
        if shown and self.provider() != shown:  # its profile was removed
            self._on_provider_changed()

    def _label_providers(self) -> None:
        """Item texts and tips in the interface language (the data stays the name)."""
        self.labels_changed.emit({n: provider_text(i.label) for n, i in self._infos.items()})
        for index in range(self.provider_box.count()):
            info = self._infos.get(str(self.provider_box.itemData(index)))
            if info is None:
                continue
            label = provider_text(info.label)
            gone = not info.working and info.name not in self._revealed
            if gone:
                label = self.tr("{0} (not working)").format(label)
            self.provider_box.setItemText(index, label)
            if info.profile_of:
                tip = [
                    self.tr("An OpenAI-compatible endpoint: its address and key are in Settings")
                ]
            else:
                tip = [self.tr("Needs a key") if info.needs_auth else self.tr("No key needed")]
            if gone:
                tip.append(
                    self.tr(
                        "The public service is gone; point it at a compatible host in Settings."
                    )
                )
            self.provider_box.setItemData(index, "\n".join(tip), QtCore.Qt.ItemDataRole.ToolTipRole)

    def provider(self) -> str:
        return str(self.provider_box.currentData() or "")

    def model(self) -> str:
        return self.model_box.currentText().strip()

    def select(self, provider: str, model: str) -> None:
        """Show a conversation's choice without announcing it as a change."""
        info = self._infos.get(provider)
        if info is not None and not self._offers(info):  # a chat made with a gone service
            self._kept = provider
            self._populate()
        self._quiet = True
        try:
            index = self.provider_box.findData(provider)
            if index >= 0:
                self.provider_box.setCurrentIndex(index)
            self._fill_models(self.provider(), model)
        finally:
            self._quiet = False
        self.models_wanted.emit(self.provider())

    def set_models(self, provider: str, models: Sequence[str]) -> None:
        if provider != self.provider():
            return
        current = self.model()
        self._quiet = True
        try:
            self.model_box.clear()
            self.model_box.addItems(list(models))
            self.model_box.setCurrentText(current)
        finally:
            self._quiet = False
        if not current and models:  # a profile with no model of its own: the server's first
            self.model_box.setCurrentText(models[0])

    def _fill_models(self, provider: str, model: str) -> None:
        info = self._infos.get(provider)
        self.model_box.clear()
        if info is not None:
            self.model_box.addItems(list(info.models))
        self.model_box.setCurrentText(model or (info.default_model if info else ""))

    def _on_provider_changed(self) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._fill_models(self.provider(), "")
        finally:
            self._quiet = False
        self.models_wanted.emit(self.provider())
        self.changed.emit(self.provider(), self.model())

    def _on_model_changed(self, _text: str) -> None:
        if not self._quiet:
            self.changed.emit(self.provider(), self.model())
