"""Bytes -> text: UTF-8 first, then the declared or detected charset; binary
blobs are refused with a clear reason instead of becoming garbage text."""
from __future__ import annotations

import re

# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class NotText(ValueError):
    """The bytes are not text in any sensible encoding."""


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True for data with NUL bytes or many control bytes in its first 8 KB.

    >>> looks_binary(b"plain text\\n"), looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    (False, True)
    """
    head = data[:sample]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and ctrl / len(head) > 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes: UTF-8 (with or without BOM), else the declared charset,
    else charset-normalizer's best guess (Windows-1252 for a few bytes, too
    little to detect from). Raises NotText for binary content.

    >>> decode_bytes("café".encode("utf-8")), decode_bytes("café".encode("cp1252"))
    ('café', 'café')
    """
    if looks_binary(data):
        raise NotText("binary content (NUL or control bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    if len(data) < 256:  # too little for a detector to judge; the web's commonest legacy charset
        return data.decode("cp1252", errors="replace")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise NotText("undecodable bytes: no charset fits")
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return data.decode(best.encoding, errors="replace")


def check_text(text: str) -> None:
    """Raise NotText for a decoded string that is mostly control characters."""
    head = text[:8192]
    if head and len(_CONTROL.findall(head)) / len(head) > 0.05:
        raise NotText("mostly control characters, not text")
