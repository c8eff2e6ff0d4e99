"""The Parameters dialog on real widgets offscreen: reasoning effort where the chat's
service takes one (issue #18), the context limit (issue #21), and the parameters it does
not show kept as they were."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from gui.widgets.parameters_dialog import ParametersDialog

TAKES_EFFORT = frozenset({"temperature", "max_tokens", "reasoning_effort"})
NO_EFFORT = frozenset({"temperature"})


def dialog_for(qtbot: Any, params: dict[str, float | int], **offers: Any) -> ParametersDialog:
    dialog = ParametersDialog("", params, **offers)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def label_of(dialog: ParametersDialog, field: QWidget) -> str:
    form = dialog.layout()
    assert isinstance(form, QFormLayout)
    label = form.labelForField(field)
    assert isinstance(label, QLabel)
    return label.text()


def test_reasoning_effort_is_offered_where_the_service_takes_it(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, {}, options=TAKES_EFFORT)
    assert dialog.effort.isVisible()
    assert label_of(dialog, dialog.effort) == "&Reasoning effort:"
    choices = [dialog.effort.itemText(i) for i in range(dialog.effort.count())]
    assert choices == ["Service default", "Low", "Medium", "High"]
    assert dialog.effort.currentText() == "Service default"
    assert dialog.params() == {}  # the default is no parameter at all
    dialog.effort.setCurrentIndex(3)
    assert dialog.params() == {"reasoning_effort": 3}
    dialog.effort.setCurrentIndex(1)
    assert dialog.params() == {"reasoning_effort": 1}


def test_a_chat_shows_its_effort_and_can_go_back_to_the_default(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, {"reasoning_effort": 2}, options=TAKES_EFFORT)
    assert dialog.effort.currentText() == "Medium"
    dialog.effort.setCurrentIndex(0)
    assert dialog.params() == {}


def test_no_effort_where_the_service_takes_none_and_a_set_one_is_kept(qtbot: Any) -> None:
    # Set while the chat used a service that takes it: kept for when it goes back.
    params: dict[str, float | int] = {"reasoning_effort": 3, "top_p": 0.5, "temperature": 0.3}
    dialog = dialog_for(qtbot, params, options=NO_EFFORT)
    assert not dialog.effort.isVisible()
    assert dialog.params() == params
    dialog.use_temperature.setChecked(False)
    assert dialog.params() == {"reasoning_effort": 3, "top_p": 0.5}


def test_the_context_limit_defaults_to_the_models_and_is_a_number(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, {}, options=NO_EFFORT, context_default=128_000)
    box = dialog.context_tokens
    assert box.isVisible()
    assert label_of(dialog, box) == "Conte&xt limit (tokens):"
    assert box.value() == 0
    assert box.text() == f"model default ({QLocale().toString(128_000)})"
    assert dialog.params() == {}
    box.setValue(16_000)
    assert dialog.params() == {"context_tokens": 16_000}
    box.setValue(0)
    assert dialog.params() == {}


def test_a_chats_own_limit_is_shown_and_kept(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, {"context_tokens": 8_000, "max_tokens": 500})
    assert dialog.context_tokens.value() == 8_000
    assert dialog.context_tokens.specialValueText() == "model default"  # the model not told
    assert dialog.params() == {"context_tokens": 8_000, "max_tokens": 500}


def test_every_new_control_is_named_for_a_screen_reader(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, {}, options=TAKES_EFFORT, context_default=32_000)
    for control in (dialog.effort, dialog.context_tokens):
        assert control.accessibleName()
        assert control.accessibleDescription()
    assert dialog.context_tokens.accessibleName() == "Context limit in tokens"
