"""Pieces every `cuncun` command group uses: the store and who runs the command."""

from __future__ import annotations

import getpass

from engine.store import Store


def get_store() -> Store:
    """Return the application's store (tests monkeypatch the name in each command module)."""
    return Store()


def cli_actor(given: str | None, prefix: str = "") -> str:
    """Return the actor for the audit trail: the one given, else the OS user (with `prefix`), else 'cli'."""
    if given:
        return given
    try:
        return prefix + getpass.getuser()
    except (KeyError, OSError):
        return "cli"
