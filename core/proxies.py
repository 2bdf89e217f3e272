"""Which peers may tell us the client's address (X-Forwarded-For and friends).

``ZUGONG_TRUSTED_PROXIES`` says how many proxies stand in front; Werkzeug's ProxyFix then
believes that many hops of the forwarded headers. A client that reaches the app directly
could send those headers itself and pass for anyone (beating the portal's per-client
limits and the login throttle), so the headers are kept only from the addresses in
``ZUGONG_PROXY_ADDRESSES``; from any other peer they are dropped before ProxyFix reads
them, and in production each such peer is logged once, loudly: either the setting is
wrong or someone is forging.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_FORWARDED",
)
#: Peers remembered as already warned about (bounded: a flood must not grow memory).
_WARNED_MAX = 10_000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; a bad entry is a start-up error."""
    return tuple(ipaddress.ip_network(part.strip()) for part in spec.split(",") if part.strip())


class UntrustedForwardedHeaders:
    """WSGI middleware (outside ProxyFix): drop forwarded headers from non-proxies."""

    def __init__(self, app: Callable, proxies: Iterable[Network], *, warn: bool) -> None:
        self.app = app
        self.proxies = tuple(proxies)
        self.warn = warn
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        peer = environ.get("REMOTE_ADDR") or ""
        sent = [h for h in FORWARDED if h in environ]
        if sent and not self.is_proxy(peer):
            for header in sent:
                del environ[header]
            self._warn_once(peer)
        return self.app(environ, start_response)

    def is_proxy(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.proxies)

    def _warn_once(self, peer: str) -> None:
        if not self.warn:
            return
        with self._lock:
            if peer in self._warned:
                return
            if len(self._warned) >= _WARNED_MAX:
                self._warned.clear()
            self._warned.add(peer)
        log.warning(
            "X-Forwarded-For from %s, which is not in ZUGONG_PROXY_ADDRESSES: header "
            "ignored. Either a client forges its address or the proxy settings are wrong "
            "(ZUGONG_TRUSTED_PROXIES must equal the proxies really in front).",
            peer,
        )
