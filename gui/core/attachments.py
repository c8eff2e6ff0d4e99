"""Attaching a file to a question, Qt-free: check it, hash it and copy it into the
history's content-addressed folder in one pass, off the GUI thread; at send, hash the
original again (a file that changed while attached is said, not sent stale).

A refusal is data (`ErrorInfo(kind="attachment", reason=…, params={"name", "limit"})`),
worded at display (gui/widgets/attachment_text.py); nothing typed is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import mimetypes
import os
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from gui.core.store.attachments import StoredAttachment, UploadIds, content_path
from gui.values import ErrorInfo
from providers.base import Attachment, Message

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_IMAGE_BYTES",
    "Picked",
    "attach",
    "changed",
    "for_provider",
    "prepare",
    "with_attachments",
]

MAX_IMAGE_BYTES = 25 * 1024 * 1024
MAX_DOCUMENT_BYTES = 40 * 1024 * 1024
_CHUNK = 1024 * 1024
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
_TEXT_WORDS = (
    ".txt .md .markdown .rst .csv .tsv .json .yaml .yml .toml .ini .cfg .log .xml .html .css"
    " .py .js .ts .c .h .cpp .hpp .rs .go .java .kt .rb .php .sh .sql .tex"
)
TEXT_SUFFIXES = frozenset(_TEXT_WORDS.split())
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".epub": "application/epub",
    ".ppt": "application/ppt",
    ".pptx": "application/pptx",
}


@dataclasses.dataclass(frozen=True)
class Picked:
    """A file attached in the composer and not sent yet; `stored` is its copy."""

    source: str
    stored: StoredAttachment


def _refusal(reason: str, name: str, limit: int = 0) -> ErrorInfo:
    params: dict[str, str | int | float] = {"name": name}
    if limit:
        params["limit"] = limit
    return ErrorInfo("attachment", reason=reason, params=params)


def mime_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in IMAGE_TYPES:
        return IMAGE_TYPES[suffix]
    if suffix in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[suffix]
    if suffix in TEXT_SUFFIXES:
        guessed = mimetypes.types_map.get(suffix, "")
        return guessed if guessed.startswith("text/") else "text/plain"
    return None


def prepare(path: str | os.PathLike[str], directory: Path, name: str = "") -> Picked | ErrorInfo:
    """Check a file and copy it into `directory` under its hash (blocking: run it in a
    thread). `name` is shown instead of the file's (a pasted image)."""
    source = Path(path)
    name = name or source.name or str(source)
    if source.is_dir():
        return _refusal("directory", name)
    mime = mime_of(Path(name)) or mime_of(source)
    if mime is None:
        return _refusal("unknown_type", name)
    limit = MAX_IMAGE_BYTES if mime.startswith("image/") else MAX_DOCUMENT_BYTES
    try:
        size = source.stat().st_size
        if size == 0:
            return _refusal("empty", name)
        if size > limit:
            return _refusal("too_big", name, limit)
        directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-")
        try:
            with source.open("rb") as reading, os.fdopen(handle, "wb") as writing:
                while chunk := reading.read(_CHUNK):
                    digest.update(chunk)
                    writing.write(chunk)
                    size = writing.tell()
                    if size > limit:
                        return _refusal("too_big", name, limit)
            sha256 = digest.hexdigest()
            target = content_path(directory, sha256)
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                os.unlink(temporary)
                os.utime(target)  # attached again now: the sweep of unsent files waits
            else:
                os.replace(temporary, target)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    except OSError:
        return _refusal("unreadable", name)
    stored = StoredAttachment(sha256, name, mime, size, str(target))
    return Picked(str(source), stored)


async def attach(
    path: str | os.PathLike[str], directory: Path, name: str = ""
) -> Picked | ErrorInfo:
    return await asyncio.to_thread(prepare, path, directory, name)


def _unchanged(picked: Picked) -> bool:
    digest = hashlib.sha256()
    try:
        with open(picked.source, "rb") as reading:
            while chunk := reading.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == picked.stored.sha256


async def changed(files: Sequence[Picked]) -> ErrorInfo | None:
    """The first file whose original changed (or went) since it was attached."""
    for picked in files:
        if not await asyncio.to_thread(_unchanged, picked):
            return _refusal("changed", picked.stored.name)
    return None


def for_provider(store: object, file: StoredAttachment) -> Attachment:
    uploads = store.upload_ids(file.sha256) if hasattr(store, "upload_ids") else None
    assert uploads is None or isinstance(uploads, UploadIds)
    return Attachment(file.name, file.mime, file.size, file.sha256, file.path, uploads)


def with_attachments(
    store: object,
    history: list[Message],
    turns: Sequence[tuple[str, str]],
    files: Mapping[int, tuple[StoredAttachment, ...]],
    offset: int = 0,
) -> list[Message]:
    """`history` (built from `turns` from `offset`) with each question's files on it;
    a question of files alone (no text: not in `history`) joins it with empty text."""
    if not files:
        return history
    questions = [(p, t) for p, (role, t) in enumerate(turns, offset) if role == "user"]
    pending = iter(questions)

    def carrying(text: str, position: int, message: Message | None = None) -> Message:
        attached = [for_provider(store, file) for file in files.get(position, ())]
        base: Message = message if message is not None else {"role": "user", "content": text}
        return {**base, "attachments": attached} if attached else base

    result: list[Message] = []
    for message in history:
        if message["role"] != "user":
            result.append(message)
            continue
        for position, text in pending:
            if text:
                result.append(carrying(text, position, message))
                break
            if position in files:
                result.append(carrying("", position))
        else:
            result.append(message)
    for position, text in pending:
        if not text and position in files:
            result.append(carrying("", position))
    return result


_SEEING = (
    "gpt-4o", "gpt-4.1", "gpt-4-turbo", "gpt-5", "o1", "o3", "o4", "vision", "-vl", "vl-",
    "llava", "gemma3", "gemma-3", "pixtral", "claude", "gemini", "minicpm-v", "llama4",
    "moondream", "bakllava", "qwen2.5vl", "qvq", "internvl", "glm-4v", "mistral-small3",
)  # fmt: skip


#: Families that take text alone (an image sent to them is refused before sending).
_TEXT_ONLY = ("deepseek-chat", "deepseek-reasoner", "deepseek-coder", "gpt-3.5", "o1-mini",
              "o3-mini")  # fmt: skip


def vision(provider: str, model: str, marked: Collection[str] = ()) -> str:
    """Whether a model takes images: "sees", "blind" (known not to: an image is refused
    before sending) or "unknown" (said when attached, sent; a refusal is shown plainly).
    GigaChat's Pro and Max lines see; for an OpenAI-compatible profile, the models the
    person marked in Settings ("Models that see images"), else the vision families by
    name — and once some are marked, the others are taken not to."""
    if provider.split(":", 1)[0] == "gigachat":
        from providers.gigachat_files import sees_images as gigachat_sees

        return "sees" if gigachat_sees(model or "GigaChat-2") else "blind"
    name = model.lower()
    if name in {m.lower() for m in marked}:
        return "sees"
    if any(name.startswith(family) for family in _TEXT_ONLY):
        return "blind"  # before the families: "o1-mini" is no "o1"
    if any(part in name for part in _SEEING):
        return "sees"
    return "blind" if marked else "unknown"


def before_sending(
    provider: str,
    model: str,
    files: Sequence[StoredAttachment],
    marked: Collection[str] = (),
    earlier: Sequence[StoredAttachment] = (),
) -> ErrorInfo | None:
    """Why these files cannot go with the question to this model, before anything is
    sent: an image for a model known not to see images; for GigaChat, the limits of
    Sber's reference (providers/gigachat_files.py): its types, 15 MB an image and 40 MB
    a document, one image a message, ten and 80 MB of images a request (`earlier`: the
    files of the questions before it, sent again by id)."""
    images = [file for file in files if file.is_image]
    if images and vision(provider, model, marked) == "blind":
        refusal = _refusal("blind_model", images[0].name)
        return dataclasses.replace(refusal, params={**refusal.params, "model": model})
    if provider.split(":", 1)[0] != "gigachat":
        return None
    from providers import gigachat_files as giga

    for file in files:
        if file.is_image and file.mime not in giga.IMAGE_TYPES:
            return _refusal("service_type", file.name)
        limit = giga.MAX_IMAGE_BYTES if file.is_image else giga.MAX_DOCUMENT_BYTES
        if file.size > limit:
            return _refusal("too_big_for_service", file.name, limit)
    if len(images) > giga.IMAGES_PER_MESSAGE:
        return _refusal("images_per_message", images[1].name, giga.IMAGES_PER_MESSAGE)
    sent = [file for file in earlier if file.is_image] + images
    if len(sent) > giga.IMAGES_PER_REQUEST:
        return _refusal("images_per_request", images[-1].name, giga.IMAGES_PER_REQUEST)
    if images and sum(file.size for file in sent) >= giga.MAX_REQUEST_IMAGE_BYTES:
        return _refusal("request_too_big", images[-1].name, giga.MAX_REQUEST_IMAGE_BYTES)
    return None


_ENGLISH = {
    "too_big": "{name} is too big to attach (the limit is {limit} bytes).",
    "unknown_type": "{name} cannot be attached: only images, text, code, CSV and PDF files can.",
    "unreadable": "{name} cannot be read; nothing was attached.",
    "empty": "{name} is empty (0 bytes); nothing was attached.",
    "directory": "{name} is a folder; attach the files in it instead.",
    "changed": "{name} changed after it was attached; nothing was sent.",
    "blind_model": "{model} cannot see images, so nothing was sent; remove {name} or pick a"
    " model that sees images.",
    "service_type": "GigaChat does not take images of this kind ({name}): only JPEG, PNG,"
    " TIFF and BMP.",
    "too_big_for_service": "{name} is larger than GigaChat takes ({limit} bytes).",
    "images_per_message": "GigaChat takes one image a message; {name} is one too many.",
    "images_per_request": "GigaChat takes at most {limit} images in a chat's request;"
    " {name} is one too many (start a new chat).",
    "request_too_big": "The chat's images with {name} come to more than GigaChat takes in"
    " one request ({limit} bytes); start a new chat.",
}


def english(info: ErrorInfo) -> str:
    """A refusal in plain English (the command line has no interface language)."""
    template = _ENGLISH.get(info.reason, _ENGLISH["unreadable"])
    params = info.params
    return template.format(
        name=params.get("name", ""), limit=params.get("limit", 0), model=params.get("model", "")
    )


async def take_files(
    paths: Sequence[str | os.PathLike[str]], directory: Path
) -> tuple[Picked, ...] | str:
    """Every file checked and copied, or the first refusal in words (`besedka ask --attach`)."""
    taken: list[Picked] = []
    for path in paths:
        result = await attach(path, directory)
        if isinstance(result, ErrorInfo):
            return english(result)
        taken.append(result)
    return tuple(taken)
