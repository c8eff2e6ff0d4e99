"""The terminal filter: a model's control sequences never reach a terminal, split or not."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.cli.terminal import MAX_SEQUENCE, TerminalFilter, clean, one_line

#: What must never come out: every C0 control but \t and \n, DEL and every C1 control.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

HOSTILE = {
    "OSC 52 clipboard write (BEL)": ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),
    "OSC 52 clipboard write (ST)": ("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b", "ab"),
    "OSC 0 title": ("\x1b]0;pwned\x07text", "text"),
    "OSC 2 title, C1 OSC and C1 ST": ("\x9d2;pwned\x9ctext", "text"),
    "OSC 8 hyperlink": ("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click"),
    "clear screen and home": ("\x1b[2J\x1b[Hhello", "hello"),
    "full reset": ("\x1bcok", "ok"),
    "charset designation": ("\x1b(0lqk\x1b(B", "lqk"),
    "colour": ("\x1b[1;31mred\x1b[0m", "red"),
    "private mode (alt screen)": ("\x1b[?1049hx", "x"),
    "C1 CSI": ("\x9b2Jx", "x"),
    "DCS": ("\x1bPq#0;2;0;0;0\x1b\\x", "x"),
    "APC and PM": ("\x1b_hidden\x1b\\\x1b^hidden\x1b\\x", "x"),
    "NUL, backspace, CR, bell": ("pa\x00ss\x08\x08\rwo\x07rd", "password"),
    "DEL and form feed": ("a\x7fb\x0cc", "abc"),
    "newline and tab kept": ("one\ttwo\nthree", "one\ttwo\nthree"),
    "non-ASCII kept": ("Привет, 世界 👋\n", "Привет, 世界 👋\n"),
}


@pytest.mark.parametrize(("text", "shown"), HOSTILE.values(), ids=HOSTILE.keys())
def test_control_sequences_are_removed_and_the_text_kept(text: str, shown: str) -> None:
    assert clean(text) == shown


@pytest.mark.parametrize(("text", "shown"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_sequence_split_across_deltas_is_still_removed(text: str, shown: str) -> None:
    for cut in range(len(text) + 1):
        terminal = TerminalFilter()
        assert terminal.feed(text[:cut]) + terminal.feed(text[cut:]) == shown, cut


def test_the_clipboard_write_from_the_issue_split_in_two() -> None:
    terminal = TerminalFilter()
    assert terminal.feed("ok \x1b]52;c;") == "ok "
    assert terminal.feed("cm0gLXJmIH4=\x07 done") == " done"


def test_an_unterminated_string_swallows_a_bounded_amount_and_holds_nothing() -> None:
    terminal = TerminalFilter()
    out = terminal.feed("\x1b]52;c;")
    for _ in range(100):
        out += terminal.feed("A" * 1000)  # 100,000 characters, never terminated
    assert not CONTROL.search(out)
    # The sequence stops at MAX_SEQUENCE characters; what follows shows again.
    assert len(out) == 100 * 1000 - (MAX_SEQUENCE - len("\x1b]52;c;"))
    assert terminal.__slots__ == ("_length", "_state")  # a state, never a buffer
    assert terminal.flush() == ""


def test_a_stray_escape_does_not_hide_the_rest_of_the_reply() -> None:
    assert clean("before \x1b] oops\nthe rest of the reply") == "before \nthe rest of the reply"
    assert clean("a \x1b[12;3 then\nmore") == "a hen\nmore"
    endless = clean("\x1b[" + "1;" * 10_000 + "m")  # parameters past the limit show again
    assert 0 < len(endless) <= 20_001 - MAX_SEQUENCE + 2
    assert set(endless) == {"1", ";", "m"}


def test_one_line_for_errors() -> None:
    assert one_line("Server said:\n\x1b]0;x\x07bad\r\n  things\x07") == "Server said: bad things"


def test_linear_time_on_hostile_input() -> None:
    pieces = ["\x1b[" * 5_000, "\x1b]" + "x" * 5_000, "\x1b\x1b\x1b", "\x9b" * 5_000, "a\x07"]
    text = "".join(pieces) * 40  # about 1 MB of nothing but sequence starts
    start = time.perf_counter()
    out = clean(text)
    elapsed = time.perf_counter() - start
    assert not CONTROL.search(out)
    assert elapsed < 5.0  # quadratic behaviour would take minutes


CONTROLS = st.sampled_from([*"\x1b[]\\\x07\x9b\x9c\x9d\x90P_^X", *"\x00\x08\r\n\t\x7f;09? (mHé"])


@given(st.lists(st.text(CONTROLS, max_size=30) | st.text(max_size=20), max_size=12))
def test_no_control_character_ever_comes_out_however_the_text_is_split(
    pieces: list[str],
) -> None:
    terminal = TerminalFilter()
    streamed = "".join(terminal.feed(piece) for piece in pieces) + terminal.flush()
    assert not CONTROL.search(streamed)
    assert streamed == clean("".join(pieces))


@given(st.text(st.characters(blacklist_categories=("Cc",)) | st.sampled_from("\n\t")))
def test_text_without_controls_passes_unchanged(text: str) -> None:
    assert clean(text) == text
