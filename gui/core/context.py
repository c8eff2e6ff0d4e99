"""What a request carries of a chat: the turns that fit the model, and the options.

A request carries the whole path shown; a chat of 100,000 messages would send 44 MB with
every question, which no model takes. Each request now sends what fits the model's
context: the system prompt and the newest message always, then older turns newest first
until the budget is spent, each message whole or not at all. The count left out is kept
with the reply, which says so.

Tokens are estimated, never counted: a tokenizer per model would be megabytes and
milliseconds. ceil(chars / 3) + PER_MESSAGE is meant to err high: current tokenizers
(GigaChat's, OpenAI's since gpt-4o) take Russian at about 3.5 to 4 characters a token and
English at about 4, so what is sent fits. A path under the budget is passed after one sum
of its lengths; a longer one is scanned from the newest turn and the scan stops at the
budget.

Of a chat's parameters, a request carries the options its provider takes; two are ours:
the context limit (never sent) and the reasoning effort, a number in the history (the
parameters are numbers) and its word in the request.

Qt-free, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

from providers.base import REASONING_EFFORTS

__all__ = [
    "CONTEXT_PARAM",
    "DEFAULT_CONTEXT_TOKENS",
    "PER_MESSAGE",
    "REASONING_EFFORT_PARAM",
    "REPLY_RESERVE",
    "Fit",
    "budget",
    "context_limit",
    "estimate",
    "fit",
    "model_context",
    "request_options",
]

#: The conversation parameter holding a chat's own limit, in tokens (absent or 0: the
#: model's default). Not a provider option: it is never sent.
CONTEXT_PARAM = "context_tokens"
#: The conversation parameter for how hard a model thinks: 1, 2, 3 stand for the option's
#: "low", "medium", "high" (absent: the service's default).
REASONING_EFFORT_PARAM = "reasoning_effort"
_EFFORTS = dict(enumerate(REASONING_EFFORTS, start=1))
#: Parameters of ours that are no provider option as they are stored.
_OWN_PARAMS = frozenset({REASONING_EFFORT_PARAM, CONTEXT_PARAM})
#: A model we know nothing of: the common size of current hosted models.
DEFAULT_CONTEXT_TOKENS = 128_000
#: What a message costs beyond its text (its role and the template's separators).
PER_MESSAGE = 4
#: Room kept for the reply when the chat sets no reply length: the limit covers the
#: question and the answer together.
REPLY_RESERVE = 4_096

_OPENAI = re.compile(r"(gpt-4o|gpt-4\.1|gpt-5|o\d)")
#: Families usually run on one's own machine, where the server's window is small (an
#: Ollama default is smaller still; a longer one is set in Parameters).
_LOCAL = ("llama", "qwen", "mistral", "mixtral", "gemma")


def model_context(model: str) -> int:
    """The context a model takes, in tokens, by its name (a profile's "org/name" too);
    DEFAULT_CONTEXT_TOKENS for a name we do not know."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    if name.startswith("gigachat-2"):
        return 128_000
    if name.startswith("gigachat"):  # GigaChat, -Pro, -Max, -Plus: the first generation
        return 32_000
    if "deepseek" in name:
        return 64_000
    if _OPENAI.match(name):
        return 128_000
    if any(family in name for family in _LOCAL):
        return 32_000
    return DEFAULT_CONTEXT_TOKENS


def context_limit(model: str, params: Mapping[str, float | int]) -> int:
    """The chat's own limit when it sets one (Parameters), else the model's."""
    own = params.get(CONTEXT_PARAM, 0)
    return int(own) if own >= 1 else model_context(model)


def budget(limit: int, params: Mapping[str, float | int]) -> int:
    """Tokens the request itself may take: the limit less room for the reply (the chat's
    reply length, or REPLY_RESERVE), never less than half the limit."""
    reply = params.get("max_tokens", 0)
    reserve = int(reply) if reply >= 1 else REPLY_RESERVE
    return limit - min(reserve, limit // 2)


def estimate(text: str) -> int:
    """A message's tokens, over rather than under: ceil(chars / 3) + PER_MESSAGE."""
    return -(-len(text) // 3) + PER_MESSAGE


class Fit(NamedTuple):
    """Which turns of a path go: the sendable ones of `turns[start:]`; and how many
    sendable messages before `start` are left out."""

    start: int
    left_out: int


def _sendable(role: str, text: str) -> bool:
    return bool(text) and (role == "user" or role == "assistant")


def fit(system_prompt: str, turns: Sequence[tuple[str, str]], tokens: int) -> Fit:
    """The newest turns that fit in `tokens` with the system prompt (roles and texts,
    root first; empty ones and others than "user"/"assistant" are never sent). The
    newest message and the prompt always go, even alone over the budget (the service
    then says so). What is kept never starts with a reply whose question was left out."""
    used = estimate(system_prompt) if system_prompt.strip() else 0
    # ceil(c / 3) <= c // 3 + 1: when the whole path is under the budget even counted so,
    # it goes without a closer look (30 µs for 1,000 messages).
    chars = sum(len(text) for _role, text in turns)
    if used + chars // 3 + len(turns) * (PER_MESSAGE + 1) <= tokens:
        return Fit(0, 0)
    start = newest = -1
    for index in range(len(turns) - 1, -1, -1):
        role, text = turns[index]
        if not text or (role != "user" and role != "assistant"):
            continue
        cost = -(-len(text) // 3) + PER_MESSAGE  # estimate(), inlined: once per message
        if newest >= 0 and used + cost > tokens:
            break
        if newest < 0:
            newest = index
        used += cost
        start = index
    else:
        return Fit(0, 0)  # everything fits after all
    left_out = sum(1 for role, text in turns[:start] if _sendable(role, text))
    while start < newest:
        # The oldest kept is a reply whose question is left out: it is left out too.
        role, text = turns[start]
        if _sendable(role, text):
            if role == "user":
                break
            left_out += 1
        start += 1
    return Fit(start, left_out)


def request_options(
    params: Mapping[str, float | int], supported: Collection[str]
) -> dict[str, Any]:
    """The options a request carries of a chat's parameters: those the provider takes
    (a chat's parameters outlive a switch to a provider that takes fewer), the reasoning
    effort as its word; the context limit is ours and never sent."""
    options: dict[str, Any] = {
        k: v for k, v in params.items() if k in supported and k not in _OWN_PARAMS
    }
    code = params.get(REASONING_EFFORT_PARAM, 0)
    effort = _EFFORTS.get(int(code)) if code == int(code) else None  # 2.0 from a file is 2
    if effort is not None and REASONING_EFFORT_PARAM in supported:
        options[REASONING_EFFORT_PARAM] = effort
    return options
