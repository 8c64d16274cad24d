"""Citizen ID numbers (GB 11643-1999) and social-security card numbers.

An ID number has 18 characters: a 6-digit address code, an 8-digit birth date (YYYYMMDD), a 3-digit
sequence code whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check
character (0-9 or X). The old 15-digit numbers stopped being valid in 2013 and are refused.

The address code is not checked against a table: codes change over time and the 2023 foreigners'
permanent residence card uses the same 18-character layout with a leading 9.

Masking follows the common "前3后4" convention of Chinese government portals: the first 3 and the last
4 characters stay visible, everything between (including the whole birth date) becomes "*", and the
length is kept, e.g. ``110***********002X``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Weight of position i is 2**(17 - i) mod 11 (GB 11643-1999, ISO 7064 MOD 11-2).
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH_YEAR = 1900
_CARD_NUMBER = re.compile(r"[A-Z0-9]{9}")


class IdNumberError(ValueError):
    """An ID or social-security number is malformed; str() is a Chinese message for users."""


class SsCardNumberError(IdNumberError):
    """A social-security card number is malformed."""


def _normalise(value: str) -> str:
    """Fold full-width characters (common with Chinese input methods), trim and uppercase."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def check_character(first17: str) -> str:
    """Return the check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _validate(value: str, noun: str, today: date | None, error: type[IdNumberError]) -> str:
    """Check an 18-character number, naming it `noun` in the messages."""
    number = _normalise(value)
    if not number:
        raise error(f"请填写{noun}")
    if len(number) == 15 and number.isdigit():
        raise error(f"{noun}应为18位（15位旧号码已停止使用）")
    if len(number) != 18:
        raise error(f"{noun}应为18位，现为{len(number)}位")
    if not number[:17].isdigit():
        raise error(f"{noun}前17位只能是数字")
    if not (number[17].isdigit() or number[17] == "X"):
        raise error(f"{noun}最后一位只能是数字或X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise error(f"{noun}中的出生日期{number[6:14]}不是有效日期") from None
    if born > (today or date.today()):
        raise error(f"{noun}中的出生日期{born.isoformat()}晚于今天")
    if born.year < _EARLIEST_BIRTH_YEAR:
        raise error(f"{noun}中的出生日期{born.isoformat()}早于{_EARLIEST_BIRTH_YEAR}年")
    if check_character(number[:17]) != number[17]:
        raise error(f"{noun}校验码错误，请核对是否输错")
    return number


def validate_id_number(value: str, *, today: date | None = None) -> str:
    """Return the normalised 18-character ID number (uppercase X) or raise IdNumberError."""
    return _validate(value, "身份证号码", today, IdNumberError)


def validate_ss_card_number(value: str, *, today: date | None = None) -> str:
    """Return a normalised 社会保障号码 (18, as an ID) or 9-character card number, or raise."""
    number = _normalise(value)
    if len(number) == 18:
        return _validate(number, "社会保障号码", today, SsCardNumberError)
    if not number:
        raise SsCardNumberError("请填写社会保障卡号或社会保障号码")
    if len(number) == 9:
        if not _CARD_NUMBER.fullmatch(number):
            raise SsCardNumberError("社会保障卡号只能包含数字和字母")
        return number
    raise SsCardNumberError(f"应填写9位社会保障卡号或18位社会保障号码，现为{len(number)}位")


def mask_id_number(value: str) -> str:
    """Mask an ID-like number for display, keeping the first 3 and last 4 characters.

    Values shorter than 11 characters (e.g. 9-character card numbers) keep only their last 2, so that
    at least the larger part stays hidden. Never raises: it is for showing stored values.
    """
    number = _normalise(value)
    if len(number) >= 11:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) > 2:
        return "*" * (len(number) - 2) + number[-2:]
    return "*" * len(number)


def birth_date(value: str) -> date:
    """Return the birth date encoded in a valid ID number."""
    number = validate_id_number(value)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def age_on(value: str, day: date) -> int:
    """Return the age in full years (周岁) on `day`; it rises on the birthday itself.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    born = birth_date(value)
    if day < born:
        raise ValueError(f"{day.isoformat()} is before the birth date {born.isoformat()}")
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def gender(value: str) -> str:
    """Return '男' or '女' from the parity of the 17th character of a valid ID number."""
    return "男" if int(validate_id_number(value)[16]) % 2 else "女"
