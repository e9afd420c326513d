"""The host names the console answers for, on any port: loopback names by default.

A web page of another site can make a browser send it requests under that site's own name
(DNS rebinding); checking the Host header turns them away before anything else runs.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_HOST = re.compile(r"(?P<name>\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::\d{1,5})?")


def _host_name(raw: str) -> str:
    """``raw`` (a bind address or a Host name) as the allow-list keeps it: lower case, an IPv6
    address in brackets."""
    name = raw.strip().lower()
    try:
        if ipaddress.ip_address(name).version == 6:
            return f"[{name}]"
    except ValueError:
        pass
    return name


class AllowedHosts:
    def __init__(self, *, names: Iterable[str] = LOOPBACK_HOSTS) -> None:
        self.names = frozenset(_host_name(name) for name in names)

    def allows(self, host_header: str) -> bool:
        """Whether a request's Host header (``name`` or ``name:port``) names this console."""
        match = _HOST.fullmatch(host_header.strip())
        return match is not None and match["name"].lower() in self.names

    def __str__(self) -> str:
        return ", ".join(sorted(self.names))
