"""Attachments as OpenAI content parts: an image as a data-URL `image_url` part, a text
document (plain, Markdown, code, CSV) or a PDF's text as a `text` part headed by the
file's name. Built off the event loop (reading, base64 and PDF parsing take time)."""

from __future__ import annotations

import binascii
import io
import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from providers.base import Attachment, Messages

__all__ = [
    "body_bytes",
    "content_parts",
    "document_text",
    "parts_by_message",
    "streamed",
]

_SLICE = 3 * 64 * 1024  # 192 KiB (a multiple of 3): a fraction of a millisecond
_PAUSE = 0.0003  # the window's thread takes the GIL in between


def document_text(attachment: Attachment) -> str:
    """The text of a document: a PDF's through pypdf, any other file as UTF-8."""
    if attachment.mime == "application/pdf":
        from pypdf import PdfReader

        reader = PdfReader(attachment.path)
        return "\n\n".join((page.extract_text() or "") for page in reader.pages)
    return Path(attachment.path).read_bytes().decode("utf-8", "replace")


def _encoded_size(size: int) -> int:
    return (size + 2) // 3 * 4


def _file_b64_into(path: str, length: int, out: io.BytesIO) -> None:
    """A file's base64 appended to `out`, read a slice at a time (never the whole file)."""
    start = out.tell()
    with open(path, "rb") as reading:
        chunk = bytearray(_SLICE)
        while count := reading.readinto(chunk):
            out.write(binascii.b2a_base64(memoryview(chunk)[:count], newline=False))
            time.sleep(_PAUSE)
    if out.tell() - start != length:
        raise OSError(f"{path} changed while it was sent")


def content_parts(
    text: str, attachments: Sequence[Attachment], blobs: dict[str, str]
) -> list[dict[str, Any]]:
    """The parts of one question; an image's base64 is a token in the part and its
    file in `blobs` (encoded into the body by `body_bytes`)."""
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    for attachment in attachments:
        if attachment.is_image:
            token = f"besedka-blob-{uuid.uuid4().hex}"
            blobs[token] = attachment.path
            url = f"data:{attachment.mime};base64,{token}"
            parts.append({"type": "image_url", "image_url": {"url": url}})
        else:
            body = document_text(attachment)
            parts.append({"type": "text", "text": f"File: {attachment.name}\n\n{body}"})
    return parts


def parts_by_message(
    messages: Messages,
) -> tuple[dict[int, list[dict[str, Any]]], dict[str, str]]:
    """Content parts of each user message that has attachments, by index, and the
    images' files by token (blocking: run it in a thread)."""
    blobs: dict[str, str] = {}
    parts = {
        index: content_parts(message["content"], message["attachments"], blobs)
        for index, message in enumerate(messages)
        if message["role"] == "user" and message.get("attachments")
    }
    return parts, blobs


def body_bytes(body: Any, blobs: dict[str, str]) -> io.BytesIO:
    """The request JSON with each token replaced by its file's base64 (blocking), written
    a slice at a time into one growing buffer (its growth is a remap, not a copy): the
    photo is never in memory whole, nor its base64 twice, no step holds the GIL for long,
    and the big strings never pass through the JSON encoder."""
    from providers.http import json_body

    rest = json_body(body)
    out = io.BytesIO()
    for token, path in blobs.items():
        head, _, rest = rest.partition(token.encode("ascii"))
        out.write(head)
        _file_b64_into(path, _encoded_size(os.stat(path).st_size), out)
    out.write(rest)
    out.seek(0)
    return out


def streamed(body: io.BytesIO) -> Any:
    """A big body sent in pieces, each write short (one write of 28 MB blocks the loop)."""
    from aiohttp.payload import BytesIOPayload

    return BytesIOPayload(body, content_type="application/json")
