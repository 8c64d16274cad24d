"""Bearer tokens: made from the system's CSPRNG, shown once, stored only as a SHA-256 digest.

A token carries 256 random bits, so a fast digest is enough: nobody can guess a preimage, and unlike a
password there is no small space to try. A slow hash (scrypt) would only cost time on every API request.
"""

from __future__ import annotations

import hashlib
import secrets

KIOSK = "ck_"  # a kiosk's device token
STAFF = "cs_"  # a staff account's integration token
CITIZEN = "cc_"  # one citizen's session at one kiosk
PREFIX_SHOWN = 10  # characters of a token kept in clear, to tell tokens apart in lists


def new_token(prefix: str) -> str:
    """Return a fresh random token with its kind prefix."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(raw: str) -> str:
    """Return the hex SHA-256 digest a token is stored and looked up by."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
