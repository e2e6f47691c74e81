"""`python -m bot healthcheck`: the container's HEALTHCHECK (the image has no curl)."""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from bot.settings import Settings, SettingsError

DEFAULT_PORT = 9090


def default_url() -> str:
    """`http://127.0.0.1:$METRICS_PORT/healthz`, with port 9090 when METRICS_PORT is unset, 0 or invalid."""
    try:
        port = Settings.from_env().metrics_port or DEFAULT_PORT
    except SettingsError:
        port = DEFAULT_PORT
    return f"http://127.0.0.1:{port}/healthz"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `healthcheck` command."""
    parser = subparsers.add_parser(
        "healthcheck",
        help="ask the running bot's /healthz; exit 0 when healthy, 1 otherwise",
        description="Exit 0 when URL answers 200, 1 otherwise (the container's HEALTHCHECK).",
    )
    parser.add_argument("--url", help="health URL (default: http://127.0.0.1:$METRICS_PORT/healthz, port 9090)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the answer (default: 5)")
    parser.set_defaults(func=_healthcheck)


def check(url: str, timeout: float = 5.0) -> tuple[bool, str]:
    """Whether `url` answers 200, and a one-line reason."""
    if urlsplit(url).scheme not in {"http", "https"}:
        return False, f"not an http(s) URL: {url!r}"
    try:
        # No proxies: hospital hosts often set HTTP_PROXY, and the bot is on this machine. The scheme
        # is checked above, so no file:// URL can be opened.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:  # 503 and other non-2xx answers land here
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"no answer: {reason}"
    return status == 200, f"HTTP {status}"


def _healthcheck(args: argparse.Namespace) -> int:
    url = args.url or default_url()
    ok, reason = check(url, timeout=args.timeout)
    # Docker keeps the last lines of a health check's output: `docker inspect` shows why it failed.
    print(f"{'healthy' if ok else 'unhealthy'}: {url} {reason}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
