"""The one error a user sees for bad input: key, value and what is allowed, on one line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ConfigError(ValueError):
    """A config value is wrong. `str()` is the one line shown to the user."""

    def __init__(self, key: str, value: object, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r}: {allowed}")


def unknown_name(key: str, value: str, known: Iterable[str], what: str) -> ConfigError:
    """An unknown name, with the known ones and a "did you mean" suggestion."""
    names = sorted(known)
    close = difflib.get_close_matches(str(value), names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(names) if names else "none defined"
    return ConfigError(key, value, f"unknown {what}{hint}; known: {listed}")
