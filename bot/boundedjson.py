"""JSON from outside (webhook updates, uploaded FHIR bundles) read with a bound on its nesting.

`json.loads` recurses once per level: a body of 100,000 `[` raises RecursionError, which no caller
expects and which ends as a 500. The depth is measured first, on the bytes with their strings taken
out, so a bracket inside a string does not count; too deep is a `JsonTooDeep` (a ValueError), like
any other JSON that cannot be used.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

# A JSON string (escapes included), unrolled so it runs in linear time.
_STRING: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET: Final = re.compile(rb"[\[\]{}]")


class JsonTooDeep(ValueError):
    """JSON nested deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the JSON is nested more than {limit} levels deep")
        self.limit = limit


def depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether arrays and objects in `data` nest deeper than `limit` (stops counting at the first excess)."""
    level = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            level += 1
            if level > limit:
                return True
        else:
            level -= 1
    return False


def loads(data: bytes, max_depth: int) -> Any:
    """Parse UTF-8 JSON (a byte order mark allowed); JsonTooDeep or ValueError when it cannot be used."""
    if depth_exceeds(data, max_depth):
        raise JsonTooDeep(max_depth)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except RecursionError:  # only when max_depth is above what the interpreter allows
        raise JsonTooDeep(max_depth) from None
