"""Light stemmers that turn a search word into the prefix its other forms share.

SQLite's FTS5 has no Russian stemmer, so the index keeps whole words and the search looks up
`stem*` prefixes instead. The Russian stemmer follows the Snowball (Porter) Russian algorithm;
the English one only drops the commonest endings. Both err towards shorter stems, because a stem
is only useful if it is a prefix of the other forms of the word.
"""

from __future__ import annotations

_VOWELS = frozenset("аеиоуыэюя")

# Snowball Russian endings. The "_AFTER_A" groups only count when preceded by "а" or "я".
_GERUND_AFTER_A = ("вшись", "вши", "в")
_GERUND = ("ившись", "ывшись", "ивши", "ывши", "ив", "ыв")
_ADJECTIVE = (
    "ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое", "ей", "ий", "ый", "ой",
    "ем", "им", "ым", "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
)  # fmt: skip
_PARTICIPLE_AFTER_A = ("ем", "нн", "вш", "ющ", "щ")
_PARTICIPLE = ("ивш", "ывш", "ующ")
_REFLEXIVE = ("ся", "сь")
_VERB_AFTER_A = (
    "ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть",
    "ешь", "нно",
)  # fmt: skip
_VERB = (
    "ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им",
    "ым", "ен", "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть",
    "ишь", "ую", "ю",
)  # fmt: skip
_NOUN = (
    "а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой",
    "ий", "й", "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь",
    "ию", "ью", "ю", "ия", "ья", "я",
)  # fmt: skip
_SUPERLATIVE = ("ейше", "ейш")
_DERIVATIONAL = ("ость", "ост")


def _regions(word: str) -> tuple[int, int]:
    """Snowball's RV and R2 start offsets."""
    size = len(word)
    rv = next((i + 1 for i, ch in enumerate(word) if ch in _VOWELS), size)

    def after_vowel_consonant(start: int) -> int:
        for i in range(max(start, 1), size):
            if word[i - 1] in _VOWELS and word[i] not in _VOWELS and i - 1 >= start:
                return i + 1
        return size

    r1 = after_vowel_consonant(0)
    r2 = after_vowel_consonant(r1)
    return rv, r2


def _strip(word: str, start: int, plain: tuple[str, ...], after_a: tuple[str, ...] = ()) -> str:
    """Remove the longest ending of `plain` + `after_a` lying at or after `start`, or nothing."""
    best = ""
    conditional = False
    for ending in (*plain, *after_a):
        if len(ending) > len(best) and word.endswith(ending) and len(word) - len(ending) >= start:
            best = ending
            conditional = ending in after_a and ending not in plain
    if not best:
        return word
    cut = len(word) - len(best)
    if conditional and (cut - 1 < start or word[cut - 1] not in "ая"):
        return word
    return word[:cut]


def stem_russian(word: str) -> str:
    """The Snowball stem of a lowercase Russian word, with "ё" read as "е"."""
    word = word.replace("ё", "е")
    rv, r2 = _regions(word)
    # Step 1: a perfective gerund, or else reflexive + adjectival / verb / noun ending.
    stripped = _strip(word, rv, _GERUND, _GERUND_AFTER_A)
    if stripped == word:
        word = _strip(word, rv, _REFLEXIVE)
        adjectival = _strip(word, rv, _ADJECTIVE)
        if adjectival != word:
            word = _strip(adjectival, rv, _PARTICIPLE, _PARTICIPLE_AFTER_A)
        else:
            verb = _strip(word, rv, _VERB, _VERB_AFTER_A)
            word = verb if verb != word else _strip(word, rv, _NOUN)
    else:
        word = stripped
    # Step 2: a trailing "и".
    if word.endswith("и") and len(word) - 1 >= rv:
        word = word[:-1]
    # Step 3: a derivational ending wholly inside R2.
    word = _strip(word, r2, _DERIVATIONAL)
    # Step 4: undouble "н", or a superlative ending, or a soft sign.
    if word.endswith("нн") and len(word) - 2 >= rv:
        return word[:-1]
    superlative = _strip(word, rv, _SUPERLATIVE)
    if superlative != word:
        return superlative[:-1] if superlative.endswith("нн") else superlative
    if word.endswith("ь") and len(word) - 1 >= rv:
        return word[:-1]
    return word


def stem_english(word: str) -> str:
    """Drop a plural, -ed, -ing or final -y from a lowercase English word, keeping 3+ letters."""
    if len(word) >= 5 and word.endswith("ies"):
        return word[:-3]
    if len(word) >= 6 and word.endswith("ing"):
        return word[:-3]
    if len(word) >= 5 and word.endswith("ed"):
        return word[:-2]
    if len(word) >= 5 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if len(word) >= 4 and word.endswith("y"):
        return word[:-1]
    return word


def is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def is_latin(word: str) -> bool:
    return word.isascii() and word.isalpha()


def stem(word: str) -> str:
    """The prefix a search for this lowercase word should look up."""
    if is_cyrillic(word):
        return stem_russian(word)
    if is_latin(word):
        return stem_english(word)
    return word
