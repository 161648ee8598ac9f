"""Fetching a feed safely: HTTP(S) only, every address checked before connecting (no
server-side request forgery, also after a redirect or a DNS change), a timeout, a size
cap, a redirect limit, and conditional GET."""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from flask_babel import lazy_gettext as _l

USER_AGENT = "Amplify feed reader (+https://github.com/amplify)"


class FetchError(Exception):
    """The feed could not be fetched; ``message`` says why, for staff."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Limits:
    timeout: float = 10.0  # seconds for connecting and for each read
    total: float = 30.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False


@dataclass
class Fetched:
    status: int  # 200, or 304 when unchanged
    url: str  # after redirects
    body: bytes = b""
    headers: dict = field(default_factory=dict)


def check_url(url):
    """``(scheme, host, port, path)`` of an http(s) URL, or FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError(_l("This is not a valid web address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_l("Only http:// and https:// addresses can be fetched."))
    if parts.username or parts.password:
        raise FetchError(_l("Addresses with a user name or password are refused."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


# IPv6 prefixes that carry an IPv4 address in their last 32 bits, which a translator or
# tunnel on the way would reach: NAT64's well-known prefix (RFC 6052), IPv4-compatible
# (deprecated, RFC 4291) and IPv4-translated (SIIT, RFC 2765) addresses.
LAST_32_BITS = tuple(ipaddress.ip_network(prefix) for prefix in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96"))
# NAT64 for local use (RFC 8215): where the IPv4 address sits is each network's choice.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
# ISATAP interface identifiers (RFC 5214): ``0000:5efe`` or ``0200:5efe`` then the IPv4.
ISATAP = (0x00005EFE, 0x02005EFE)


def embedded_ipv4(ip):
    """The IPv4 addresses an IPv6 address leads to: 6to4 (``2002::/16``),
    Teredo (``2001::/32``: server and client), NAT64, IPv4-compatible, IPv4-translated
    and ISATAP."""
    found = [ip.sixtofour] if ip.sixtofour else []
    found += list(ip.teredo or ())
    last = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in prefix for prefix in LAST_32_BITS) or (int(ip) >> 32) & 0xFFFFFFFF in ISATAP:
        found.append(last)
    return found


def forbidden(address):
    """Whether ``address`` is loopback, private, link-local (cloud metadata), multicast,
    reserved or otherwise not on the public internet — or an IPv6 address that embeds
    such an IPv4 address (a NAT64 gateway or a 6to4 relay would take us there)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        return ip in LOCAL_NAT64 or any(forbidden(str(inner)) for inner in embedded_ipv4(ip))
    return False


def resolve(host, port, limits):
    """The addresses to connect to, every one of them checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(_l("The host name could not be found.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not limits.allow_private:
        for address in addresses:
            if forbidden(address):
                raise FetchError(_l("This address points into a private network and is refused. "
                                    "(An administrator can allow it for an intranet.)"))
    return addresses


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate checked against the host name."""

    def __init__(self, address, host, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _Deadline:
    """Cuts a connection's socket when the fetch's total time is up: a server that trickles
    bytes (or header lines) never answers a read with a timeout, so only closing the socket
    under the blocked read stops it."""

    def __init__(self, deadline):
        self.sock, self.passed = None, threading.Event()
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self.cut)
        self.timer.daemon = True

    def watch(self, sock):
        """The connected socket (kept here: the connection lets go of it once the answer
        is to be read until the server closes)."""
        self.sock = sock
        if self.passed.is_set():
            self.cut()

    def cut(self):
        self.passed.set()
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()


def _request(scheme, host, port, path, address, headers, limits, deadline):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(_l("The server took too long to answer."))
    timeout = min(limits.timeout, remaining)
    if scheme == "https":
        connection = _PinnedHTTPS(address, host, port, timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    host_header = host if port in (80, 443) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    with _Deadline(deadline) as cutoff:
        try:
            answer = _exchange(connection, cutoff, path, host_header, headers, limits)
        except FetchError:
            if cutoff.passed.is_set():
                raise FetchError(_l("The server took too long to answer.")) from None
            raise
        finally:
            connection.close()
    if cutoff.passed.is_set():  # the cut may look like the end of a body without a length
        raise FetchError(_l("The server took too long to answer."))
    return answer


def _exchange(connection, cutoff, path, host_header, headers, limits):
    """Send the GET and read the answer (each read returns what one packet brought, so the
    deadline's cut is seen at once)."""
    try:
        connection.connect()
        cutoff.watch(connection.sock)
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host_header)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        with connection.getresponse() as response:  # its file holds the socket open until closed
            return _read(response, limits)
    except (TimeoutError, socket.timeout):
        raise FetchError(_l("The server took too long to answer.")) from None
    except ssl.SSLError as problem:
        raise FetchError(_l("The secure connection failed: %(why)s", why=problem.reason or problem)) from None
    except (OSError, http.client.HTTPException):
        raise FetchError(_l("The server could not be reached.")) from None


def _read(response, limits):
    """The status, headers and body (at most ``limits.max_bytes``) of an answer."""
    chunks, size = [], 0
    if response.status == 200:
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchError(_l("The feed is larger than %(size)s MB and was not read.",
                                size=limits.max_bytes // (1024 * 1024)))
        while True:
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(_l("The feed is larger than %(size)s MB and was not read.",
                                    size=limits.max_bytes // (1024 * 1024)))
            chunks.append(chunk)
    return response.status, {k.lower(): v for k, v in response.getheaders()}, b"".join(chunks)


def fetch(url, etag="", last_modified="", limits=None):
    """GET ``url`` (following up to ``max_redirects``), conditionally when ``etag`` or
    ``last_modified`` are known. Returns Fetched, or raises FetchError."""
    limits = limits or Limits()
    deadline = time.monotonic() + limits.total
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
               "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, "
                         "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(limits.max_redirects + 1):
        scheme, host, port, path = check_url(url)
        addresses = resolve(host, port, limits)
        status, response_headers, body = _request(scheme, host, port, path, addresses[0], headers,
                                                  limits, deadline)
        if status in (301, 302, 303, 307, 308):
            location = response_headers.get("location")
            if not location:
                raise FetchError(_l("The server redirected without saying where."))
            url = urljoin(url, location)
            continue
        if status == 304:
            return Fetched(304, url, b"", response_headers)
        if status != 200:
            raise FetchError(_l("The server answered with status %(status)s.", status=status))
        return Fetched(200, url, body, response_headers)
    raise FetchError(_l("Too many redirects (more than %(count)s).", count=limits.max_redirects))
