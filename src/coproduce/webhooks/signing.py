"""Signatures, address rules and the retry schedule of webhook deliveries (no Django).

A delivery carries `Coproduce-Signature: t=<unix time>,v1=<hex>`, the HMAC-SHA256 of
`f"{t}.".encode() + body` under the webhook's secret. The time is inside the signed text so a
receiver can refuse an old delivery replayed later (`verify`'s tolerance).

Addresses: the server makes requests on an organiser's behalf, so it must never be pointed at
itself or at the network behind it (loopback, private ranges, the cloud metadata address
169.254.169.254, ...). `is_public_address` is the one rule; the delivery checks every address
the name resolves to, and connects to the address it checked.
"""

import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

HEADER = "Coproduce-Signature"
URL_MAX = 2000
# Only HTTPS: the payload is signed but not encrypted, and it names a coalition's workshops and
# reports; a plain-HTTP receiver would let anyone on the path read it.
SCHEMES = ("https",)
# The usual HTTPS ports only: other ports of a public host are how a webhook probes mail
# servers, databases and admin consoles that happen to be reachable.
PORTS = (None, 443, 8443)
# Seconds to wait before each further attempt; after the last one the delivery is given up.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600)
MAX_ATTEMPTS = len(BACKOFF) + 1

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_ULA = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


def gettext_noop(message: str) -> str:
    """Marks a reason for translation (the form translates it) without importing Django."""
    return message


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>." + body`."""
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: bytes, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify(secret: bytes, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """True when `header` signs `body` under `secret` and its time is within `tolerance`
    seconds of `now` (either side: clocks differ a little)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected, fields.get("v1", ""))


def is_public_address(ip) -> bool:
    """May the server connect to this address? Only to globally routable unicast ones."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if address.version == 6:
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if address in _ULA or address.is_site_local or address.teredo is not None:
            return False
    elif address in _CGNAT or address in _THIS_NETWORK:
        return False
    refused = (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return not refused and address.is_global


def _embedded_ipv4(address: ipaddress.IPv6Address):
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_url(url: str) -> str:
    """Why this URL may not receive webhooks, or "" when it may. Names are checked again, by
    the addresses they resolve to, at each delivery."""
    if not url:
        return gettext_noop("Give the address that should receive the events.")
    if len(url) > URL_MAX:
        return gettext_noop("The address is too long: at most 2,000 characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return gettext_noop("This is not a valid web address.")
    if parts.scheme.lower() not in SCHEMES:
        return gettext_noop(
            "The address must start with https:// (events are sent encrypted only)."
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return gettext_noop(
            "The address may not contain a user name or password; use the secret instead."
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return gettext_noop("The address has no host name.")
    if port not in PORTS:
        return gettext_noop("The address must use the standard HTTPS port (443, or 8443).")
    if host.lower() in _LOCAL_NAMES or host.lower().endswith(_LOCAL_SUFFIXES):
        return gettext_noop(
            "The address points to a private network; it must be reachable on the internet."
        )
    if _is_ip_literal(host) and not is_public_address(host):
        return gettext_noop(
            "The address points to a private network; it must be reachable on the internet."
        )
    if not _is_ip_literal(host) and "." not in host:
        return gettext_noop("The host name must be a full internet name (with a dot).")
    return ""


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def next_attempt(attempts: int) -> int | None:
    """Seconds to wait after `attempts` failed attempts, or None: give up."""
    if attempts < 1 or attempts > len(BACKOFF):
        return None
    return BACKOFF[attempts - 1]
