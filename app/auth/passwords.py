"""Hash and check passwords (werkzeug's scrypt) and judge new ones."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8


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


def password_problem(new: str, confirm: str, *, username: str, current: str) -> str | None:
    """Return why a new password is refused, in Chinese, or None when it is acceptable."""
    if new != confirm:
        return "两次输入的新密码不一致。"
    if len(new) < MIN_LENGTH:
        return f"新密码至少需要 {MIN_LENGTH} 位。"
    if new == current:
        return "新密码不能与当前密码相同。"
    if new.lower() == username.lower():
        return "新密码不能与用户名相同。"
    if new.isdigit() or new.isalpha():
        return "新密码需同时包含字母和数字（或其他符号）。"
    return None
