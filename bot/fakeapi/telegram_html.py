"""A strict checker for Telegram's HTML parse mode.

Telegram rejects malformed HTML with ``400 Bad Request: can't parse entities: …``. The fake uses this
checker so that escaping bugs (a patient's ``<`` or ``&`` pasted into a message unescaped, an
unsupported ``<br>``) fail in tests instead of in production. It is deliberately a little stricter
than Telegram: a bare ``&`` that does not start an entity is rejected too.
"""

from __future__ import annotations

import html
import re

# Tags Telegram accepts (https://core.telegram.org/bots/api#html-style).
SIMPLE_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "tg-spoiler", "blockquote"}
)
_TAG_RE = re.compile(
    r"<(?P<end>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message mimics Telegram's wording."""


def _offset(text: str, index: int) -> int:
    """Telegram reports UTF-8 byte offsets."""
    return len(text[:index].encode("utf-8"))


def _attributes(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def _check_start_tag(name: str, attrs: dict[str, str], stack: list[str], where: int) -> None:
    if stack and stack[-1] in {"code", "pre"} and not (stack[-1] == "pre" and name == "code"):
        raise HtmlError(
            f'can\'t parse entities: tag "{name}" is not allowed inside "{stack[-1]}" at byte offset {where}'
        )
    if name == "a":
        if "href" not in attrs:
            raise HtmlError(f'can\'t parse entities: tag "a" must have attribute "href" at byte offset {where}')
        if "a" in stack:
            raise HtmlError(f"can't parse entities: nested links at byte offset {where}")
    elif name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise HtmlError(f'can\'t parse entities: tag "span" must have class "tg-spoiler" at byte offset {where}')
    elif name == "tg-emoji":
        if "emoji-id" not in attrs:
            raise HtmlError(
                f'can\'t parse entities: tag "tg-emoji" must have attribute "emoji-id" at byte offset {where}'
            )
    elif name not in SIMPLE_TAGS:
        raise HtmlError(f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {where}')


_SPECIAL_RE = re.compile(r"[<&]")


def parse_html(text: str) -> str:
    """Return the plain text of Telegram HTML `text`, or raise `HtmlError`."""
    plain: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG_RE.match(text, i)
            if match is None:
                raise HtmlError(
                    f'can\'t parse entities: Unsupported start tag "{text[i + 1 : i + 11]}" '
                    f"at byte offset {_offset(text, i)}"
                )
            name = match.group("name").lower()
            if match.group("end"):
                if not stack:
                    raise HtmlError(
                        f'can\'t parse entities: Unexpected end tag "{name}" at byte offset {_offset(text, i)}'
                    )
                if stack[-1] != name:
                    raise HtmlError(
                        f"can't parse entities: Unmatched end tag at byte offset {_offset(text, i)}, "
                        f'expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                _check_start_tag(name, _attributes(match.group("attrs")), stack, _offset(text, i))
                stack.append(name)
            i = match.end()
        elif char == "&":
            entity = _ENTITY_RE.match(text, i)
            if entity is None:
                raise HtmlError(
                    f"can't parse entities: Character '&' is reserved and must be escaped as &amp; "
                    f"at byte offset {_offset(text, i)}"
                )
            plain.append(html.unescape(entity.group(0)))
            i = entity.end()
        else:
            # Plain text up to the next tag or entity, in one slice: most of a message is text.
            special = _SPECIAL_RE.search(text, i)
            end = special.start() if special else len(text)
            plain.append(text[i:end])
            i = end
    if stack:
        raise HtmlError(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return "".join(plain)


_ANSI = {
    "b": ("\033[1m", "\033[22m"),
    "strong": ("\033[1m", "\033[22m"),
    "i": ("\033[3m", "\033[23m"),
    "em": ("\033[3m", "\033[23m"),
    "u": ("\033[4m", "\033[24m"),
    "ins": ("\033[4m", "\033[24m"),
    "s": ("\033[9m", "\033[29m"),
    "strike": ("\033[9m", "\033[29m"),
    "del": ("\033[9m", "\033[29m"),
}


def to_plain(text: str, parse_mode: str | None = None, *, ansi: bool = False) -> str:
    """Render a message for a terminal or an assertion: tags dropped (or ANSI styles), links as
    ``label (url)``, entities unescaped. Invalid HTML is returned unchanged."""
    if parse_mode is None or parse_mode.lower() != "html":
        return text
    try:
        parse_html(text)
    except HtmlError:
        return text
    out: list[str] = []
    links: list[str] = []
    i = 0
    while i < len(text):
        match = _TAG_RE.match(text, i) if text[i] == "<" else None
        if match is None:
            entity = _ENTITY_RE.match(text, i) if text[i] == "&" else None
            out.append(html.unescape(entity.group(0)) if entity else text[i])
            i = entity.end() if entity else i + 1
            continue
        name, closing = match.group("name").lower(), bool(match.group("end"))
        if name == "a":
            if closing:
                out.append(f" ({links.pop()})" if links else "")
            else:
                links.append(_attributes(match.group("attrs")).get("href", ""))
        elif ansi and name in _ANSI:
            out.append(_ANSI[name][1 if closing else 0])
        i = match.end()
    return "".join(out)
