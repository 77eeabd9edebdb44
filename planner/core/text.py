"""Text people type (names, notes, titles): NFC-normalised, no control characters, no lone
surrogates. Pure; used by the importer, the services and the CLI."""
from __future__ import annotations

import unicodedata


class BadText(ValueError):
    """str() is one line for the user."""


def clean_text(value: object, what: str, max_len: int, *, multiline: bool = False,
               min_len: int = 0) -> str:
    """The text NFC-normalised and stripped, or BadText naming `what`."""
    if not isinstance(value, str):
        raise BadText(f"{what}: must be text")
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise BadText(f"{what}: has a character that is not valid text (a lone surrogate "
                          "or an undecodable byte)")
        if (code < 32 and not (multiline and ch in "\n\t")) or 0x7F <= code < 0xA0 \
                or ch in "\u2028\u2029\u202e\u202d\u2066\u2067\u2068\u2069\u202a\u202b\u202c":
            raise BadText(f"{what}: has a control character (U+{code:04X})")
    text = unicodedata.normalize("NFC", value).strip()
    if len(text) > max_len:
        raise BadText(f"{what}: is too long ({len(text)} characters, at most {max_len})")
    if len(text) < min_len:
        raise BadText(f"{what}: is empty" if min_len == 1 else f"{what}: is too short")
    return text


def printable(text: str) -> str:
    """Text safe for a one-line message: line breaks, control and format characters (ANSI escapes,
    bidi overrides) and lone surrogates are written as escapes such as \\x1b or \\u202e."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
