"""Hash and check passwords (werkzeug's scrypt) and judge new ones against the county's policy.

The policy follows GB/T 22239-2019 level 3 practice: a minimum length, at least three of the four
character classes, no username inside, none of the last few passwords again, and a maximum age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8  # the floor no setting may go below
MIN_CLASSES = 3
CLASSES = ("大写字母", "小写字母", "数字", "特殊符号")


@dataclass(frozen=True)
class PasswordRules:
    """The configurable parts of the policy (from Settings)."""

    min_length: int = MIN_LENGTH
    history: int = 5  # a new password may not repeat the current one nor the `history` before it
    max_age_days: int = 90  # 0: passwords never expire

    @classmethod
    def from_settings(cls, settings: object) -> PasswordRules:
        """Read the rules from the app's Settings."""
        return cls(settings.password_min_length, settings.password_history, settings.password_max_age_days)


@cache
def _dummy_hash() -> str:
    """Return a hash to check when a username is unknown, so that costs as long as a wrong password."""
    return hash_password("not-a-password")


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of the password."""
    return generate_password_hash(password, method="scrypt")


def check_password(password_hash: str | None, password: str) -> bool:
    """Tell whether the password matches the hash (None: no such user, still spend the time)."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def char_class(char: str) -> str:
    """Return the class of one character: ASCII upper or lower case, digit, or anything else (a symbol)."""
    if "A" <= char <= "Z":
        return CLASSES[0]
    if "a" <= char <= "z":
        return CLASSES[1]
    if "0" <= char <= "9":
        return CLASSES[2]
    return CLASSES[3]


def policy_problems(new: str, *, username: str, rules: PasswordRules) -> list[str]:
    """Return, in Chinese, every rule the password breaks (empty when it meets the policy)."""
    problems = []
    if len(new) < max(MIN_LENGTH, rules.min_length):
        problems.append(f"长度至少 {max(MIN_LENGTH, rules.min_length)} 位（现为 {len(new)} 位）")
    present = {char_class(c) for c in new}
    if len(present) < MIN_CLASSES:
        missing = "、".join(c for c in CLASSES if c not in present)
        problems.append(f"须包含大写字母、小写字母、数字、特殊符号中至少 {MIN_CLASSES} 类"
                        f"（现有 {len(present)} 类，可加入：{missing}）")
    if username and username.lower() in new.lower():
        problems.append("不能包含用户名")
    return problems


def password_problem(new: str, confirm: str, *, username: str, rules: PasswordRules) -> str | None:
    """Return why a new password is refused, in Chinese, or None when the policy accepts it."""
    if new != confirm:
        return "两次输入的新密码不一致。"
    problems = policy_problems(new, username=username, rules=rules)
    return "新密码不符合要求：" + "；".join(problems) + "。" if problems else None


def rules_text(rules: PasswordRules) -> str:
    """Describe the policy in one Chinese sentence, for the change-password page."""
    text = (f"至少 {max(MIN_LENGTH, rules.min_length)} 位，须包含大写字母、小写字母、数字、特殊符号中至少 "
            f"{MIN_CLASSES} 类，不能包含用户名")
    if rules.history:
        text += f"，不能与最近 {rules.history} 次使用过的密码相同"
    if rules.max_age_days:
        text += f"；密码每 {rules.max_age_days} 天须更换一次"
    return text + "。"


def is_expired(changed_at: datetime | None, created_at: datetime, now: datetime, rules: PasswordRules) -> bool:
    """Tell whether a password set at `changed_at` (None: when the account was created) is past its maximum age."""
    if not rules.max_age_days:
        return False
    return now - (changed_at or created_at) > timedelta(days=rules.max_age_days)
