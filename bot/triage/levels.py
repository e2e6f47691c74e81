"""Triage levels, ordered so that `max()` gives the most urgent one."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    """How urgent a message is: none < urgent < seh < emergency."""

    NONE = 0
    URGENT = 1
    SEH = 2
    EMERGENCY = 3

    @property
    def label(self) -> str:
        """The lower-case name used in YAML, JSON and logs."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Level:
        """The level called `label` ("none", "urgent", "seh", "emergency"); ValueError otherwise."""
        try:
            return cls[label.upper()]
        except KeyError:
            raise ValueError(f"unknown level {label!r}") from None
