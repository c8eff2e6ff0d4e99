"""Exports a person can read or keep (Markdown, HTML, JSON) and a JSON import that round-trips."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gui.core.store import Conversation, MessageStatus, Store, StoreError
from gui.values import ErrorInfo

LIMITED = ErrorInfo(
    kind="rate_limit",
    reason="too_many_requests",
    provider="GigaChat",
    status=429,
    detail="Слишком много запросов",
    params={"retry_after": 7},
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
def chat(store: Store) -> Conversation:
    conversation = store.create_conversation(
        title="Тест <экспорта> & «кавычек»",
        provider="gigachat",
        model="GigaChat-Pro",
        system_prompt="Отвечай </section> кратко.",
        params={"temperature": 0.7, "max_tokens": 256},
    )
    question = store.add_message(conversation.id, "user", "Что такое <script>alert(1)</script>?")
    store.add_message(
        conversation.id,
        "assistant",
        'Это **тег** скрипта.\n\n```html\n<script src="x.js"></script>\n```',
        provider="gigachat",
        model="GigaChat-Pro",
        parent_id=question.id,
        usage={"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
    )
    retry = store.add_message(conversation.id, "assistant", "Пол")
    store.update_message(retry.id, status=MessageStatus.STOPPED)
    store.add_message(
        conversation.id,
        "assistant",
        "",
        status=MessageStatus.FAILED,
        provider="gigachat",
        error=LIMITED,
    )
    return store.get_conversation(conversation.id)


def test_markdown_export(store: Store, chat: Conversation) -> None:
    text = store.export_markdown(chat.id)
    assert text.startswith("# Тест <экспорта> & «кавычек»\n")
    assert "Provider: gigachat · Model: GigaChat-Pro" in text
    assert "Parameters: max_tokens=256, temperature=0.7" in text
    assert "## System prompt\n\nОтвечай </section> кратко." in text
    assert "## User\n\nЧто такое <script>alert(1)</script>?" in text
    assert "## Assistant · GigaChat-Pro\n\nЭто **тег** скрипта.\n\n```html\n" in text
    assert "> *Stopped before the reply was complete.*" in text
    assert "> *Failed: GigaChat: Слишком много запросов. Retry in 7 s.*" in text
    assert text.index("Что такое") < text.index("Это **тег**") < text.index("Пол")


def interface_label(provider: str) -> str:
    return {"gigachat": "ГигаЧат"}.get(provider, provider)


def interface_error_text(error: ErrorInfo) -> str:
    return f"{error.provider}: слишком часто ({error.params['retry_after']} с)"


def test_exports_for_a_person_say_labels_and_errors_in_the_callers_words(
    store: Store, chat: Conversation
) -> None:
    text = store.export_markdown(chat.id, label_of=interface_label, error_text=interface_error_text)
    assert "Provider: ГигаЧат · Model: GigaChat-Pro" in text
    assert "> *Failed: GigaChat: слишком часто (7 с)*" in text
    assert "gigachat" not in text
    page = store.export_html(chat.id, label_of=interface_label, error_text=interface_error_text)
    assert "Provider: ГигаЧат · Model: GigaChat-Pro" in page
    assert "Failed: GigaChat: слишком часто (7 с)" in page
    assert "gigachat" not in page


def test_html_export_is_a_safe_standalone_page(store: Store, chat: Conversation) -> None:
    page = store.export_html(chat.id)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "<title>Тест &lt;экспорта&gt; &amp; «кавычек»</title>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script src=&quot;x.js&quot;&gt;" in page
    assert "Отвечай &lt;/section&gt; кратко." in page
    assert "default-src 'none'" in page  # the page forbids remote loads and scripts anyway
    assert "Failed: GigaChat: Слишком много запросов. Retry in 7 s." in page

    parser = TagCollector()
    parser.feed(page)
    ours = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "section", "div"}
    assert {tag for tag, _ in parser.tags} <= ours
    attributes = {name for _, attrs in parser.tags for name, _ in attrs}
    assert attributes <= {"charset", "http-equiv", "content", "name", "class"}
    assert "@import" not in page
    assert "url(" not in page


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_json_export_names_no_ids_and_no_secrets(store: Store, chat: Conversation) -> None:
    data = json.loads(store.export_json(chat.id))
    assert data["format"] == "besedka-conversation"
    assert data["version"] == 5
    assert data["conversation"]["params"] == {"max_tokens": 256, "temperature": 0.7}
    assert "id" not in data["conversation"]
    assert [m["parent"] for m in data["messages"]] == [None, 0, 1, 2]
    assert data["active"] == 3
    assert [m["status"] for m in data["messages"]] == ["complete", "complete", "stopped", "failed"]
    assert data["messages"][1]["usage"]["total_tokens"] == 30
    assert [m["provider"] for m in data["messages"]] == ["", "gigachat", "", "gigachat"]
    assert [m["error"] for m in data["messages"]] == [None, None, None, LIMITED.to_data()]


def test_import_round_trip_is_exact(store: Store, chat: Conversation) -> None:
    exported = store.export_json(chat.id)
    imported = store.import_json(exported)
    assert imported.id != chat.id
    assert store.export_json(imported.id) == exported
    assert store.export_markdown(imported.id) == store.export_markdown(chat.id)
    assert imported.title == chat.title
    assert (imported.created_at, imported.updated_at) == (chat.created_at, chat.updated_at)
    copied = store.messages(imported.id)
    assert copied[1].parent_id == copied[0].id
    assert copied[3].error == LIMITED
    assert len(store.list_conversations()) == 2
    assert {hit.conversation_id for hit in store.search("скрипта")} == {chat.id, imported.id}


def test_a_streaming_message_comes_back_interrupted(store: Store) -> None:
    conversation = store.create_conversation()
    store.add_message(conversation.id, "assistant", "полов", status=MessageStatus.STREAMING)
    imported = store.import_json(store.export_json(conversation.id))
    (message,) = store.messages(imported.id)
    assert (message.text, message.status) == ("полов", MessageStatus.INTERRUPTED)


def test_an_older_export_with_error_sentences_still_imports(store: Store) -> None:
    old = {
        "format": "besedka-conversation",
        "version": 1,
        "conversation": {"title": "old", "provider": "gigachat"},
        "messages": [
            {"role": "user", "text": "hi"},
            {"role": "assistant", "text": "", "status": "failed", "error": "Слишком много"},
            {
                "role": "assistant",
                "text": "Пол",
                "status": "failed",
                "error": "GigaChat: the connection closed mid-answer. The answer was cut or "
                "malformed; the text so far is kept. Retry.",
            },
            {"role": "assistant", "text": "ok", "error": ""},
        ],
    }
    imported = store.import_json(json.dumps(old))
    assert [m.error for m in store.messages(imported.id)] == [
        None,
        ErrorInfo(kind="failed", detail="Слишком много"),
        ErrorInfo(kind="protocol", provider="GigaChat", detail="the connection closed mid-answer"),
        None,
    ]
    assert json.loads(store.export_json(imported.id))["version"] == 5


def valid() -> dict[str, Any]:
    return {
        "format": "besedka-conversation",
        "version": 2,
        "conversation": {"title": "ok"},
        "messages": [{"role": "user", "text": "hi"}],
    }


def changed(path: str, value: Any) -> str:
    data = valid()
    target: Any = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(keys[-1])] = value
    else:
        target[keys[-1]] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a Besedka conversation export"),
        ('{"messages": []}', "not a Besedka conversation export"),
        (json.dumps({"title": "ChatGPT export", "mapping": {}}), "not a Besedka"),
        (changed("format", "other-app"), "not a Besedka"),
        (changed("version", 6), "newer Besedka"),
        (changed("version", "1"), "version"),
        (changed("conversation", []), "conversation must be a JSON object"),
        (changed("conversation.title", 5), "conversation.title must be a string"),
        (changed("conversation.params", {"api_key": "secret"}), "params.api_key"),
        (changed("conversation.pinned", "yes"), "pinned"),
        (changed("conversation.created_at", "today"), "created_at"),
        (changed("messages", {}), "messages must be a list"),
        (changed("messages.0", "hi"), r"messages\[0\] must be a JSON object"),
        (changed("messages.0.role", "tool"), r"messages\[0\]\.role must be one of"),
        (changed("messages.0.text", None), r"messages\[0\]\.text must be a string"),
        (changed("messages.0.status", "done"), r"messages\[0\]\.status"),
        (changed("messages.0.parent", 0), r"messages\[0\]\.parent"),
        (changed("messages.0.usage", {"tokens": 1.5}), r"usage\.tokens"),
        (changed("messages.0.error", 5), r"messages\[0\]\.error must be a JSON object"),
        (changed("messages.0.error", {"detail": "x"}), r"error\.kind is missing"),
        (changed("messages.0.error", {"kind": 5}), r"error\.kind must be a string"),
        (changed("messages.0.error", {"kind": "x", "status": "429"}), r"error\.status"),
        (changed("messages.0.error", {"kind": "x", "params": []}), r"error\.params must be"),
        (changed("messages.0.error", {"kind": "x", "params": {"n": [1]}}), r"params\.n"),
    ],
)
def test_foreign_or_broken_json_is_refused_clearly(store: Store, text: str, reason: str) -> None:
    with pytest.raises(StoreError, match=reason):
        store.import_json(text)
    assert store.list_conversations() == []


def test_minimal_hand_written_import(store: Store) -> None:
    imported = store.import_json(json.dumps(valid()))
    assert imported.title == "ok"
    (message,) = store.messages(imported.id)
    assert (message.role, message.text, message.status) == ("user", "hi", MessageStatus.COMPLETE)


def test_exporting_a_missing_conversation_raises_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.export_json(12345)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
texts = st.text(max_size=200)
message_data = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["system", "user", "assistant"]),
        "text": texts,
        "status": st.sampled_from(
            [s.value for s in MessageStatus if s is not MessageStatus.STREAMING]
        ),
        "error": st.none()
        | st.fixed_dictionaries(
            {
                "kind": st.text(min_size=1, max_size=12),
                "reason": st.text(max_size=12),
                "provider": st.text(max_size=10),
                "status": st.none() | st.integers(100, 599),
                "detail": st.text(max_size=30),
                "params": st.dictionaries(
                    st.text(max_size=8), st.text(max_size=8) | st.integers() | finite, max_size=2
                ),
            }
        ),
        "provider": st.text(max_size=10),
        "model": st.text(max_size=10),
        "usage": st.dictionaries(st.text(max_size=10), st.integers(0, 10**12), max_size=3),
        "parent": st.none() | st.integers(0, 50),
        "finish_reason": st.sampled_from(["", "stop", "length"]),
        "reasoning": texts,
        "reasoning_ms": st.integers(0, 86_400_000),
        "created_at": st.floats(0, 4e9),
    }
)
conversation_data = st.fixed_dictionaries(
    {
        "title": st.text(max_size=60),
        "provider": st.text(max_size=10),
        "model": st.text(max_size=10),
        "system_prompt": texts,
        "params": st.dictionaries(
            st.text(max_size=12), st.integers(-(10**6), 10**6) | finite, max_size=4
        ),
        "pinned": st.booleans(),
        "created_at": st.floats(0, 4e9),
        "updated_at": st.floats(0, 4e9),
    }
)


def test_round_trip_of_arbitrary_conversations(tmp_path: Path) -> None:
    with Store.open(tmp_path / "history.sqlite3") as store:

        @settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(conversation_data, st.lists(message_data, max_size=8), st.integers(0, 8))
        def check(head: dict[str, Any], messages: list[dict[str, Any]], active: int) -> None:
            for position, message in enumerate(messages):
                if message["parent"] is not None and message["parent"] >= position:
                    message["parent"] = None
            source = json.dumps(
                {
                    "format": "besedka-conversation",
                    "version": 4,
                    "conversation": head,
                    "active": active if active < len(messages) else None,
                    "messages": messages,
                }
            )
            first = store.import_json(source)
            exported = store.export_json(first.id)
            second = store.import_json(exported)
            assert store.export_json(second.id) == exported
            assert json.loads(exported)["messages"] == [
                {**m, "created_at": float(m["created_at"])} for m in messages
            ]
            assert json.loads(exported)["conversation"]["params"] == head["params"]

        check()


def test_json_keeps_every_version_and_documents_show_the_path(store: Store) -> None:
    chat = store.create_conversation(title="Ветки")
    question = store.add_message(chat.id, "user", "Первый вопрос")
    store.add_message(chat.id, "assistant", "Старый ответ")
    store.add_message(chat.id, "assistant", "Новый ответ", parent_id=question.id)
    edited = store.add_message(chat.id, "user", "Исправленный вопрос", parent_id=None)
    store.add_message(chat.id, "assistant", "Ответ на исправленный")
    store.switch_version(edited.id, -1)  # back to the first question, its newest reply

    markdown = store.export_markdown(chat.id)
    assert "Новый ответ" in markdown and "Первый вопрос" in markdown
    assert "Старый ответ" not in markdown and "Исправленный" not in markdown
    data = json.loads(store.export_json(chat.id))
    assert [m["text"] for m in data["messages"]] == [
        "Первый вопрос",
        "Старый ответ",
        "Новый ответ",
        "Исправленный вопрос",
        "Ответ на исправленный",
    ]
    assert [m["parent"] for m in data["messages"]] == [None, 0, 0, None, 3]
    assert data["active"] == 2

    copy = store.import_json(store.export_json(chat.id))
    assert [m.text for m in store.messages_by_id(store.path_ids(copy.id))] == [
        "Первый вопрос",
        "Новый ответ",
    ]
    assert store.export_json(copy.id) == store.export_json(chat.id).replace(
        '"title": "Ветки"', '"title": "Ветки"'
    )


def test_an_export_from_before_trees_imports_as_one_branch(store: Store) -> None:
    source = {
        "format": "besedka-conversation",
        "version": 2,
        "conversation": {"title": "Старый"},
        "messages": [
            {"role": "user", "text": "Один", "parent": None},
            {"role": "assistant", "text": "Два", "parent": None},
            {"role": "user", "text": "Три", "parent": None},
        ],
    }
    imported = store.import_json(json.dumps(source))
    path = store.messages_by_id(store.path_ids(imported.id))
    assert [m.text for m in path] == ["Один", "Два", "Три"]
