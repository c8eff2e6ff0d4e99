"""An attachment refused (gui.core.attachments: kind "attachment" and a reason code) in
the interface language, and the notes said before sending (a model that may not see
images, a document large for the model's context)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from gui.values import ErrorInfo
from gui.widgets.attachment_chips import human_size
from gui.widgets.i18n import QT_TRANSLATE_NOOP

__all__ = [
    "attachment_text",
    "blind_model_text",
    "file_gone_text",
    "large_document_text",
    "not_saved_text",
    "saved_text",
]

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
    # said before sending (gui.core.attachments.before_sending); the text and files stay
    "blind_model": QT_TRANSLATE_NOOP(
        "Attachments",
        "{model} cannot see images, so nothing was sent. Remove {name} or pick a model that"
        " sees images (Settings: “Models that see images” for a compatible service).",
    ),
    "service_type": QT_TRANSLATE_NOOP(
        "Attachments",
        "GigaChat does not take {name}: its images can be JPEG, PNG, TIFF or BMP. Nothing"
        " was sent.",
    ),
    "too_big_for_service": QT_TRANSLATE_NOOP(
        "Attachments", "{name} is larger than GigaChat takes ({limit}); nothing was sent."
    ),
    "images_per_message": QT_TRANSLATE_NOOP(
        "Attachments",
        "GigaChat takes one image a message; remove {name} and send it next. Nothing was sent.",
    ),
    "images_per_request": QT_TRANSLATE_NOOP(
        "Attachments",
        "GigaChat takes at most {count} images in a chat; {name} is one too many. Start a"
        " new chat for it. Nothing was sent.",
    ),
    "request_too_big": QT_TRANSLATE_NOOP(
        "Attachments",
        "With {name} this chat's images come to more than GigaChat takes ({limit}). Start a"
        " new chat for it. Nothing was sent.",
    ),
}
#: Its name in Settings (lupdate reads it here; gui/core/profiles.py adds the field).
QT_TRANSLATE_NOOP("Providers", "Models that see images")

#: reasons whose limit is a count, not bytes
_COUNTS = frozenset({"images_per_message", "images_per_request"})


def attachment_text(info: ErrorInfo) -> str:
    template = _REASONS.get(info.reason, _REASONS["unreadable"])
    name = str(info.params.get("name", ""))
    limit = info.params.get("limit", 0)
    count = int(limit) if isinstance(limit, int | float) else 0
    size = human_size(count) if info.reason not in _COUNTS else str(count)
    model = str(info.params.get("model", ""))
    return translate("Attachments", template).format(
        name=name, limit=size, count=count, model=model
    )


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


def file_gone_text(name: str) -> str:
    return translate("Attachments", "{name} is no longer in the history's folder.").format(
        name=name
    )


def saved_text(name: str, path: str) -> str:
    return translate("Attachments", "Saved {name} to {path}.").format(name=name, path=path)


def not_saved_text(name: str, reason: str) -> str:
    return translate("Attachments", "{name} could not be saved: {reason}").format(
        name=name, reason=reason
    )
