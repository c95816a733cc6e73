"""Network errors of the online connectors: an unreachable host is not worth retrying.

Connection refused, a name that does not resolve or no route to the host mean the machine is
offline or the address is wrong: the connectors stop at once with a message (exit 2) instead of
retrying. Timeouts and 5xx answers stay retried where a connector retries.
"""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlparse

import requests
import urllib3

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a connection (reading then has the connector's own timeout)."""
_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH}


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "reason", None)]
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
    return seen


def unreachable(exc: BaseException) -> bool:
    """The request failed before a connection was made: refused, unresolvable or no route (not a timeout)."""
    if isinstance(exc, requests.Timeout):
        return False
    for e in _chain(exc):
        if isinstance(e, (urllib3.exceptions.NewConnectionError, ConnectionRefusedError, socket.gaierror)):
            return True
        if isinstance(e, OSError) and e.errno in _UNREACHABLE_ERRNOS:
            return True
    return False


def offline_message(url: str, exc: BaseException) -> str:
    """What to tell the user when `url`'s host cannot be reached."""
    host = urlparse(url).netloc or url
    dns = any(isinstance(e, socket.gaierror) or "Resolution" in type(e).__name__ for e in _chain(exc))
    why = "the name does not resolve" if dns else "the connection was refused or has no route"
    return (f"cannot reach {host} ({why}): check that this machine is online and the address is right, "
            "then run the command again (nothing was retried)")
