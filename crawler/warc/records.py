"""Build WARC/1.1 records from one HTTP exchange with warcio's record API (docs/formats.md).

Per download: a ``response`` record, a ``request`` record and a ``metadata`` record, both
``WARC-Concurrent-To`` the response, written in that order. What the crawler cannot give back
byte for byte (reason phrase, header case and order, the de-chunked body's Content-Length) is
rebuilt here and *declared* in the metadata record, so no reader takes it for wire bytes.

WARC-Date has second precision (``YYYY-MM-DDThh:mm:ssZ``): WARC/1.1 allows fractions, but
14-digit CDX timestamps and pywb replay only use seconds, and text files cite the date verbatim.
Record ids and dates come from injectable ``make_id``/``clock`` seams, as warcio's own
``_make_warc_id``/``_make_warc_date``, so tests can build byte-exact golden records.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

WARC_VERSION = "WARC/1.1"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
WARC_FIELDS = "application/warc-fields"
# RFC 9110 6.4.1 / 15.4.5: these responses have no content, whatever Content-Length says
_NO_BODY_STATUS = frozenset({204, 304})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# canonical order of the ``reconstructed`` values, so the metadata block is deterministic
_RECONSTRUCTED = (
    "protocol",
    "status-reason",
    "header-case",
    "header-order",
    "content-length",
    "transfer-encoding-removed",
    "header-percent-encoded",
    "host",
)

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    """One real download, as the crawler saw it; ``body`` exactly as received (still encoded)."""

    url: str
    method: str
    request_headers: Headers  # in order, repeats kept
    request_body: bytes
    status: int
    protocol: str | None  # "HTTP/1.1", "HTTP/1.0", "h2" (Scrapy's spelling) or None if unknown
    response_headers: Headers  # in order WITH repeats (two Set-Cookie stay two)
    body: bytes  # de-chunked, still Content-Encoded
    ip_address: str | None = None
    date: datetime | None = None  # fetch time; None: the factory's clock
    truncated: str | None = None  # WARC-Truncated reason when the body is incomplete


@dataclass(frozen=True)
class RefersTo:
    """The earlier record a revisit points at."""

    record_id: str
    uri: str
    date: str  # its WARC-Date
    payload_digest: str


def warc_date(moment: datetime) -> str:
    """ISO 8601 UTC with second precision, as every WARC-Date this archiver writes."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _uuid_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Builder(RecordBuilder):
    """warcio's builder with the id and date seams of the factory."""

    def __init__(self, make_id: Callable[[], str], clock: Callable[[], datetime]):
        super().__init__(warc_version=WARC_VERSION)
        self._id_seam, self._clock_seam = make_id, clock

    def _make_warc_id(self) -> str:
        return self._id_seam()

    def curr_warc_date(self) -> str:
        return warc_date(self._clock_seam())


def http_protocol(protocol: str | None) -> str:
    """Status-line version for Scrapy's protocol name (``h2`` is written ``HTTP/2.0``)."""
    if protocol and protocol.upper().startswith("HTTP/"):
        return protocol.upper()
    if protocol and protocol.lower() in ("h2", "http/2", "http2"):
        return "HTTP/2.0"
    return "HTTP/1.1"


def _may_have_body(method: str, status: int) -> bool:
    return method.upper() != "HEAD" and status >= 200 and status not in _NO_BODY_STATUS


def _response_headers(exchange: Exchange, notes: set[str]) -> list[tuple[str, str]]:
    """Received headers minus Transfer-Encoding, with Content-Length = the stored body length."""
    headers, lengths = [], []
    for name, value in exchange.response_headers:
        lower = name.lower()
        if lower == "transfer-encoding":
            notes.add("transfer-encoding-removed")
        elif lower == "content-length" and _may_have_body(exchange.method, exchange.status):
            lengths.append(value)
            if len(lengths) == 1:
                headers.append(("Content-Length", str(len(exchange.body))))
        else:
            headers.append((name, value))
    body_expected = _may_have_body(exchange.method, exchange.status)
    if body_expected and not lengths:
        headers.append(("Content-Length", str(len(exchange.body))))
    if body_expected and lengths != [str(len(exchange.body))]:
        notes.add("content-length")
    return headers


def _non_ascii(headers: list[tuple[str, str]]) -> bool:
    return any(not (name + value).isascii() for name, value in headers)


def request_target(url: str) -> str:
    """Path (``/`` when empty) and query of ``url``, as sent in the request line."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def host_header(url: str) -> str:
    """The Host value an HTTP client sends for ``url`` (port only when not the default)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme):
        host = host.rsplit(":", 1)[0]
    return host


class RecordFactory:
    """Builds warcinfo, exchange (response, request, metadata) and revisit records."""

    def __init__(self, make_id: Callable[[], str] | None = None, clock: Callable[[], datetime] | None = None):
        self.clock = clock or _utcnow
        self.builder = _Builder(make_id or _uuid_id, self.clock)

    def build_warcinfo(self, filename: str, fields: dict[str, str]) -> ArcWarcRecord:
        """The warcinfo record opening ``filename``; empty fields are left out."""
        return self.builder.create_warcinfo_record(filename, {k: v for k, v in fields.items() if v})

    def build_exchange(self, exchange: Exchange) -> list[ArcWarcRecord]:
        """[response, request, metadata] for one download, in the order they must be written."""
        date = warc_date(exchange.date or self.clock())
        notes = {"status-reason", "header-case", "header-order"}
        status_line = self._status_line(exchange, notes)
        headers = _response_headers(exchange, notes)
        if _non_ascii(headers):
            notes.add("header-percent-encoded")  # warcio writes RFC 8187 %-encoding
        http = StatusAndHeaders(status_line, headers, protocol=http_protocol(exchange.protocol))
        warc_headers = self._warc_headers("response", exchange.url, date)
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = exchange.truncated
        response = self.builder.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            length=len(exchange.body),
            warc_headers_dict=warc_headers,
            http_headers=http,
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request, request_notes = self._request(exchange, date, response_id)
        meta = self._metadata(exchange, date, response_id, notes, request_notes)
        return [response, request, meta]

    def build_revisit(self, exchange: Exchange, profile: str, refers_to: RefersTo) -> list[ArcWarcRecord]:
        """[revisit, request, metadata] pointing at ``refers_to``.

        ``PROFILE_NOT_MODIFIED``: empty block (a 304's headers replayed over the old payload would
        break replay; they are in the metadata record, one ``received-header`` field each). ``PROFILE_IDENTICAL``: the new response's
        headers only, ``WARC-Truncated: length``. Either way the payload
        digest is the referred record's (the caller found them identical).
        """
        date = warc_date(exchange.date or self.clock())
        notes = {"status-reason", "header-case", "header-order"}
        warc_headers = self._warc_headers("revisit", exchange.url, date)
        warc_headers["WARC-Refers-To"] = refers_to.record_id
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        http, digest = None, refers_to.payload_digest
        if profile == PROFILE_IDENTICAL:
            warc_headers["WARC-Truncated"] = "length"
            http = StatusAndHeaders(
                self._status_line(exchange, notes),
                _response_headers(exchange, notes),
                protocol=http_protocol(exchange.protocol),
            )
        elif profile != PROFILE_NOT_MODIFIED:
            raise ValueError(f"unknown revisit profile {profile!r}")
        revisit = self.builder.create_revisit_record(
            exchange.url, digest, refers_to.uri, refers_to.date, http_headers=http, warc_headers_dict=warc_headers
        )
        revisit.rec_headers.replace_header("WARC-Profile", profile)
        if http is None:
            revisit.content_type = None  # empty block: no Content-Type (WARC/1.1 5.6)
            revisit.rec_headers.remove_header("Content-Type")
        revisit_id = revisit.rec_headers.get_header("WARC-Record-ID")
        request, request_notes = self._request(exchange, date, revisit_id)
        extra = [("revisit-profile", profile), ("received-status", str(exchange.status))]
        if http is None:  # the 304's own headers (ETag, Date, Cache-Control ...): kept here, in order
            extra += [("received-header", f"{name}: {value}") for name, value in exchange.response_headers]
        meta = self._metadata(exchange, date, revisit_id, notes if http else set(), request_notes, extra)
        return [revisit, request, meta]

    def _warc_headers(self, rec_type: str, url: str, date: str, concurrent_to: str = "") -> dict[str, str]:
        """The leading WARC headers in the customary order (warcio keeps a dict's order)."""
        headers = {
            "WARC-Type": rec_type,
            "WARC-Record-ID": self.builder._make_warc_id(),
            "WARC-Target-URI": url,
            "WARC-Date": date,
        }
        if concurrent_to:
            headers["WARC-Concurrent-To"] = concurrent_to
        return headers

    @staticmethod
    def _status_line(exchange: Exchange, notes: set[str]) -> str:
        if http_protocol(exchange.protocol).lower() != (exchange.protocol or "").lower():
            notes.add("protocol")
        try:
            return f"{exchange.status} {HTTPStatus(exchange.status).phrase}"
        except ValueError:  # a code http.HTTPStatus does not know: no phrase rather than a guess
            return str(exchange.status)

    def _request(self, exchange: Exchange, date: str, concurrent_to: str) -> tuple[ArcWarcRecord, set[str]]:
        notes = {"header-case", "header-order"}
        headers = list(exchange.request_headers)
        names = {name.lower() for name, _ in headers}
        if "host" not in names:
            headers.insert(0, ("Host", host_header(exchange.url)))
            notes.add("host")
        if exchange.request_body and "content-length" not in names:
            headers.append(("Content-Length", str(len(exchange.request_body))))
            notes.add("content-length")
        # the version Scrapy sent, not the one the server answered with (an HTTP/1.0 server is
        # still asked in HTTP/1.1: Scrapy's HTTP/1.1 handler; h2 when the answer came over h2)
        sent = "HTTP/2.0" if http_protocol(exchange.protocol) == "HTTP/2.0" else "HTTP/1.1"
        line = f"{exchange.method.upper()} {request_target(exchange.url)} {sent}"
        http = StatusAndHeaders(line, headers, is_http_request=True)
        record = self.builder.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=http,
            warc_headers_dict=self._warc_headers("request", exchange.url, date, concurrent_to),
        )
        return record, notes

    def _metadata(
        self,
        exchange: Exchange,
        date: str,
        concurrent_to: str,
        notes: set[str],
        request_notes: set[str],
        extra: list[tuple[str, str]] = (),
    ) -> ArcWarcRecord:
        fields = [("via", "scrapy response_downloaded signal: body de-chunked, still Content-Encoded")]
        if notes:
            fields.append(("reconstructed", ", ".join(n for n in _RECONSTRUCTED if n in notes)))
        fields.append(("request-reconstructed", ", ".join(n for n in _RECONSTRUCTED if n in request_notes)))
        if exchange.protocol:
            fields.append(("protocol", exchange.protocol))
        if exchange.truncated:
            fields.append(("truncated", exchange.truncated))
        block = "".join(f"{name}: {value}\r\n" for name, value in [*fields, *extra]).encode("utf-8")
        return self.builder.create_warc_record(
            exchange.url,
            "metadata",
            payload=BytesIO(block),
            length=len(block),
            warc_content_type=WARC_FIELDS,
            warc_headers_dict=self._warc_headers("metadata", exchange.url, date, concurrent_to),
        )
