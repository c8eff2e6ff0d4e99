"""GigaChat's Files API in the emulator: `POST /files` as the real service takes it
(multipart `file` + `purpose` general|assistant, the types and sizes of Sber's reference)
and the check that a message's `attachments` name files it has."""

from __future__ import annotations

import dataclasses
import time
import uuid
from typing import Any

from aiohttp import BodyPartReader, web

TYPES = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/epub",
        "application/ppt",
        "application/pptx",
        "image/jpeg",
        "image/png",
        "image/tiff",
        "image/bmp",
    }
)
MAX_IMAGE = 15 * 1024 * 1024
MAX_DOCUMENT = 40 * 1024 * 1024


@dataclasses.dataclass
class Uploaded:
    id: str
    filename: str
    content_type: str
    purpose: str
    data: bytes


class FileStore:
    """What the emulator was sent with `POST /files`; `forget()` loses every file."""

    def __init__(self) -> None:
        self.files: dict[str, Uploaded] = {}
        self.uploads: list[Uploaded] = []

    def forget(self) -> None:
        self.files.clear()

    async def upload(self, request: web.Request) -> web.Response:
        if not request.content_type.startswith("multipart/form-data"):
            return _error(400, "Invalid params: multipart/form-data expected")
        reader = await request.multipart()
        fields: dict[str, Any] = {}
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):  # pragma: no cover
                continue
            if part.name == "file":
                ctype = part.headers.get("Content-Type", "")
                fields["file"] = (part.filename or "", ctype, await part.read(decode=False))
            elif part.name:
                fields[part.name] = await part.text()
        if "file" not in fields:
            return _error(400, "Invalid params: file is required")
        purpose = fields.get("purpose", "general")
        if purpose not in ("general", "assistant"):
            return _error(400, "Invalid params: purpose")
        filename, ctype, data = fields["file"]
        if ctype not in TYPES:
            return _error(415, f"Unsupported file type: {ctype}")
        limit = MAX_IMAGE if ctype.startswith("image/") else MAX_DOCUMENT
        if len(data) > limit:
            return _error(413, "Payload too large")
        uploaded = Uploaded(str(uuid.uuid4()), filename, ctype, purpose, bytes(data))
        self.files[uploaded.id] = uploaded
        self.uploads.append(uploaded)
        return web.json_response(
            {
                "id": uploaded.id,
                "object": "file",
                "bytes": len(data),
                "created_at": int(time.time()),
                "filename": filename,
                "purpose": purpose,
            }
        )

    def problem(self, body: dict[str, Any]) -> tuple[int, str] | None:
        """Why the service would refuse the messages' attachments."""
        for index, message in enumerate(body.get("messages") or ()):
            if not isinstance(message, dict) or "attachments" not in message:
                continue
            ids = message["attachments"]
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                return 422, f"Invalid params: messages[{index}].attachments"
            if message.get("role") != "user" and ids:
                return 422, f"Invalid params: messages[{index}].attachments"
            for file_id in ids:
                if file_id not in self.files:
                    return 404, f"File {file_id} not found"
        return None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"status": status, "message": message}, status=status)
