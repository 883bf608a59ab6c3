"""Single-use secrets sent in links (invitations): made here, stored only as a hash.

The raw token travels once, in the e-mail; the database keeps its SHA-256. A leaked table or backup then opens
nothing, and a lookup by hash is still one indexed query (the token has 256 bits of entropy, so an unsalted
hash is enough: there is nothing to guess from a dictionary).
"""

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """A fresh URL-safe token and the hash to store for it."""
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
