"""format_prompt flattens a history the way gpt4free's services expect it."""

from __future__ import annotations

from providers.base import Message
from providers.prompt import format_prompt


def test_single_message_is_sent_unchanged() -> None:
    text = "Привет!\nКак дела? 🙂"
    assert format_prompt([{"role": "user", "content": text}]) == text


def test_single_system_message_is_sent_unchanged() -> None:
    assert format_prompt([{"role": "system", "content": "Be brief."}]) == "Be brief."


def test_no_messages_is_an_empty_prompt() -> None:
    assert format_prompt([]) == ""


def test_history_becomes_role_lines_then_assistant() -> None:
    messages: list[Message] = [
        {"role": "system", "content": "Отвечай кратко."},
        {"role": "user", "content": "Сколько будет 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "А 3+3?"},
    ]
    assert format_prompt(messages) == (
        "System: Отвечай кратко.\nUser: Сколько будет 2+2?\nAssistant: 4\nUser: А 3+3?\nAssistant:"
    )


def test_empty_contents_are_skipped() -> None:
    messages: list[Message] = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "second"},
    ]
    assert format_prompt(messages) == "User: first\nUser: second\nAssistant:"


def test_special_tokens_format_even_a_single_message() -> None:
    messages: list[Message] = [{"role": "user", "content": "hi"}]
    assert format_prompt(messages, add_special_tokens=True) == "User: hi\nAssistant:"


def test_multiline_content_is_kept_verbatim() -> None:
    messages: list[Message] = [
        {"role": "user", "content": "line 1\nline 2"},
        {"role": "assistant", "content": "ok"},
    ]
    assert format_prompt(messages) == "User: line 1\nline 2\nAssistant: ok\nAssistant:"
