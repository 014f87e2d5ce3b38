"""One POST to a webhook's receiver, to an address checked first (no Django).

The host is resolved here, every address it resolves to must be allowed, and the connection
goes to the checked address (the Host header and the TLS server name stay the host's name),
so a name that answers a public address to the check and a private one to the connection
(DNS rebinding) gets nowhere. Redirects are not followed; at most `READ_MAX` bytes of the
answer are read.
"""

import http.client
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .signing import is_public_address

READ_MAX = 8000  # bytes; the answer is kept as its first 2,000 characters
TIMEOUT = 5.0


class Refused(Exception):
    """The receiver's address is not one the server may connect to."""


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order, without repeats."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in found))


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    resolve: Callable[[str, int], list[str]] = resolve_host,
    allowed: Callable[[str], bool] = is_public_address,
    timeout: float = TIMEOUT,
    context: ssl.SSLContext | None = None,  # the certificates trusted; the system's by default
) -> Answer:
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise Refused(f"{host} has no address.")
    refused = [ip for ip in addresses if not allowed(ip)]
    if refused:
        raise Refused(f"{host} resolves to a private address ({refused[0]}); not sent.")
    if secure:
        context = context or ssl.create_default_context()
        connection = _PinnedHTTPS(host, port, addresses[0], timeout, context)
    else:
        connection = _PinnedHTTP(host, port, addresses[0], timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(READ_MAX).decode("utf-8", errors="replace")
        return Answer(response.status, text[:2000])
    finally:
        connection.close()


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        # The certificate is checked against the name, not the address we connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
