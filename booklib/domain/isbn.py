"""The ISBN value object: accepts ISBN-10 or ISBN-13, keeps ISBN-13."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ValidationError

_SEPARATORS = re.compile(r"[\s\-]")
# ASCII only: str.isdigit() also accepts "²" and Arabic-Indic digits, which would make two spellings of one ISBN.
_DIGITS = re.compile(r"[0-9]+")
_ISBN10 = re.compile(r"[0-9]{9}[0-9X]")
SHOWN_PREFIX = 20  # an error quotes at most this much of what was typed


def _digits(text: str) -> bool:
    return _DIGITS.fullmatch(text) is not None


def shown(raw: object) -> str:
    """What an error message quotes of the input: a short prefix, never a pasted novel."""
    text = str(raw).strip()
    return text if len(text) <= SHOWN_PREFIX else text[:SHOWN_PREFIX] + "…"


def ean13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_check_digit(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def is_valid_ean13(digits: str) -> bool:
    return len(digits) == 13 and _digits(digits) and ean13_check_digit(digits[:12]) == digits[12]


@dataclass(frozen=True, slots=True)
class Isbn:
    value: str  # always the 13-digit form

    @classmethod
    def parse(cls, raw: str | int | None) -> "Isbn":
        if raw is None or not str(raw).strip():
            raise ValidationError("ISBN is required.", field="isbn")
        text = _SEPARATORS.sub("", str(raw)).upper()
        if text.startswith("ISBN"):
            text = text[4:].lstrip(":")
        if _ISBN10.fullmatch(text):
            if _isbn10_check_digit(text[:9]) != text[9]:
                raise ValidationError(f"'{shown(raw)}' is not a valid ISBN-10: the check digit is wrong.", field="isbn")
            body = "978" + text[:9]
            return cls(body + ean13_check_digit(body))
        if len(text) == 13 and _digits(text):
            if not text.startswith(("978", "979")):
                raise ValidationError(
                    f"'{shown(raw)}' is an EAN-13 but not an ISBN (ISBNs start with 978 or 979).", field="isbn"
                )
            if not is_valid_ean13(text):
                raise ValidationError(f"'{shown(raw)}' is not a valid ISBN-13: the check digit is wrong.", field="isbn")
            return cls(text)
        raise ValidationError(f"'{shown(raw)}' is not an ISBN: expected 10 or 13 digits (0-9, or X last).", field="isbn")

    @property
    def isbn10(self) -> str | None:
        if not self.value.startswith("978"):
            return None
        body = self.value[3:12]
        return body + _isbn10_check_digit(body)

    def __str__(self) -> str:
        return self.value
