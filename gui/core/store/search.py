"""Turn what a user typed into a safe FTS5 query, and FTS5 snippets into safe HTML.

What a search finds (all words must occur in a message, in any order; case never matters):

* Each typed word is matched as a word prefix of its stem, so other forms of the word match too.
  Russian words use a Snowball-style stemmer: "книга" finds книги, книгу, книгой, книгами;
  "модель" finds модели, моделью, моделей; "работает" finds работать, работал, работают,
  работающий; "привет" finds привета, приветом and also приветствую (any word starting with the
  stem). English words drop a plural, -ed, -ing or final -y: "models" finds model, modeling.
* "е" and "ё" are the same letter: "еще" finds "ещё" and "зеленый" finds "зелёный" (one "ё" per
  word; the index itself keeps "ё").
* Latin diacritics are ignored ("cafe" finds "café"), by the `unicode61 remove_diacritics 2`
  tokenizer.
* Words of one or two letters match only themselves; stems are at least three letters long.
  Prefix matching over-includes a little: "кот" also finds "который".
* When more than RANK_CANDIDATES (5,000) messages match (say, a search for "the"), only the
  newest 5,000 of them are ranked, so a search stays fast on a large history.
* A search may be limited to one sidebar folder's chats (`folder_clause`); the newest
  RANK_CANDIDATES are then counted among that folder's matches only.
* A reply is found once it has stopped streaming (complete, stopped, failed or interrupted):
  its text enters the index then, not at every save while it streams (schema v3).

Not supported: changes inside the stem (fleeting vowels: "ошибка" does not find "ошибок", "сон"
does not find "сна"), suppletive forms ("идти"/"шёл", "человек"/"люди"), prefixes added in front
of a word ("писать" does not find "написать"), and phrase, boolean or NEAR syntax: quotes, `*`,
`-`, `OR`, `NEAR` and other punctuation are read as plain text, so no query ever raises.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from gui.core.store.stemming import stem

MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"

MAX_QUERY_WORDS = 16
# Ranking costs about a microsecond per matching message; past this many, rank the newest only.
RANK_CANDIDATES = 5_000
MIN_PREFIX = 3

_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(f"([{MARK_OPEN}{MARK_CLOSE}])")
_SPACES = re.compile(r"\s+")


def _e_variants(prefix: str) -> list[str]:
    """The prefix with "ё" read as "е", plus each spelling with one "е" written as "ё"."""
    plain = prefix.replace("ё", "е")
    variants = [plain]
    for index, char in enumerate(plain):
        if char == "е":
            variants.append(f"{plain[:index]}ё{plain[index + 1 :]}")
    return variants


def _word_clause(word: str, known: Callable[[str], bool]) -> str:
    """FTS5 syntax for one typed word: itself if short, else any word starting with its stem."""
    if len(word) < MIN_PREFIX:
        return f'"{word}"'
    prefix = stem(word)
    if len(prefix) < MIN_PREFIX:
        prefix = word.replace("ё", "е")[:MIN_PREFIX]
    plain, *others = _e_variants(prefix)
    # bm25 costs time per alternative and per message, so "ё" spellings that no stored word
    # starts with are left out.
    options = [f'"{plain}"*', *(f'"{other}"*' for other in others if known(other))]
    return options[0] if len(options) == 1 else f"({' OR '.join(options)})"


def _anything(prefix: str) -> bool:
    return True


def words(text: str) -> list[str]:
    """The words FTS5 would see, lowercased, at most MAX_QUERY_WORDS of them."""
    normalized = unicodedata.normalize("NFC", text).lower()
    return _WORD.findall(normalized)[:MAX_QUERY_WORDS]


def fts_query(text: str, known: Callable[[str], bool] = _anything) -> str:
    """An FTS5 MATCH expression for plain user input; "" when there is nothing to look for.

    `known(prefix)` tells whether some indexed word starts with `prefix`. Every term is a
    double-quoted string of letters and digits only, so user input can never be read as FTS5
    operators or break the syntax.
    """
    return " AND ".join(_word_clause(word, known) for word in words(text))


def snippet_html(raw: str) -> str:
    """Escape an FTS5 snippet made with MARK_OPEN/MARK_CLOSE and turn the marks into <b> tags.

    The tags always balance, even if a stored text happened to contain the mark characters.
    """
    out: list[str] = []
    bold = False
    for part in _MARKS.split(raw):
        if part == MARK_OPEN:
            if not bold:
                out.append("<b>")
                bold = True
        elif part == MARK_CLOSE:
            if bold:
                out.append("</b>")
                bold = False
        elif part:
            out.append(html.escape(_SPACES.sub(" ", part)))
    if bold:
        out.append("</b>")
    return "".join(out).strip()


def folder_clause(folder: int | None) -> str:
    """The condition that keeps a search to one folder's chats (alias `c`), or nothing."""
    return "" if folder is None else " AND c.folder_id = ?"


def folder_params(folder: int | None) -> tuple[int, ...]:
    return () if folder is None else (folder,)


def floor_sql(folder: int | None) -> str:
    """The rowid of the RANK_CANDIDATES-th newest match (in the folder, when given)."""
    if folder is None:
        return (
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?"
            " ORDER BY rowid DESC LIMIT 1 OFFSET ?"
        )
    return (
        "SELECT messages_fts.rowid FROM messages_fts"
        " JOIN messages AS m ON m.id = messages_fts.rowid"
        " JOIN conversations AS c ON c.id = m.conversation_id"
        f" WHERE messages_fts MATCH ?{folder_clause(folder)}"
        " ORDER BY messages_fts.rowid DESC LIMIT 1 OFFSET ?"
    )
