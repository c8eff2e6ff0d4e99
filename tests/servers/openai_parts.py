"""Content parts as OpenAI's chat API checks them: a user message's content is a string
or a list of `{"type": "text", "text"}` and `{"type": "image_url", "image_url": {"url"}}`
parts; an image for a model that sees none is refused with 400, as OpenAI does."""

from __future__ import annotations

import base64
import binascii
from typing import Any

_REFUSAL = "Invalid content type. image_url is only supported by certain models."


def parts_problem(body: dict[str, Any], vision_models: frozenset[str] | None) -> str | None:
    """Why the service would refuse the messages' content parts (None: it takes them)."""
    for index, message in enumerate(body.get("messages") or ()):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        if message.get("role") not in ("user", "system"):
            return f"messages[{index}].content: parts only in user messages here"
        for number, part in enumerate(content):
            where = f"messages[{index}].content[{number}]"
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "text":
                if not isinstance(part.get("text"), str):
                    return f"{where}.text must be a string"
            elif kind == "image_url":
                url = (part.get("image_url") or {}).get("url")
                if not isinstance(url, str) or not url.startswith("data:image/"):
                    return f"{where}.image_url.url must be a data URL"
                head, _, data = url.partition(",")
                if not head.endswith(";base64"):
                    return f"{where}.image_url.url must be base64"
                try:
                    base64.b64decode(data, validate=True)
                except binascii.Error:
                    return f"{where}.image_url.url is not valid base64"
                if vision_models is not None and body.get("model") not in vision_models:
                    return _REFUSAL
            else:
                return f"{where}.type must be text or image_url"
    return None
