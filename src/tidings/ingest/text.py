"""Bytes to text: encoding detection, BOMs, line endings and control characters.

The normalisation is deliberately small and documented, because every offset in tidings points
into the normalised text:

* line endings ``\\r\\n`` and lone ``\\r`` become ``\\n``;
* C0/C1 control characters other than ``\\n`` and ``\\t`` are removed (form feeds from page breaks,
  stray ``\\x00``); a byte-order mark is removed;
* everything else is kept as it is: curly and straight quotes, non-breaking spaces (U+00A0),
  dashes and ellipses survive character for character.
"""

from __future__ import annotations

import codecs
import re

# Share of control bytes in the first block above which a file is treated as binary. Text exports
# we have seen carry at most a handful (form feeds); images, PDFs and archives carry 10-30%.
BINARY_CONTROL_SHARE = 0.05
SNIFF_BYTES = 8192

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_KNOWN_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive",
    b"\x7fELF": "an executable",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
}


def bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


# Control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def binary_reason(data: bytes) -> str | None:
    """Why these bytes are not text (a short phrase), or None when they look like text."""
    head = data[:SNIFF_BYTES]
    for magic, what in _KNOWN_MAGIC.items():
        if head.startswith(magic):
            return what
    if bom_encoding(head) in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        return None
    if b"\x00" in head:
        return "it contains NUL bytes"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not per byte
    if head and controls / len(head) > BINARY_CONTROL_SHARE:
        return f"{controls / len(head):.0%} of its first bytes are control characters"
    return None


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Decode bytes to normalised text. Returns ``(text, None)`` or ``(None, reason)``.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read directly; anything else is
    detected with charset-normalizer (Windows-1252 and Latin-1 exports are common).
    """
    why = binary_reason(data)
    if why:
        return None, why
    enc = bom_encoding(data)
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            return None, f"it starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason})"
        return normalise(text.lstrip("\ufeff")), None
    try:
        return normalise(data.decode("utf-8")), None
    except UnicodeDecodeError:
        pass
    best = _guess(data)
    if best is None:
        return None, "no text encoding fits these bytes"
    return normalise(data.decode(best, errors="replace")), None


# Single-byte encodings of Western European exports. On short texts charset detection often
# cannot tell them from Central European code pages (it read "Genève" as "Genčve" in our tests);
# when a Western encoding is among the plausible ones, it wins, because the press databases our
# users export from write Windows-1252 when they do not write UTF-8.
WESTERN = ("cp1252", "iso8859_15", "latin_1")


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    encodings = [m.encoding for m in matches]
    for western in WESTERN:
        if western in encodings:
            return western
    best = matches.best()
    return best.encoding if best else None


def normalise(text: str) -> str:
    """Line endings to ``\\n``; control characters (except tab and newline) removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def detected_encoding(data: bytes) -> str:
    """The encoding ``decode`` would use (for messages and metadata)."""
    enc = bom_encoding(data)
    if enc:
        return enc
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return _guess(data) or "unknown"
