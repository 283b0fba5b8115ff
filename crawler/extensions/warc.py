"""WARC capture: every real download becomes response, request and metadata records (docs/formats.md).

Hooked on ``response_downloaded``, which Scrapy sends only for real network fetches, before
HttpCompressionMiddleware inflates the body and before any cache swaps a 304 for a stored 200:
the record holds the bytes as received (de-chunked, still Content-Encoded). The records are in
the file before the response goes on to the spider, and the request's ``meta["capture"]`` then
says where the response record is (crawler.warc.model.Located, no body): the pipeline's worker
reads it back and derives text from the archive, as a rebuild does.
A write error stops the crawl and ``scrapy crawl`` exits 1 (stats ``crawl/failed``). A response
from an address out of the source's scope (crawler.downloadermiddlewares.scope.connected_refusal:
a loopback or private address connected to despite the check before connecting) is not written.

A capture at an article's address that is not the article (crawler.text.pagekind) is archived
all the same; the state update knows it: a wall leaves the URL's state as it was (not fresh:
asked again next crawl), a removal drops its validators. Removals no text worker sees (404/410/451,
HTTP redirects, a meta refresh Scrapy follows) are recorded here in the text archive's cache
(``text/removed``, ``pagekind/{kind}``).
"""

from __future__ import annotations

import logging
import os
import re
import socket
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.response import get_meta_refresh
from warcio.utils import Digester

import crawler
from crawler.downloadermiddlewares.hostguard import WALL_VERDICT
from crawler.downloadermiddlewares.scope import connected_refusal
from crawler.extensions.state import StateExtension
from crawler.options import warc_directory
from crawler.redislost import RedisError, redis_lost
from crawler.requisitespider import META as REQUISITE
from crawler.state.base import UrlState
from crawler.state.transitions import Archived, after_download
from crawler.text.decode import decode_payload
from crawler.text.model import TextError, document_id
from crawler.text.pagekind import ARTICLE, WALL, PageKind, classify, list_rule, quick_text, wall_reason
from crawler.text.store import TextStore
from crawler.warc.errors import WarcWriteError
from crawler.warc.index import update_index
from crawler.warc.model import Capture, Located
from crawler.warc.reader import StoredRecord, capture_of, iter_records, read_record_at
from crawler.warc.records import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, Exchange, RefersTo
from crawler.warc.writer import OPEN_SUFFIX, Location, RotatingWarcWriter, repair_open_files

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

logger = logging.getLogger(__name__)

WARC_FORMAT = "WARC File Format 1.1"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


@dataclass(frozen=True)
class WarcOptions:
    """The extension's settings, read once."""

    directory: Path
    prefix: str
    max_size: int
    operator: str
    description: str
    index: Path | None  # where the CDXJ index goes, None: no index
    user_agent: str
    robots_obey: bool
    archive: Path  # the text archive's root: removals are recorded in its derived/
    meta_refresh: tuple[bool, float, tuple[str, ...]]  # as MetaRefreshMiddleware (enabled, max delay, ignored tags)

    @classmethod
    def from_settings(cls, settings) -> WarcOptions:
        archive = Path(settings["ARCHIVE_DIR"])
        return cls(
            directory=warc_directory(archive, settings["WARC_DIR"]),
            prefix=settings["WARC_PREFIX"],
            max_size=settings.getint("WARC_MAX_SIZE"),
            operator=settings["WARC_OPERATOR"],
            description=settings["WARC_DESCRIPTION"],
            index=archive / "index.cdxj" if settings.getbool("WARC_INDEX") else None,
            user_agent=settings["USER_AGENT"],
            robots_obey=settings.getbool("ROBOTSTXT_OBEY"),
            archive=archive,
            meta_refresh=(
                settings.getbool("METAREFRESH_ENABLED"),
                settings.getfloat("METAREFRESH_MAXDELAY"),
                tuple(settings.getlist("METAREFRESH_IGNORE_TAGS")),
            ),
        )


def software() -> str:
    """What wrote the file, with the versions a reader may need to explain it."""
    return f"scrapy-news-archiver/{crawler.__version__} warcio/{version('warcio')} scrapy/{scrapy.__version__}"


def _text(value: bytes) -> str:
    """Header bytes as text: UTF-8 when valid (warcio then %-encodes it losslessly), else Latin-1."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def header_pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    """Scrapy headers as (name, value) pairs, every repeated value kept (Set-Cookie twice: two)."""
    return tuple((_text(name), _text(value)) for name in headers for value in headers.getlist(name))


def exchange_of(request: Request, response: Response) -> Exchange:
    """The plain Exchange the WARC layer needs, from what Scrapy has at download time."""
    ip = getattr(response, "ip_address", None)
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=header_pairs(request.headers),
        request_body=request.body or b"",
        status=response.status,
        protocol=getattr(response, "protocol", None),
        response_headers=header_pairs(response.headers),
        body=response.body,
        ip_address=str(ip) if ip is not None else None,
        # Scrapy's "dataloss" flag: the server closed before the announced length arrived
        truncated="disconnect" if "dataloss" in response.flags else None,
    )


def _epoch(warc_date: str) -> float:
    """Epoch seconds of a WARC-Date (``2026-12-07T01:30:00Z``)."""
    return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).timestamp()


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of a stored body: sha1, base32, by warcio's own Digester (what its writer puts in the record)."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def revisit_profile(known: UrlState | None, response: Response) -> str | None:
    """Which revisit record this download is, or None for a new response record. After a
    removal (the last fetch gave a 404, a redirect) the archived payload is not what the URL
    showed last: the same payload again is the article back, a full record."""
    if known is None or not known.record_id:
        return None
    if response.status == 304:
        return PROFILE_NOT_MODIFIED
    if response.status == 200 and known.status == 200 and payload_digest(response.body) == known.payload_digest:
        return PROFILE_IDENTICAL
    return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _safe_host(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", name) or "localhost"


class WarcExtension:
    """Writes every download to rotating WARC files and updates the CDXJ index at close.

    Settings:

    - ``ARCHIVE_DIR`` (default ``"archive"``): output root; the index is ``ARCHIVE_DIR/index.cdxj``.
    - ``WARC_ENABLED`` (``True``): off raises NotConfigured; pages then have no capture and no text.
    - ``WARC_DIR`` (``<ARCHIVE_DIR>/warc``): where WARC files are written.
    - ``WARC_PREFIX`` (``"news"``): first part of every WARC file name.
    - ``WARC_MAX_SIZE`` (``1000000000``): a file is closed before it would grow past this many bytes.
    - ``WARC_OPERATOR`` (``ARCHIVER_CONTACT``), ``WARC_DESCRIPTION`` (``""``): recorded in each warcinfo record.
    - ``WARC_INDEX`` (``True``): update ``ARCHIVE_DIR/index.cdxj`` when the spider closes.
    - ``USER_AGENT``, ``ROBOTSTXT_OBEY``: recorded in warcinfo (a source's own robots policy wins).
    """

    def __init__(self, crawler: Crawler, options: WarcOptions):
        self.crawler = crawler
        self.options = options
        self.writer: RotatingWarcWriter | None = None
        self.state: StateExtension | None = None  # the incremental state, asked for at spider_opened
        # page requisites already archived in this crawl, by payload digest: the same image or
        # stylesheet under another URL becomes an identical-payload revisit (what pywb and
        # browsertrix replay from the earlier record); at most REQUISITES_MAX entries
        self.requisite_payloads: dict[str, RefersTo] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        ext = cls(crawler, WarcOptions.from_settings(crawler.settings))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def warcinfo_fields(self, spider: Spider) -> dict[str, str]:
        """The warcinfo block of every file this crawl writes (empty values are left out)."""
        source = getattr(spider, "source", None)
        robots = getattr(source, "robots", self.options.robots_obey)
        return {
            "software": software(),
            "format": WARC_FORMAT,
            "conformsTo": CONFORMS_TO,
            "hostname": socket.gethostname(),
            "operator": self.options.operator,
            "description": self.options.description,
            "isPartOf": getattr(source, "name", spider.name),
            "source": getattr(source, "name", spider.name),
            "seed-digest": f"sha256:{source.digest}" if getattr(source, "digest", None) else "",
            "robots": "classic" if robots else "ignore",
            "http-header-user-agent": self.options.user_agent,
        }

    def spider_opened(self, spider: Spider) -> None:
        self.state = self.crawler.get_extension(StateExtension)  # None: STATE_ENABLED is off
        self._repair(spider)
        directory = self.options.directory
        self.writer = RotatingWarcWriter(
            directory,
            self.options.prefix,
            self.options.max_size,
            _safe_host(socket.gethostname()),
            os.getpid(),
            self.warcinfo_fields(spider),
        )

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        request.meta.pop(WALL_VERDICT, None)  # a retried request's copy holds its earlier response's
        if self.writer is None:
            return  # failed earlier: the spider is closing
        if connected_refusal(request, response) is not None:
            return  # from an address out of scope: ConnectedAddressMiddleware drops it with its line
        state = self.state.store if self.state is not None else None
        known = None
        if state is not None:
            try:
                known = state.get(response.url)
            except RedisError as exc:  # archive it all the same, as a full record; then stop
                redis_lost(self.crawler, exc)
                state = None
        exchange = exchange_of(request, response)
        profile = revisit_profile(known, response)
        refers = same_payload = None
        if profile:
            refers = RefersTo(known.record_id, known.url, known.warc_date, known.payload_digest)
        elif REQUISITE in request.meta and response.status == 200:
            same_payload = self.requisite_payloads.get(payload_digest(response.body))
            if same_payload is not None and same_payload.uri != response.url:
                profile, refers = PROFILE_IDENTICAL, same_payload
                self.crawler.stats.inc_value("requisites/same_payload")
        if profile:
            records = self.writer.factory.build_revisit(exchange, profile, refers)
        else:
            records = self.writer.factory.build_exchange(exchange)
        try:
            locations = self.writer.write(records)
        except WarcWriteError as exc:
            self._fail(exc, spider)
            return
        self._count(locations)
        kind = None
        if REQUISITE in request.meta and not profile and response.status == 200:
            headers = records[0].rec_headers
            self.requisite_payloads.setdefault(
                headers.get_header("WARC-Payload-Digest"),
                RefersTo(
                    headers.get_header("WARC-Record-ID"),
                    response.url,
                    headers.get_header("WARC-Date"),
                    headers.get_header("WARC-Payload-Digest"),
                ),
            )
        if same_payload is not None and profile:  # no payload of its own: the state keeps none
            request.meta["revisit"] = profile
            if state is not None:
                try:
                    state.put(after_download(known, response.url, response.status, None, None, self.state.clock()))
                except RedisError as exc:
                    redis_lost(self.crawler, exc)
            return
        if profile:
            request.meta["revisit"] = profile
        else:
            capture = self._capture(records[0], locations[0], response, spider)
            request.meta["capture"] = Located(
                capture.warc_date,
                str(self.options.directory / locations[0].file),
                locations[0].offset,
                capture.source,
                url=capture.url,
            )
            kind = self._page_kind(capture, spider, request)
        if state is not None:  # archive first, then commit: the record is flushed by now
            try:
                state.put(self._state(known, response, records[0], locations[0], profile, kind))
            except RedisError as exc:  # archived; the next run fetches it again
                redis_lost(self.crawler, exc)

    def _page_kind(self, capture: Capture, spider: Spider, request: Request) -> PageKind | None:
        """The kind of a capture at an article's address, when it is not the article and the
        state or the text archive must know now (crawler.text.pagekind). A removal that no
        text worker will see (a 404, a redirect, a meta refresh that Scrapy follows) is recorded
        here; notices and walls that reach the spider are counted by the text pipeline."""
        source = getattr(spider, "source", None)
        if source is None or not source.is_article(capture.url):
            return None
        status = capture.status
        body = self._body(capture) if status == 200 or (status >= 400 and status not in (404, 410, 451)) else None
        text = quick_text(body, capture.header("Content-Type")) if body is not None else ""
        if status == 200:
            wall = wall_reason(200, text)
            if body is not None:  # the host guard's own check of this body (crawler.downloadermiddlewares.hostguard)
                request.meta[WALL_VERDICT] = (len(body), wall)
            if wall is not None:
                return PageKind(WALL, wall)
            if not self._meta_refresh_followed(capture, text):
                return None
        kind = classify(capture.url, status, capture.header("Location"), text, list_rule(source.text.list_patterns))
        if kind.kind == ARTICLE:
            return None
        self.crawler.stats.inc_value(f"pagekind/{kind.kind}")
        if kind.removal:
            step = TextStore(self.options.archive).record_removal(
                source.name, document_id(capture.url), capture.warc_date, kind.removal
            )
            if step.removed:
                self.crawler.stats.inc_value("text/removed")
        return kind

    def _body(self, capture: Capture) -> bytes | None:
        """The body for markers only (Content-Encoding undone, capped), None when it cannot be read."""
        try:
            return decode_payload(capture, 2 * 1024 * 1024)
        except TextError:
            return None

    def _meta_refresh_followed(self, capture: Capture, text: str) -> bool:
        """True when Scrapy's MetaRefreshMiddleware will turn this page into a new request: the
        spider never sees it, so no text worker classifies it."""
        enabled, max_delay, ignore_tags = self.options.meta_refresh
        if not enabled or "refresh" not in text.lower():
            return False
        interval, url = get_meta_refresh(
            HtmlResponse(capture.url, body=text.encode("utf-8"), encoding="utf-8"), ignore_tags=ignore_tags
        )
        return url is not None and interval < max_delay

    def _state(
        self, known, response: Response, record, location: Location, profile: str | None, kind: PageKind | None = None
    ) -> UrlState:
        """The URL's new state (crawler.state.transitions), on the state's clock."""
        headers = record.rec_headers
        archived = Archived(
            location.file,
            location.offset,
            location.record_id,
            headers.get_header("WARC-Payload-Digest"),
            headers.get_header("WARC-Date"),
        )
        return after_download(
            known,
            response.url,
            response.status,
            _header(response, b"ETag"),
            _header(response, b"Last-Modified"),
            self.state.clock(),
            archived=None if profile else archived,
            revisit=bool(profile),
            wall=kind is not None and kind.kind == WALL,
            removal=kind is not None and bool(kind.removal),
        )

    def _capture(self, record, location: Location, response: Response, spider: Spider) -> Capture:
        """The response record just written, as a Capture: built as a record read back is
        (crawler.warc.reader.capture_of), from its headers and the bytes written as its payload."""
        source = getattr(getattr(spider, "source", None), "name", spider.name)
        written = StoredRecord(
            str(self.options.directory / location.file),
            location.offset,
            record.rec_type,
            record.rec_headers,
            record.http_headers,
            response.body,
        )
        return capture_of(written, source)

    def _repair(self, spider: Spider, recommit: bool = True) -> None:
        """Close the ``.open`` files no live process writes (a crash's, a dead worker's), and
        (at the start, while the state is open) commit to the state the full responses in them
        that it does not know (_recommit)."""
        left = sorted(Path(self.options.directory).glob("*" + OPEN_SUFFIX))
        try:
            lines = repair_open_files(self.options.directory)
        except (OSError, WarcWriteError) as exc:
            logger.error("WARC crash repair failed: %(error)s", {"error": exc}, extra={"spider": spider})
            return
        for line in lines:
            logger.warning("WARC crash repair: %(line)s", {"line": line}, extra={"spider": spider})
            self.crawler.stats.inc_value("warc/repaired_files")
        closed = [p.with_name(p.name[: -len(OPEN_SUFFIX)]) for p in left if not p.exists()]
        if recommit:
            self._recommit([p for p in closed if p.exists()], spider)

    def _recommit(self, paths: list[Path], spider: Spider) -> None:
        """A crash between writing a response record and committing its state (the record is
        written first) leaves a record the state does not know: the next crawl would fetch the
        page as new and derive the second copy, where a rebuild takes the first. Each such full
        200 response of a repaired file is committed now, as the crashed crawl would have."""
        store = self.state.store if self.state is not None else None
        if store is None or not paths:
            return
        try:
            for path, offset, record in iter_records(paths, on_error=lambda error: None):
                status = record.http_headers.get_statuscode() if record.http_headers else None
                if record.rec_type != "response" or status != "200":
                    continue
                headers = record.rec_headers
                url, date = headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")
                known = store.get(url)
                if known is not None and known.warc_date is not None and known.warc_date >= date:
                    continue  # committed, or a later capture is
                source = getattr(getattr(spider, "source", None), "name", spider.name)
                capture = capture_of(read_record_at(path, offset), source)
                kind = self._page_kind(capture, spider, scrapy.Request(url))
                archived = Archived(
                    path.name,
                    offset,
                    headers.get_header("WARC-Record-ID"),
                    headers.get_header("WARC-Payload-Digest"),
                    date,
                )
                store.put(
                    after_download(
                        known,
                        url,
                        200,
                        record.http_headers.get_header("ETag"),
                        record.http_headers.get_header("Last-Modified"),
                        _epoch(date),
                        archived=archived,
                        wall=kind is not None and kind.kind == WALL,
                        removal=kind is not None and bool(kind.removal),
                    )
                )
                self.crawler.stats.inc_value("state/recommitted")
        except RedisError as exc:
            redis_lost(self.crawler, exc)
        except Exception as exc:  # noqa: BLE001  best effort: a rebuild derives the same text from the record
            logger.warning(
                "state not updated from the repaired WARC files: %(error)r", {"error": exc}, extra={"spider": spider}
            )

    def _count(self, locations: list[Location]) -> None:
        stats = self.crawler.stats
        for location in locations:
            stats.inc_value(f"warc/records/{location.record_type}")
        stats.inc_value("warc/bytes", sum(location.length for location in locations))
        stats.set_value("warc/files", self.writer.files_opened)

    def _fail(self, exc: WarcWriteError, spider: Spider) -> None:
        """Stop the crawl: an archiver that cannot archive must not go on fetching."""
        logger.error("%(error)s; stopping the crawl", {"error": exc}, extra={"spider": spider})
        stats = self.crawler.stats
        stats.inc_value("warc/write_error")
        stats.set_value("crawl/failed", _write_failure(exc))
        writer, self.writer = self.writer, None
        try:
            writer.close()  # already cut back to its last complete record
        except WarcWriteError as again:
            logger.error("%(error)s", {"error": again}, extra={"spider": spider})
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_write_error"))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            try:
                writer.close()
            except WarcWriteError as exc:
                logger.error("%(error)s", {"error": exc}, extra={"spider": spider})
                self.crawler.stats.set_value("crawl/failed", _write_failure(exc))
        self._repair(spider, recommit=False)  # files of workers that died during this crawl (distributed crawl)
        if self.options.index is not None:
            self._update_index(spider)

    def _update_index(self, spider: Spider) -> None:
        directory = self.options.directory
        if not directory.is_dir():
            return

        def paths() -> list[Path]:  # listed under the index lock (other workers close files too)
            return sorted(p for p in directory.iterdir() if p.name.endswith(".warc.gz"))

        try:
            lines = update_index(self.options.index, paths)
        except Exception as exc:  # the index is derived: a bad one must not fail the crawl
            logger.warning(
                "%(index)s: not updated (%(error)s); rebuild it with cdxj-indexer",
                {"index": self.options.index, "error": exc},
                extra={"spider": spider},
                exc_info=not isinstance(exc, OSError),
            )  # a full disk is one line, a bug a traceback
            return
        self.crawler.stats.set_value("warc/index_lines", lines)


def _write_failure(exc: WarcWriteError) -> str:
    """The crawl's one-line failure reason: what went wrong, without the path (the ERROR line
    above it names the file), e.g. ``WARC write failed (No space left on device)``."""
    cause = exc.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        return f"WARC write failed ({cause.strerror})"
    return f"WARC write failed ({str(exc).split(': ', 1)[-1].split(';', 1)[0]})"
