"""The SSE decoder gives the same events however the network cuts the bytes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.sse import DONE, SSEDecoder, SSEEvent

# Values may hold anything but line breaks; Cyrillic and emoji are what users send.
_CHARS = st.one_of(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"),
    st.sampled_from("ПриветЖЁёщъ🙂👍🏽🇷🇺€ "),
)
_VALUES = st.one_of(st.text(_CHARS, max_size=12), st.just(DONE), st.just('{"a": "б"}'))
_NAMES = st.text(st.sampled_from("abcxyz_-."), min_size=1, max_size=6)
_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


def _no_nul(text: str) -> str:
    """An id holding NUL is ignored by the spec; the fixed cases test that."""
    return text.replace("\0", "")


def decode(chunks: Iterable[bytes]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    events += decoder.close()
    assert not decoder.has_partial
    return events


def split_at(data: bytes, points: Iterable[int]) -> list[bytes]:
    cuts = [0, *sorted(points), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


@st.composite
def field_line(draw: st.DrawFn, name: str, value: str) -> str:
    """One `name: value` line in any of the spellings the spec allows."""
    if name == "data" and value == "" and draw(st.booleans()):
        return "data"  # a bare field name means an empty value
    # Without the space a value that starts with a space would lose it: the one
    # optional space after the colon belongs to the syntax.
    space = " " if value.startswith(" ") or draw(st.booleans()) else ""
    return f"{name}:{space}{value}"


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[SSEEvent]]:
    """A valid event stream and the events a correct decoder must find in it."""
    lines: list[str] = []
    expected: list[SSEEvent] = []
    last_id: str | None = None
    blocks = draw(st.integers(min_value=0, max_value=5))
    for index in range(blocks):
        items: list[tuple[str, str]] = [
            ("data", value) for value in draw(st.lists(_VALUES, min_size=0, max_size=3))
        ]
        if draw(st.booleans()):
            items.append(("event", draw(st.one_of(_NAMES, st.just("")))))
        if draw(st.booleans()):
            items.append(("id", draw(st.text(_CHARS, max_size=5).map(_no_nul))))
        items += [(":", text) for text in draw(st.lists(st.text(_CHARS, max_size=8), max_size=2))]
        items += [("retry", "100")] if draw(st.booleans()) else []
        items = draw(st.permutations(items))

        data: list[str] = []
        event = ""
        for name, value in items:
            if name == ":":
                lines.append(f":{value}")
                continue
            lines.append(draw(field_line(name, value)))
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif name == "id":
                last_id = value
        if data:
            expected.append(SSEEvent("\n".join(data), event or "message", last_id))
        last = index == blocks - 1
        if not (last and draw(st.booleans())):  # the final blank line may be missing
            lines.append("")
        lines += [""] * draw(st.integers(min_value=0, max_value=1))  # extra blank lines

    text = ""
    previous = ""
    for position, line in enumerate(lines):
        ending = draw(_ENDINGS)
        if previous == "\r" and line == "" and ending == "\n":
            ending = "\r\n"  # "\r" + "\n" would read as one line break, not two
        if position == len(lines) - 1 and draw(st.booleans()):
            ending = ""  # the stream may stop right after the last line
        text += line + ending
        previous = ending
    return text.encode("utf-8"), expected


_PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(streams())
def test_whole_stream_decodes_to_generated_events(case: tuple[bytes, list[SSEEvent]]) -> None:
    data, expected = case
    assert decode([data]) == expected


@_PROPERTY
@given(streams())
def test_every_byte_boundary_gives_the_same_events(case: tuple[bytes, list[SSEEvent]]) -> None:
    data, expected = case
    one_byte = [data[i : i + 1] for i in range(len(data))]
    assert decode(one_byte) == expected
    # The network (or a proxy) may hand over an empty read between any two bytes.
    assert decode(piece for byte in one_byte for piece in (byte, b"")) == expected
    for point in range(len(data) + 1):
        assert decode(split_at(data, [point])) == expected, f"split at byte {point}"


@_PROPERTY
@given(st.data())
def test_random_multi_splits_give_the_same_events(draw: st.DataObject) -> None:
    data, expected = draw.draw(streams())
    # Favour cuts just after a \r and inside characters; duplicated points make empty
    # chunks, which must be harmless too.
    tricky = [i + 1 for i, byte in enumerate(data) if byte == 0x0D or byte >= 0x80]
    point = st.integers(min_value=0, max_value=len(data))
    if tricky:
        point = st.one_of(point, st.sampled_from(tricky))
    points = draw.draw(st.lists(point, max_size=12))
    assert decode(split_at(data, points)) == expected


# ---- fixed cases -------------------------------------------------------------------


def feed_all(decoder: SSEDecoder, chunks: Sequence[bytes]) -> list[SSEEvent]:
    events: list[SSEEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    return events


def test_gigachat_stream_with_done_terminator() -> None:
    body = (
        'data: {"choices":[{"delta":{"content":"Привет","role":"assistant"}}]}\n\n'
        'data: {"choices":[{"delta":{"content":"!"}}]}\n\n'
        "data: [DONE]\n\n"
    ).encode()
    events = decode([body])
    assert [event.is_done for event in events] == [False, False, True]
    assert "Привет" in events[0].data


@pytest.mark.parametrize("line", ["data: [DONE]", "data:[DONE]", "data:  [DONE] "])
def test_done_is_detected_with_any_spacing(line: str) -> None:
    (event,) = decode([f"{line}\n\n".encode()])
    assert event.is_done


@pytest.mark.parametrize("data", ["[DONE] more", "DONE", '"[DONE]"', ""])
def test_only_the_terminator_is_done(data: str) -> None:
    assert not SSEEvent(data).is_done


def test_cr_at_chunk_end_then_lf_is_one_line_break() -> None:
    decoder = SSEDecoder()
    assert feed_all(decoder, [b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [SSEEvent("a\nb")]


def test_empty_chunk_between_cr_and_lf_keeps_one_line_break() -> None:
    decoder = SSEDecoder()
    assert feed_all(decoder, [b"data: a\r", b"", b"\ndata: b\n\n"]) == [SSEEvent("a\nb")]


def test_lone_cr_line_endings() -> None:
    assert decode([b"data: a\r\rdata: b\r\r"]) == [SSEEvent("a"), SSEEvent("b")]


def test_utf8_character_split_across_chunks() -> None:
    body = "data: Жёлтый 🙂\n\n".encode()
    cut = body.index("🙂".encode()) + 2
    decoder = SSEDecoder()
    assert decoder.feed(body[:7]) == []  # "data: " + first byte of "Ж"
    assert decoder.feed(body[7:cut]) == []
    assert decoder.feed(body[cut:]) == [SSEEvent("Жёлтый 🙂")]


def test_close_delivers_final_event_without_blank_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: note\ndata: last") == []
    assert decoder.has_partial
    assert decoder.close() == [SSEEvent("last", "note")]
    assert not decoder.has_partial


@pytest.mark.parametrize(
    "cut",
    [b"data: half a li", b"data: whole line\n", "data: Ж".encode()[:-1], b"data: a\n\n\xd0"],
    ids=["mid-line", "no-blank-line", "mid-character", "dangling-byte"],
)
def test_has_partial_for_cut_stream(cut: bytes) -> None:
    decoder = SSEDecoder()
    decoder.feed(cut)
    assert decoder.has_partial


def test_no_partial_between_events() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b": keep-alive\n\ndata: a\n\n") == [SSEEvent("a")]
    assert not decoder.has_partial
    assert decoder.close() == []


def test_leading_bom_is_dropped_even_when_split() -> None:
    body = b"\xef\xbb\xbfdata: first\n\n"
    assert decode([body]) == [SSEEvent("first")]
    assert decode([body[:1], body[1:2], body[2:]]) == [SSEEvent("first")]


def test_id_persists_and_event_type_resets() -> None:
    body = b"id: 7\nevent: delta\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"
    assert decode([body]) == [
        SSEEvent("a", "delta", "7"),
        SSEEvent("b", "message", "7"),
        SSEEvent("c", "message", ""),
    ]


def test_id_with_nul_is_ignored() -> None:
    assert decode([b"id: 1\n\nid: x\x00y\ndata: a\n\n"]) == [SSEEvent("a", id="1")]


def test_event_without_data_is_not_dispatched() -> None:
    assert decode([b"event: ping\n\n:comment\n\ndata:\n\n"]) == [SSEEvent("")]


@pytest.mark.parametrize(
    "junk",
    [
        b"\xff\xfe\x00garbage\n\n",
        b"\x00\x01\x02",
        b"\r\r\n\n\r",
        b"no colon line\n\n",
        b"data: \xff\xfe\n\n",
        b":" * 1000,
        b"\xef\xbb\xbf",
        b"",
    ],
)
def test_odd_input_does_not_crash(junk: bytes) -> None:
    for chunks in ([junk], [junk[i : i + 1] for i in range(len(junk))]):
        events = decode(chunks)
        assert all(isinstance(event.data, str) for event in events)


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    assert decode([b"data: a\xffb\n\n"]) == [SSEEvent("a\ufffdb")]
