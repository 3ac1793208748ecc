"""Tests never reach the internet: name lookups answer only for numeric addresses and local names.

Applied to the test process by tests/conftest.py and to every Python subprocess a test
starts (Celery workers, manage.py) through sitecustomize.py on PYTHONPATH.
"""

import socket

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "testserver", "ip6-localhost", "ip6-loopback"})


class OfflineLookup(socket.gaierror):
    pass


def _name(host) -> str | None:
    return host.decode() if isinstance(host, bytes) else host


def block_name_lookups() -> None:
    if getattr(socket.getaddrinfo, "offline", False):
        return
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyaddr = socket.gethostbyaddr

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        name = _name(host)
        if name is None or name.lower().rstrip(".") in LOCAL_NAMES:
            return real_getaddrinfo(host, port, family, type, proto, flags)
        try:
            return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise OfflineLookup(socket.EAI_NONAME, f"tests are offline: no DNS lookup of {name!r}") from None

    def gethostbyname(host):
        return getaddrinfo(host, 0, socket.AF_INET)[0][4][0]

    def gethostbyaddr(address):
        if address in ("127.0.0.1", "::1"):
            return real_gethostbyaddr(address)
        raise socket.herror(1, f"tests are offline: no reverse lookup of {address!r}")

    getaddrinfo.offline = True
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyaddr = gethostbyaddr
