"""Full-text search: Cyrillic and English word forms, highlighted snippets, ranking, odd input."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gui.core.store import MessageStatus, Store, search
from gui.core.store.search import fts_query, snippet_html

TEXTS = {
    "hello": "Привет! Как дела?",
    "greeting": "Приветствую вас, коллеги.",
    "read": "Он прочитал книгу вчера вечером.",
    "shelf": "Книги лежат на столе.",
    "new_book": "С новой книгой интересно.",
    "works": "Модель работает быстро.",
    "worked": "Модели работали медленно, а потом перестали.",
    "yo": "Ещё одна зелёная модель.",
    "running": "The models are running fine.",
    "model": "A model that runs on a laptop.",
    "cafe": "Meet me at the café.",
    "html": "<script>alert('книга')</script> & <b>bold</b>",
}
FILLER = [f"Посторонний текст номер {n} про погоду и чай" for n in range(30)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    conversation = store.create_conversation(title="Поиск")
    found = {
        key: store.add_message(conversation.id, "user", text).id for key, text in TEXTS.items()
    }
    for text in FILLER:
        store.add_message(conversation.id, "assistant", text)
    return found


def found(store: Store, ids: dict[str, int], query: str) -> set[str]:
    """Which TEXTS keys a search returns ("filler" for any other message)."""
    by_id = {message_id: key for key, message_id in ids.items()}
    return {by_id.get(hit.message_id, "filler") for hit in store.search(query)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Russian noun forms: one stem, any case ending.
        ("книга", {"read", "shelf", "new_book", "html"}),
        ("книгу", {"read", "shelf", "new_book", "html"}),
        ("КНИГАМИ", {"read", "shelf", "new_book", "html"}),
        ("модель", {"works", "worked", "yo"}),
        ("моделями", {"works", "worked", "yo"}),
        # Verb forms.
        ("работать", {"works", "worked"}),
        ("работают", {"works", "worked"}),
        # Adjective forms.
        ("новый", {"new_book"}),
        # The stem as a prefix also finds derived words.
        ("привет", {"hello", "greeting"}),
        ("привета", {"hello", "greeting"}),
        # е and ё are one letter, whichever is typed or stored.
        ("еще", {"yo"}),
        ("ещё", {"yo"}),
        ("зеленый", {"yo"}),
        # All words must match.
        ("книги стол", {"shelf"}),
        ("модели медленно", {"worked"}),
        # English: plurals, -ing, and Latin diacritics.
        ("model", {"running", "model"}),
        ("models", {"running", "model"}),
        ("running", {"running"}),
        ("cafe", {"cafe"}),
        # Words of one or two letters match only themselves.
        ("он", {"read"}),
        ("несуществующее", set()),
    ],
)
def test_word_forms(store: Store, ids: dict[str, int], query: str, expected: set[str]) -> None:
    assert found(store, ids, query) == expected


def test_snippets_highlight_the_matched_words_and_escape_the_rest(
    store: Store, ids: dict[str, int]
) -> None:
    hits = {hit.message_id: hit for hit in store.search("книга")}
    assert hits[ids["read"]].snippet == "Он прочитал <b>книгу</b> вчера вечером."
    assert hits[ids["shelf"]].snippet == "<b>Книги</b> лежат на столе."
    assert hits[ids["html"]].snippet == (
        "&lt;script&gt;alert(&#x27;<b>книга</b>&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    )
    hit = hits[ids["read"]]
    assert (hit.title, hit.role) == ("Поиск", "user")
    assert hit.conversation_id == store.get_message(ids["read"]).conversation_id

    (both,) = store.search("модели медленно")
    assert both.snippet == "<b>Модели</b> работали <b>медленно</b>, а потом перестали."


def test_long_messages_get_a_short_snippet_around_the_match(store: Store) -> None:
    conversation = store.create_conversation()
    words = [f"слово{n}" for n in range(300)]
    words[150] = "иголка"
    store.add_message(conversation.id, "assistant", "\n".join(words))
    (hit,) = store.search("иголка")
    assert "<b>иголка</b>" in hit.snippet
    assert hit.snippet.count(" ") < 40
    assert "…" in hit.snippet
    assert "\n" not in hit.snippet


def test_results_are_ranked_best_first(store: Store) -> None:
    conversation = store.create_conversation()
    for n in range(40):
        store.add_message(conversation.id, "user", f"Заметка {n} о погоде")
    weak = store.add_message(
        conversation.id,
        "user",
        "Длинный текст, где сервер упомянут один раз, " + "а дальше другие слова " * 10,
    )
    strong = store.add_message(conversation.id, "user", "Сервер, сервер, сервера!")
    exact = store.add_message(conversation.id, "user", "Сервера настроены")
    hits = store.search("сервер")
    assert [hit.message_id for hit in hits] == [strong.id, exact.id, weak.id]
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)
    assert all(hit.rank < 0 for hit in hits)
    assert len(store.search("заметка", limit=7)) == 7


def test_search_follows_streaming_edits_deletes_and_purges(store: Store) -> None:
    conversation = store.create_conversation()
    reply = store.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    store.update_message(reply.id, text="Черновик")
    # Streaming text is indexed once the reply ends (saves while it streams stay cheap).
    assert store.search("черновик") == []
    store.update_message(reply.id, text="Черновик ответа", status=MessageStatus.STOPPED)
    assert [hit.message_id for hit in store.search("черновик")] == [reply.id]
    store.update_message(reply.id, text="Окончательный ответ")
    assert store.search("черновик") == []
    assert [hit.message_id for hit in store.search("ответ")] == [reply.id]

    store.delete_message(reply.id)
    assert store.search("ответ") == []

    other = store.create_conversation()
    store.add_message(other.id, "user", "Исчезающее слово")
    store.delete_conversation(other.id)
    store.purge_deleted()
    assert store.search("исчезающее") == []
    conn = sqlite3.connect(store.path)
    try:
        conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


WEIRD_QUERIES = [
    "",
    "   ",
    '"',
    '""',
    "'",
    "*",
    "***",
    "книга*",
    '"книга',
    "NEAR",
    "NEAR(книга стол)",
    "книга NEAR стол",
    "-",
    "--книга",
    "книга -стол",
    "AND",
    "OR OR",
    "NOT книга",
    "(",
    ")",
    "^книга",
    ":",
    "text:книга",
    "{text}: книга",
    "+",
    "\\",
    "\x00",
    "\x02книга\x03",
    "🙂",
    "_",
    "книга" * 200,
    " ".join(["книга"] * 100),
    "д'Артаньян",
]


@pytest.mark.parametrize("query", WEIRD_QUERIES)
def test_odd_queries_never_raise(store: Store, ids: dict[str, int], query: str) -> None:
    hits = store.search(query)
    assert all(isinstance(hit.snippet, str) for hit in hits)


def test_operators_are_read_as_plain_words(store: Store, ids: dict[str, int]) -> None:
    assert found(store, ids, "книга*") == found(store, ids, "книга")
    assert found(store, ids, '"книга') == found(store, ids, "книга")
    assert found(store, ids, "NEAR(книга стол)") == set()  # "near" is a word no text has
    assert found(store, ids, "книга -стол") == {"shelf"}  # "-" is not exclusion
    assert found(store, ids, '*"-') == set()


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.text(max_size=40))
def test_any_text_is_a_valid_query(text: str) -> None:
    query = fts_query(text)
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')"
        )
        conn.execute("INSERT INTO t VALUES ('книга model')")
        if query:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
    finally:
        conn.close()


def test_snippet_html_keeps_tags_balanced() -> None:
    assert snippet_html("\x02a\x03 <i>") == "<b>a</b> &lt;i&gt;"
    assert snippet_html("\x03stray\x02open") == "stray<b>open</b>"
    assert snippet_html("\x02\x02x\x03\x03") == "<b>x</b>"


def test_very_common_words_rank_only_the_newest_matches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = store.create_conversation()
    matching = [store.add_message(conversation.id, "user", f"частое {n}").id for n in range(10)]
    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    assert sorted(hit.message_id for hit in store.search("частое")) == matching[-3:]


def test_a_reply_cut_off_by_a_crash_becomes_searchable_when_marked_interrupted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    store = Store.open(path)
    conversation = store.create_conversation()
    reply = store.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    store.update_message(reply.id, text="Недописанный рассказ о драконе")
    assert store.search("дракон") == []
    store.close()  # as after a crash: the row is still "streaming"

    reopened = Store.open(path)
    try:
        assert reopened.interrupted_on_open == 1
        assert [hit.message_id for hit in reopened.search("дракон")] == [reply.id]
        conn = sqlite3.connect(path)
        try:
            conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
        finally:
            conn.close()
    finally:
        reopened.close()
