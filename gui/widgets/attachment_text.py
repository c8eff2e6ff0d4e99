"""An attachment refused (gui.core.attachments: kind "attachment" and a reason code) in
the interface language, and the notes said before sending (a model that may not see
images, a document large for the model's context)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from gui.values import ErrorInfo
from gui.widgets.attachment_chips import human_size
from gui.widgets.i18n import QT_TRANSLATE_NOOP

__all__ = ["attachment_text", "blind_model_text", "large_document_text"]

translate = QCoreApplication.translate

_REASONS: dict[str, str] = {
    "too_big": QT_TRANSLATE_NOOP(
        "Attachments", "{name} is too big to attach (the limit is {limit})."
    ),
    "unknown_type": QT_TRANSLATE_NOOP(
        "Attachments",
        "{name} cannot be attached: only images, text, code, CSV and PDF files can.",
    ),
    "unreadable": QT_TRANSLATE_NOOP("Attachments", "{name} cannot be read; nothing was attached."),
    "empty": QT_TRANSLATE_NOOP("Attachments", "{name} is empty (0 bytes); nothing was attached."),
    "directory": QT_TRANSLATE_NOOP(
        "Attachments", "{name} is a folder; attach the files in it instead."
    ),
    "changed": QT_TRANSLATE_NOOP(
        "Attachments",
        "{name} changed after it was attached. Remove it and attach it again; nothing was sent.",
    ),
}


def attachment_text(info: ErrorInfo) -> str:
    template = _REASONS.get(info.reason, _REASONS["unreadable"])
    name = str(info.params.get("name", ""))
    limit = info.params.get("limit", 0)
    size = human_size(int(limit)) if isinstance(limit, int | float) else ""
    return translate("Attachments", template).format(name=name, limit=size)


def blind_model_text(model: str, name: str) -> str:
    return translate(
        "Attachments",
        "{model} is not known to see images: it may refuse {name} or answer without it.",
    ).format(model=model, name=name)


def large_document_text(name: str, tokens: int, context: int) -> str:
    return translate(
        "Attachments",
        "{name} is large for the model's context (about {tokens} of {context} tokens).",
    ).format(name=name, tokens=tokens, context=context)
