"""`<think>…</think>` at the start of a reply becomes thinking, however the text is cut;
surrogate halves from JSON escapes become whole characters."""

from __future__ import annotations

import itertools

import hypothesis.strategies as st
import pytest
from hypothesis import given

from providers.base import Chunk, Reasoning
from providers.surrogates import SurrogateJoiner, has_surrogates, mend
from providers.think import ThinkSplitter


def split(pieces: list[str]) -> tuple[str, str, list[Chunk]]:
    """Feed the pieces; the thinking and the answer it gave, and the items in order."""
    splitter = ThinkSplitter()
    items: list[Chunk] = []
    for piece in pieces:
        items += splitter.feed(piece)
    items += splitter.close()
    thought = "".join(i.text for i in items if isinstance(i, Reasoning))
    answer = "".join(i for i in items if isinstance(i, str))
    return thought, answer, items


def cuts(text: str, at: list[int]) -> list[str]:
    bounds = [0, *sorted({min(cut, len(text)) for cut in at}), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


TAGGED = "<think>\nСначала подумаю: 2 + 2 = 4 <tag> </thin\n</think>\n\nОтвет: 4 <think>да</think>"


@pytest.mark.parametrize("position", range(len(TAGGED) + 1))
def test_split_at_every_position_gives_the_same_thinking_and_answer(position: int) -> None:
    thought, answer, items = split([TAGGED[:position], TAGGED[position:]])
    assert thought == "\nСначала подумаю: 2 + 2 = 4 <tag> </thin\n"
    assert answer == "Ответ: 4 <think>да</think>"  # a later tag is the answer's own text
    first_text = next(i for i, item in enumerate(items) if isinstance(item, str))
    assert all(isinstance(item, Reasoning) for item in items[:first_text])
    assert all(isinstance(item, str) for item in items[first_text:])


@pytest.mark.parametrize("position", range(len(TAGGED) + 1))
def test_character_by_character_after_any_prefix(position: int) -> None:
    pieces = [TAGGED[:position], *TAGGED[position:]]
    assert split(pieces)[:2] == split([TAGGED])[:2]


@given(
    thinking=st.text(alphabet=st.characters(blacklist_characters="<>")),
    answer=st.text(min_size=1).filter(lambda text: text.strip() != ""),
    lead=st.sampled_from(["", "\n", "  \n"]),
    at=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
)
def test_any_cutting_of_a_tagged_reply(
    thinking: str, answer: str, lead: str, at: list[int]
) -> None:
    text = f"{lead}<think>{thinking}</think>\n\n{answer}"
    thought, shown, _ = split(cuts(text, at))
    assert thought == thinking
    assert shown == answer.lstrip()


@given(
    text=st.text().filter(lambda text: not text.lstrip().startswith("<")),
    at=st.lists(st.integers(min_value=0, max_value=200), max_size=8),
)
def test_untagged_text_passes_unchanged(text: str, at: list[int]) -> None:
    thought, shown, items = split(cuts(text, at))
    assert thought == ""
    assert shown == (text if text.strip() else "")
    assert not any(isinstance(item, Reasoning) for item in items)


@pytest.mark.parametrize(
    ("pieces", "thought", "answer"),
    [
        (["<thi"], "", "<thi"),  # a tag that never finished is text
        (["<thinking>x"], "", "<thinking>x"),  # another tag is text
        (["<think>cut off"], "cut off", ""),  # the stream ended while thinking
        (["<think>cut </thi"], "cut </thi", ""),
        (["<think></think>", "ok"], "", "ok"),
        (["<", "t", "h", "i", "n", "k", ">", "a", "<", "/", "think", ">", "b"], "a", "b"),
        (["Hi <think>no</think>"], "", "Hi <think>no</think>"),
    ],
)
def test_edges(pieces: list[str], thought: str, answer: str) -> None:
    assert split(pieces)[:2] == (thought, answer)


def test_once_passing_the_text_is_not_looked_at() -> None:
    splitter = ThinkSplitter()
    assert splitter.feed("Ответ") == ["Ответ"]
    assert splitter.passing
    assert splitter.feed("</think><think>") == ["</think><think>"]


# -- surrogates -------------------------------------------------------------------------


def test_a_pair_split_across_pieces_is_one_character() -> None:
    joiner = SurrogateJoiner()
    assert joiner.feed("Полёт \ud83d") == "Полёт "
    assert joiner.feed("\ude80!") == "🚀!"
    assert joiner.close() == ""


def test_lone_halves_become_replacement_characters() -> None:
    joiner = SurrogateJoiner()
    assert joiner.feed("a\ude80b\ud83d") == "a\ufffdb"
    assert joiner.feed("c") == "\ufffdc"
    assert joiner.feed("\ud83d") == ""
    assert joiner.close() == "\ufffd"
    assert mend("x\ud83d\ude80y\udc00") == "x🚀y\ufffd"


@given(st.lists(st.text(), max_size=6), st.lists(st.integers(0, 50), max_size=6))
def test_joined_pieces_are_the_text_and_encode(pieces: list[str], at: list[int]) -> None:
    text = "".join(pieces)
    units = text.encode("utf-16-le")
    # What `json.loads` gives for `"\ud83d\ude80"`: every astral character as two halves.
    escaped = "".join(
        chr(int.from_bytes(units[i : i + 2], "little")) for i in range(0, len(units), 2)
    )
    joiner = SurrogateJoiner()
    out = "".join(joiner.feed(piece) for piece in cuts(escaped, at)) + joiner.close()
    assert out == text
    out.encode("utf-8")  # never a UnicodeEncodeError later
    assert not has_surrogates(out)
