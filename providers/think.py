"""`<think>…</think>` at the start of a reply, as local reasoning models write it.

DeepSeek-R1, QwQ and Qwen3 served by llama.cpp, LM Studio or Ollama (without a
reasoning parser) put their thinking into the content, wrapped in `<think>` tags, before
the answer. The tags arrive cut anywhere ("<thi" + "nk>"), so the splitter holds back
just what could still become a tag and decides as soon as it can. Only a tag at the
very start counts (after white space): `<think>` later in an answer is the answer's.
"""

from __future__ import annotations

from providers.base import Chunk, Reasoning

__all__ = ["CLOSE", "OPEN", "ThinkSplitter"]

OPEN = "<think>"
CLOSE = "</think>"

_START, _THINKING, _AFTER, _TEXT = range(4)


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of `text` that is a beginning of `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


class ThinkSplitter:
    """Feed content pieces, get Reasoning and text items in order; `close()` at the end."""

    def __init__(self) -> None:
        self._state = _START
        self._held = ""

    @property
    def passing(self) -> bool:
        """True once the rest is plain text (callers may skip the splitter then)."""
        return self._state == _TEXT

    def feed(self, piece: str) -> list[Chunk]:
        if self._state == _TEXT:
            return [piece] if piece else []
        text = self._held + piece
        self._held = ""
        out: list[Chunk] = []
        if self._state == _START:
            body = text.lstrip()
            if body.startswith(OPEN):
                self._state = _THINKING
                text = body[len(OPEN) :]
            elif OPEN.startswith(body):  # white space, or "<thi": wait for more
                self._held = text
                return out
            else:
                self._state = _TEXT
                return [text] if text else out
        if self._state == _THINKING:
            end = text.find(CLOSE)
            if end < 0:
                keep = _partial_suffix(text, CLOSE)
                thought = text[: len(text) - keep]
                self._held = text[len(text) - keep :]
                if thought:
                    out.append(Reasoning(thought))
                return out
            if end:
                out.append(Reasoning(text[:end]))
            self._state = _AFTER
            text = text[end + len(CLOSE) :]
        # _AFTER: the blank lines between the thinking and the answer are not the answer
        text = text.lstrip()
        if text:
            self._state = _TEXT
            out.append(text)
        return out

    def close(self) -> list[Chunk]:
        """What is held when the reply ends: a tag that never finished is what it says."""
        held, self._held = self._held, ""
        if not held:
            return []
        if self._state == _THINKING:  # "</thi" and the stream ended: thinking, cut
            return [Reasoning(held)]
        if self._state == _START and held.strip():  # "<thi" and nothing more: it was text
            return [held]
        return []
