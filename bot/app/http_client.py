"""python-telegram-bot's `BaseRequest` over aiohttp, for the bot's own sends (replies, reminders, broadcasts).

python-telegram-bot's default client is httpx. Over it, each sendMessage cost about twice the CPU
of the same request over aiohttp (measured with `bench/bench_bot.py`: an echo bot answered 540 against
780 messages a second on the same machine), and the bot's replies, alarm replies included, wait for
that CPU: every chat shares one event loop. getUpdates stays on httpx (one long poll at a time).

What the rest of the bot relies on, kept from `HTTPXRequest`:

* The same default timeouts (read, write, connect 5 s; pool 1 s) and the same User-Agent.
* The same certificates (certifi's bundle) and the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as
  httpx reads them: a hospital network that needs a proxy keeps working.
* Errors as python-telegram-bot raises them: `TimedOut` for timeouts, `NetworkError` otherwise, with
  the aiohttp error as `__cause__`. `MAYBE_REACHED` names the errors raised after the request may have
  reached Telegram (bot.app.telegram_io decides from it whether a send may be repeated).

aiohttp has no write timeout: a request is written to the socket buffer at once (messages are a few
kilobytes, documents a few hundred), and the read timeout then covers Telegram's answer.
"""

from __future__ import annotations

import ssl
import urllib.parse
import urllib.request

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Raised after the request may have been written to Telegram: it may have acted on it.
# (`ClientConnectorError` is a `ClientOSError` too, but the connection was never made: not in here.)
MAYBE_REACHED: tuple[type[BaseException], ...] = (
    aiohttp.SocketTimeoutError,
    aiohttp.ServerDisconnectedError,
    aiohttp.ClientPayloadError,
    aiohttp.ClientResponseError,
)


def maybe_reached(error: BaseException | None) -> bool:
    """True when `error` (an aiohttp error) came after the request may have reached Telegram."""
    if isinstance(error, aiohttp.ClientOSError) and not isinstance(error, aiohttp.ClientConnectorError):
        return True  # the connection broke while writing or reading
    return isinstance(error, MAYBE_REACHED)


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one `aiohttp.ClientSession` with at most `connection_pool_size` connections."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        del write_timeout  # accepted for HTTPXRequest's signature; see the module docstring
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        # Read the certificate bundle here, at assembly, not in `initialize` on the running event loop.
        self._ssl = ssl.create_default_context(cafile=certifi.where())
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None], str | None] = {}  # (scheme, host) -> proxy URL

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call does not give one."""
        return self._read_timeout

    def set_timeouts(self, seconds: float) -> None:
        """Read, write and connect timeouts for calls that give none (the pool timeout stays)."""
        self._read_timeout = self._connect_timeout = seconds

    async def initialize(self) -> None:
        """Open the session (it must be made inside the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size,
                limit_per_host=0,
                ssl=self._ssl,
            )
            # Not trust_env: aiohttp would then read ~/.netrc and the proxy variables in a thread on every
            # request (two thread hops per reply); the proxy is looked up once per host instead.
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`; raise `TimedOut` or `NetworkError` as `HTTPXRequest` does."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp's `connect` is the wait for a pooled connection plus making one; `sock_connect` the latter.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
                proxy=self._proxy(url),
            ) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy(self, url: str) -> str | None:
        """The proxy for `url` from HTTPS_PROXY / HTTP_PROXY and NO_PROXY, as httpx reads them (cached per host)."""
        parts = urllib.parse.urlsplit(url)
        key = (parts.scheme, parts.hostname)
        if key not in self._proxies:
            proxies = urllib.request.getproxies_environment()
            bypass = parts.hostname is not None and urllib.request.proxy_bypass_environment(parts.hostname, proxies)  # type: ignore[attr-defined]
            self._proxies[key] = None if bypass else proxies.get(parts.scheme)
        return self._proxies[key]


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The form fields, or a multipart form when the request uploads files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData(fields)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
