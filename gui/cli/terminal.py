"""Model and server text made safe for a terminal: no control sequences get through.

A reply is untrusted. Printed as it comes, it could set the clipboard (OSC 52), retitle
the window (OSC 0/2), clear the screen, move the cursor to overwrite what was shown, or
ring the bell. `TerminalFilter` drops every C0 control but newline and tab, DEL, every C1
control (U+0080–U+009F, which some terminals obey), and the whole of each escape, CSI and
string sequence (OSC, DCS, SOS, PM, APC), so what is left is only the text.

It is fed the stream piece by piece: a sequence split between two pieces is still
removed, since only a small state (never text) is carried over. Each character is looked
at a bounded number of times, and a sequence that never ends stops being swallowed after
`MAX_SEQUENCE` characters or at a newline, so a stray ESC cannot hide the rest of a reply.
"""

from __future__ import annotations

import re

__all__ = ["MAX_SEQUENCE", "TerminalFilter", "clean", "one_line"]

#: The longest run of characters swallowed as one sequence; past it, text shows again.
MAX_SEQUENCE = 4096

#: Every control character but \t and \n: C0, DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: A CSI sequence's parameter and intermediate bytes (its final byte is @ to ~).
_CSI_BODY = re.compile(r"[\x20-\x3f]*")
#: What may end a control string: BEL, ST (C1 or ESC \), or a newline (ours).
_STRING_END = re.compile(r"[\x07\x9c\x1b\n]")
_STRING_STARTS = frozenset("\x90\x98\x9d\x9e\x9f")  # DCS, SOS, OSC, PM, APC (C1 forms)
_ESC_STRING_STARTS = frozenset("PX]^_")  # the same after ESC

_GROUND, _ESC, _ESC_INTERMEDIATE, _CSI, _STRING, _STRING_ESC = range(6)


class TerminalFilter:
    """Removes terminal control sequences from text fed in pieces; keeps \\n and \\t."""

    __slots__ = ("_length", "_state")

    def __init__(self) -> None:
        self._state = _GROUND
        self._length = 0  # characters swallowed in the current sequence

    def feed(self, text: str) -> str:
        """The printable part of `text`, given what came before it."""
        out: list[str] = []
        pos, end = 0, len(text)
        while pos < end:
            state = self._state
            if state == _GROUND:
                found = _CONTROL.search(text, pos)
                if found is None:
                    out.append(text[pos:])
                    break
                start = found.start()
                if start > pos:
                    out.append(text[pos:start])
                pos = start + 1
                char = text[start]
                if char == "\x1b":
                    self._enter(_ESC)
                elif char == "\x9b":
                    self._enter(_CSI)
                elif char in _STRING_STARTS:
                    self._enter(_STRING)
                # any other control is dropped on its own
            elif state in (_ESC, _ESC_INTERMEDIATE):
                char = text[pos]
                if state == _ESC and char == "[":
                    self._state, self._length = _CSI, 2
                elif state == _ESC and char in _ESC_STRING_STARTS:
                    self._state, self._length = _STRING, 2
                elif " " <= char <= "/":  # intermediate bytes (ESC ( B, ESC # 8, …)
                    self._state = _ESC_INTERMEDIATE
                    if not self._grow(1):
                        continue  # too long: this character is text again
                elif "0" <= char <= "~":  # the final byte: the sequence is complete
                    self._state = _GROUND
                else:  # not a sequence after all: look at this character afresh
                    self._state = _GROUND
                    continue
                pos += 1
            elif state == _CSI:
                body_end = _CSI_BODY.match(text, pos).end()  # type: ignore[union-attr]
                if not self._grow(body_end - pos):
                    pos += MAX_SEQUENCE - self._length  # the rest shows as text
                    continue
                pos = body_end
                if pos < end:
                    self._state = _GROUND
                    if "@" <= text[pos] <= "~":
                        pos += 1  # the final byte ends it; anything else is looked at afresh
            elif state == _STRING:
                found = _STRING_END.search(text, pos)
                stop = end if found is None else found.start()
                if not self._grow(stop - pos):
                    pos += MAX_SEQUENCE - self._length
                    continue
                pos = stop
                if found is not None:
                    char = text[pos]
                    pos += 1
                    if char == "\x1b":
                        self._state = _STRING_ESC
                    else:
                        self._state = _GROUND
                        if char == "\n":
                            out.append("\n")
            else:  # _STRING_ESC: ESC \ is the string terminator; ESC anything else starts anew
                if text[pos] == "\\":
                    pos += 1
                    self._state = _GROUND
                else:
                    self._enter(_ESC)
        return "".join(out)

    def flush(self) -> str:
        """End of the stream: an unfinished sequence is dropped (nothing of it is held)."""
        self._state = _GROUND
        self._length = 0
        return ""

    def _enter(self, state: int) -> None:
        self._state = state
        self._length = 1

    def _grow(self, count: int) -> bool:
        """Count `count` more swallowed characters; False (back to text) past the limit."""
        if self._length + count > MAX_SEQUENCE:
            self._state = _GROUND
            return False
        self._length += count
        return True


def clean(text: str) -> str:
    """`text` without terminal control sequences, in one piece."""
    return TerminalFilter().feed(text)


def one_line(text: str) -> str:
    """`text` without control sequences and on one line: for an error on stderr."""
    return " ".join(clean(text).split())
