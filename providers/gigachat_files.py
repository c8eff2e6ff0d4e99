"""GigaChat's Files API as the official SDK uses it (gigachat 0.2.3, api/files.py): a
file is uploaded once with `POST /files` (multipart: `file`, `purpose=general`) and a user
message names it by id in `attachments` (models/chat.py `Messages.attachments`).

Limits, from Sber's reference (developers.sber.ru/docs/ru/gigachat/api/reference/rest/
post-file and …/files-storage-overview): images jpeg, png, tiff, bmp up to 15 MB each;
documents txt, doc, docx, pdf, epub, ppt, pptx up to 40 MB each; images and audio of one
request under 80 MB together; one image a message and at most ten in one request
(…/api/reference/rest/post-chat, "Ограничения"). Images are recognised by the Pro and Max
models (…/api/working-with-files). The SDK (0.2.3) checks none of these: models/chat.py
has `attachments: Optional[List[str]]` and api/files.py uploads whatever it is given.

An id is kept per file and per credential (a one-way fingerprint of the login, never the
key): the same file is not uploaded again; an id the service no longer knows is dropped
and the file uploaded once more.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.base import Attachment, Messages
from providers.errors import ProtocolError, ProviderError

if TYPE_CHECKING:
    from providers.gigachat_client import GigaChatClient

__all__ = [
    "IMAGES_PER_MESSAGE",
    "IMAGES_PER_REQUEST",
    "IMAGE_TYPES",
    "MAX_DOCUMENT_BYTES",
    "MAX_IMAGE_BYTES",
    "MAX_REQUEST_IMAGE_BYTES",
    "credential_key",
    "file_ids",
    "forget_files",
    "is_forgotten_file",
    "sees_images",
]

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/bmp"})
DOCUMENT_TYPES = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/epub",
        "application/epub+zip",
        "application/ppt",
        "application/pptx",
    }
)
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_DOCUMENT_BYTES = 40 * 1024 * 1024
#: …/api/reference/rest/post-chat, "Ограничения": one image a message, ten a request, and
#: a request with its images under 80 MB
IMAGES_PER_MESSAGE = 1
IMAGES_PER_REQUEST = 10
MAX_REQUEST_IMAGE_BYTES = 80 * 1024 * 1024
_UPLOAD_ANSWER = 1024 * 1024


def sees_images(model: str) -> bool:
    """GigaChat's vision models: the Pro and Max lines (GigaChat-Pro, -Max, -2-Pro, -2-Max,
    and their -preview builds); Lite (GigaChat, GigaChat-2, -Plus) takes text alone."""
    name = model.split(":", 1)[0].lower().removesuffix("-preview")
    return name.endswith(("-pro", "-max"))


def credential_key(client: GigaChatClient) -> str:
    """Whose uploads these are: a one-way fingerprint of host, login and its secrets."""
    digest = hashlib.sha256(b"besedka-gigachat-files\0")
    for part in (client.base_url, client.auth_method, client.scope, *client._secrets()):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    return digest.hexdigest()[:32]


def _wire_mime(attachment: Attachment) -> str:
    """Text documents (Markdown, code, CSV) go as the plain text they are."""
    mime = attachment.mime
    if mime in IMAGE_TYPES or mime in DOCUMENT_TYPES:
        return mime
    return "text/plain" if mime.startswith("text/") or mime == "application/json" else mime


async def _upload(client: GigaChatClient, attachment: Attachment) -> str:
    import aiohttp

    from providers.http import read_body

    data = await asyncio.to_thread(Path(attachment.path).read_bytes)

    def form() -> aiohttp.FormData:  # a fresh one per attempt: a form is read once
        built = aiohttp.FormData()
        built.add_field("file", data, filename=attachment.name, content_type=_wire_mime(attachment))
        built.add_field("purpose", "general")
        return built

    async with client._request(
        "POST", "/files", headers={"Accept": "application/json"}, data=form
    ) as response:
        body = await read_body(response, _UPLOAD_ANSWER)
    try:
        answer: Any = json.loads(body)
    except ValueError:
        answer = None
    file_id = answer.get("id") if isinstance(answer, dict) else None
    if not isinstance(file_id, str) or not file_id:
        raise ProtocolError(reason="malformed_answer", detail="POST /files answered without an id")
    return file_id


async def file_ids(client: GigaChatClient, messages: Messages) -> dict[int, list[str]]:
    """The ids of each user message's attachments, by its index, uploading what the
    service does not have yet for this credential."""
    found: dict[int, list[str]] = {}
    key = ""
    for index, message in enumerate(messages):
        attached: Sequence[Attachment] = message.get("attachments") or ()
        if message["role"] != "user" or not attached:
            continue
        key = key or credential_key(client)
        ids: list[str] = []
        for attachment in attached:
            known = attachment.uploads.get(key) if attachment.uploads else None
            if known is None:
                known = await _upload(client, attachment)
                if attachment.uploads is not None:
                    attachment.uploads.put(key, known)
            ids.append(known)
        found[index] = ids
    return found


def forget_files(client: GigaChatClient, messages: Messages) -> bool:
    """Drop every kept id of these messages' files (the service lost one); False when
    there were none to drop, so nothing is retried."""
    key = credential_key(client)
    dropped = False
    for message in messages:
        for attachment in message.get("attachments") or ():
            if attachment.uploads is not None and attachment.uploads.get(key) is not None:
                attachment.uploads.forget(key)
                dropped = True
    return dropped


def is_forgotten_file(error: ProviderError) -> bool:
    """The service's answer to an id it no longer has (404 or 400 naming a file)."""
    said = f"{error.detail}".lower()
    return error.status in (400, 404) and "file" in said
