"""Plain records the store hands out, so callers never see SQLite rows."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Final

from gui.values import ErrorInfo


class MessageStatus(StrEnum):
    """Where a message is in its life; `streaming` rows are being written right now."""

    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


ROLES: tuple[str, ...] = ("system", "user", "assistant")


class Unchanged(Enum):
    """The type of `UNCHANGED`: a field an update leaves as it is, where None would clear it."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


@dataclasses.dataclass(frozen=True)
class Conversation:
    """One chat; `updated_at` moves when a message is added, so recent chats list first."""

    id: int
    title: str
    provider: str
    model: str
    system_prompt: str
    params: dict[str, float | int]
    pinned: bool
    created_at: float
    updated_at: float
    #: when it went to the Trash (None for a chat in the list)
    deleted_at: float | None = None
    #: the sidebar folder it is in (None: the top level; `store.folders`)
    folder_id: int | None = None


@dataclasses.dataclass(frozen=True)
class ChatTools:
    """A chat's tool choice: the servers whose tools it offers, and the tools (as offered
    to the model) the person chose to always allow in it."""

    servers: tuple[str, ...] = ()
    always: frozenset[str] = frozenset()

    def to_json(self) -> str:
        if not self.servers and not self.always:
            return ""
        return json.dumps({"servers": list(self.servers), "always": sorted(self.always)})

    @classmethod
    def from_json(cls, text: str) -> ChatTools:
        """Read leniently: what is not a list of names is nothing enabled."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}

        def names(key: str) -> list[str]:
            value = data.get(key)
            return [n for n in value if isinstance(n, str)] if isinstance(value, list) else []

        return cls(tuple(names("servers")), frozenset(names("always")))


@dataclasses.dataclass(frozen=True)
class ToolStep:
    """One tool call of a reply and its result. `round` counts the model's requests
    (1: the first), `at` is where in the reply's text the model asked (the text before it
    went with the call). `arguments` is the JSON text the model wrote; `kind` is "" for a
    result, else why it is an error ("denied", "crashed", "unknown_tool"…)."""

    round: int
    at: int
    id: str
    name: str
    arguments: str
    result: str = ""
    kind: str = ""
    server: str = ""
    tool: str = ""
    state_id: str = ""

    def to_data(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: object) -> ToolStep | None:
        """A step from stored JSON data; None for what is not one (edited by hand)."""
        if not isinstance(data, dict):
            return None
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in fields}
        try:
            step = cls(**values)
        except TypeError:
            return None
        ints = (step.round, step.at)
        texts = (step.id, step.name, step.arguments, step.result, step.kind, step.server)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in ints):
            return None
        if not all(isinstance(v, str) for v in (*texts, step.tool, step.state_id)):
            return None
        return step


@dataclasses.dataclass(frozen=True)
class StoredMessage:
    """One message as saved; `usage` holds token counts a provider reported. Its parent is
    the message it follows (None: a first message); see `gui.core.store.tree`.

    `error` says why a failed or cut reply ended (None when nothing went wrong); `provider`
    is the provider's internal name ("gigachat"), exports show its label.
    """

    id: int
    conversation_id: int
    role: str
    text: str
    status: MessageStatus
    error: ErrorInfo | None
    provider: str
    model: str
    usage: dict[str, int]
    parent_id: int | None
    created_at: float
    #: why the server stopped ("length": the token limit; Continue goes on)
    finish_reason: str = ""
    #: its place among its versions (siblings: edits of a question, regenerated replies),
    #: where the store counted them (`Store.messages_by_id`)
    version: int = 1
    versions: int = 1
    #: the model's thinking before its answer (never sent back to a provider)
    reasoning: str = ""
    #: how long it thought: first thinking piece to first answer piece (or to the end)
    reasoning_ms: int = 0
    #: the tool calls it made and their results, in order
    tools: tuple[ToolStep, ...] = ()
    #: the files attached to a question, in order (store.attachments.StoredAttachment)
    attachments: tuple[Any, ...] = ()


@dataclasses.dataclass(frozen=True)
class SearchHit:
    """A message matching a search.

    `snippet` is HTML: the matched words are wrapped in <b>…</b> and everything else is escaped.
    `rank` is SQLite's bm25 score: smaller (more negative) is a better match; hits come best first.
    """

    conversation_id: int
    message_id: int
    title: str
    role: str
    snippet: str
    rank: float


class StoreError(Exception):
    """The history cannot be read or written; the text is meant for the user."""


class DatabaseTooNewError(StoreError):
    """The database was upgraded by a newer Besedka; it is refused and left untouched."""


class DamagedHistoryError(StoreError):
    """The history file is damaged (the check at open failed). It was left as it is and
    copied aside first (`copy`, None when even that failed); `Store.recover` rebuilds a
    history from what still reads."""

    def __init__(self, message: str, *, path: Path, copy: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.copy = copy
