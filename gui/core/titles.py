"""Chat titles made by the model after the first reply (issue #22): one short, cheap
request in the chat's own language; what comes back is cleaned to one plain line. Until
it comes, and when it fails, the first line of the question stays the title."""

from __future__ import annotations

import re
import unicodedata

from providers.base import Message, Provider

#: At most this many characters of the question and of the answer go in the request.
SAMPLE_CHARS = 1_500
MAX_TITLE_CHARS = 60
PROMPT = (
    "Write a title for this conversation: three to six words, in the language the"
    " person writes in, no quotes, no full stop at the end. Reply with the title only."
)
OPTIONS = {"temperature": 0.2, "max_tokens": 24}

_QUOTES = "\"'«»„“”‘’`*#"


def title_request(question: str, answer: str, *, system: bool = True) -> list[Message]:
    """The request's messages; the instruction goes in the user message for a provider
    without system messages."""
    sample = f"Question:\n{question[:SAMPLE_CHARS]}\n\nAnswer:\n{answer[:SAMPLE_CHARS]}"
    if not system:
        return [Message(role="user", content=f"{PROMPT}\n\n{sample}")]
    return [Message(role="system", content=PROMPT), Message(role="user", content=sample)]


def clean_title(raw: str) -> str | None:
    """The model's words as a title: the first non-empty line, no control or format
    characters, no quotes or Markdown marks around it, no full stop, at most
    MAX_TITLE_CHARS (cut at a word end). None when nothing usable is left."""
    line = next((part for part in raw.splitlines() if part.strip()), "")
    line = "".join(ch for ch in line if unicodedata.category(ch)[0] != "C")
    line = re.sub(r"^(title|название|заголовок)\s*:\s*", "", line.strip(), flags=re.I)
    line = " ".join(line.strip().strip(_QUOTES).split()).rstrip(".。 ")
    if len(line) > MAX_TITLE_CHARS:
        cut = line[: MAX_TITLE_CHARS + 1].rfind(" ")
        line = line[: cut if cut > MAX_TITLE_CHARS // 2 else MAX_TITLE_CHARS].rstrip(" ,;:-–—")
    return line or None


async def make_title(provider: Provider, model: str, question: str, answer: str) -> str | None:
    """Ask `provider` for a title; None when what it says is not one. Provider errors
    go to the caller."""
    wanted = {k: v for k, v in OPTIONS.items() if k in type(provider).supported_options}
    said: list[str] = []
    async for chunk in provider.stream(
        model or None,
        title_request(question, answer, system=type(provider).supports_system_message),
        options=wanted,
    ):
        if isinstance(chunk, str):
            said.append(chunk)
            if sum(map(len, said)) > 400:  # a model that will not stop: enough
                break
    return clean_title("".join(said))
