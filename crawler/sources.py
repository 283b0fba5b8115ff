"""Seed files (``seeds/*.yaml``) to validated, frozen :class:`Source` objects.

The schema is checked with jsonschema; every problem is reported as ONE line naming the file, the
key and the problem (:class:`SeedError`), never a traceback. The seed reference is in
``docs/seeds.md``. This module is pure: no Scrapy import, so ``scrapy rebuild`` can read seeds too.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import yaml

from crawler.text.labels import whatwg_name
from crawler.text.model import TextOptions

_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_URL_LIST = {"type": "array", "items": {"type": "string", "pattern": "^https?://[^/\\s]+"}}
_DURATION = {"type": "string", "pattern": "^[0-9]{1,9}[smhd]\\Z"}


def _closed(**properties) -> dict:
    """A JSON-schema object of exactly these properties (any other key is a seed error)."""
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _range(kind: str, low: float, high: float | None = None) -> dict:
    """A JSON-schema ``integer`` or ``number`` from ``low`` to ``high`` (no upper bound: None)."""
    return {"type": kind, "minimum": low, **({} if high is None else {"maximum": high})}


SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "start_urls", "allowed_domains", "articles"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}\\Z"},
        "title": {"type": "string"},
        "start_urls": _URL_LIST,
        "allowed_domains": {**_STR_LIST, "minItems": 1},
        "feeds": _URL_LIST,
        "sitemaps": _URL_LIST,
        "follow": _STR_LIST,
        "articles": {**_STR_LIST, "minItems": 1},
        "deny": _STR_LIST,
        "encoding": {"type": "string"},
        "allow_private": {"type": "boolean"},
        "requisites": {"type": "boolean"},
        "limits": _closed(max_pages=_range("integer", 0, 100_000_000), max_depth=_range("integer", 0, 10_000)),
        "politeness": _closed(
            delay=_range("number", 0, 3600), concurrency=_range("integer", 1, 256), robots={"type": "boolean"}
        ),
        "refresh": _closed(articles_after=_DURATION),
        "text": _closed(
            strip_annotations={"enum": ["auto", "always", "never"]},
            boilerplate_patterns=_STR_LIST,
            boilerplate_min_pages=_range("integer", 1),
            boilerplate_min_share=_range("number", 0, 1),
            extraction={"enum": ["full", "fast"]},
        ),
    },
}

_REGEX_KEYS = ("follow", "articles", "deny")
#: link hops from a start URL by default: bounds every crawler trap (a calendar reached depth 611)
#: while leaving long "next page" chains of list pages alone; 0 in the seed means no limit
DEFAULT_MAX_DEPTH = 1000
_ENV = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds of a duration like ``12h`` or ``7d`` (s, m, h, d); ValueError names the text."""
    if not re.fullmatch(r"[0-9]{1,9}[smhd]", text or ""):
        raise ValueError(f"{text!r} is not a duration like 12h or 7d")
    return int(text[:-1]) * _SECONDS[text[-1]]


class SeedError(Exception):
    """A seed file that cannot be used; the message is one line naming file, key and problem."""


@dataclass(frozen=True)
class Source:
    """One configured news source (see docs/seeds.md for every key and default)."""

    name: str
    path: str
    digest: str  # sha256 hex of the seed file's bytes, recorded in warcinfo
    title: str = ""
    start_urls: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    encoding: str | None = None
    allow_private: bool = False
    requisites: bool = True  # fetch article pages' images, stylesheets, scripts (crawler/requisitespider.py)
    max_pages: int = 0
    max_depth: int = DEFAULT_MAX_DEPTH
    delay: float = 1.0
    concurrency: int = 2
    robots: bool = True
    articles_after: int = 7 * 86400  # seconds before an article page is revalidated
    text: TextOptions = field(default_factory=TextOptions)
    _article_res: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)

    def allows(self, url: str) -> bool:
        """True when the URL's host is one of ``allowed_domains`` or a subdomain (any port)."""
        return host_in_domains(urlsplit(url).hostname or "", self.allowed_domains)

    def is_article(self, url: str) -> bool:
        """True when ``url`` matches one of the article rules."""
        return any(rx.search(url) for rx in self._article_res)


def host_in_domains(host: str, domains: tuple[str, ...]) -> bool:
    """Domain match on the host alone (Scrapy's url_is_from_any_domain compares host:port)."""
    host = host.lower()
    for domain in domains:
        domain = domain.lower().lstrip(".").split(":")[0]
        if host == domain or host.endswith(f".{domain}"):
            return True
    return False


#: a seed is a few hundred bytes; more than this is not a seed (and /dev/zero is never read whole)
MAX_SEED_BYTES = 1 << 20


class SeedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stricter: a key given twice is an error (PyYAML keeps the last one
    silently), and aliases are refused (a few hundred bytes of nested aliases expand to gigabytes;
    a seed has no use for them)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a seed", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} is not text", key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expand_env(value, where: str):
    """Expand ``${NAME}`` / ``${NAME:-default}`` in every string of the parsed YAML."""
    if isinstance(value, dict):
        return {k: _expand_env(v, f"{where}{k}.") for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, where) for v in value]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ValueError(f"environment variable {name} is not set (use ${{{name}:-default}})")
        return default

    return _ENV.sub(sub, value)


def _key_path(error: jsonschema.ValidationError) -> str:
    """``politeness.delay``, ``start_urls[0]``: jsonschema's JSON path without its ``$.``."""
    return error.json_path.removeprefix("$").removeprefix(".")


def _describe(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(key, problem) for the most useful jsonschema error."""
    key = _key_path(error)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return ".".join(filter(None, [key, extra[0]])), f"unknown key (allowed: {allowed})"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return ".".join(filter(None, [key, missing])), "required key is missing"
    if error.validator == "pattern":
        if key == "name":
            return key, f"{error.instance!r} must be lowercase letters, digits, '-' or '_'"
        if key.startswith(("start_urls", "feeds", "sitemaps")):
            return key, f"{error.instance!r} is not an http(s) URL"
        return key, f"{error.instance!r} is not a duration like 12h or 7d"
    return key or "(top)", error.message


def _check_semantics(data: dict) -> tuple[str, str] | None:
    """Checks jsonschema cannot express: start points within allowed_domains, regexes compile,
    the encoding is a WHATWG label."""
    domains = tuple(data["allowed_domains"])
    for key in ("start_urls", "feeds", "sitemaps"):
        for i, url in enumerate(data.get(key, [])):
            host = urlsplit(url).hostname or ""
            if not host_in_domains(host, domains):
                return f"{key}[{i}]", f"{url!r}: host {host!r} is not in allowed_domains {list(domains)}"
    for key in _REGEX_KEYS:
        for i, pattern in enumerate(data.get(key, [])):
            try:
                re.compile(pattern)
            except re.error as exc:
                return f"{key}[{i}]", f"invalid regex {pattern!r}: {exc}"
    for i, pattern in enumerate(data.get("text", {}).get("boilerplate_patterns", [])):
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"text.boilerplate_patterns[{i}]", f"invalid regex {pattern!r}: {exc}"
    if "encoding" in data and whatwg_name(data["encoding"]) in (None, "replacement", "x-user-defined"):
        return "encoding", (
            f"unknown encoding {data['encoding']!r} (use a WHATWG label such as gbk, gb18030, "
            "big5, shift_jis, euc-kr, windows-1251, utf-8)"
        )
    return None


def _build(data: dict, path: Path, raw: bytes) -> Source:
    limits, polite = data.get("limits", {}), data.get("politeness", {})
    text = data.get("text", {})
    after = data.get("refresh", {}).get("articles_after", "7d")
    defaults = TextOptions()
    options = TextOptions(
        fallback_encoding=data.get("encoding"),
        strip_annotations=text.get("strip_annotations", defaults.strip_annotations),
        boilerplate_patterns=tuple(text.get("boilerplate_patterns", ())),
        boilerplate_min_pages=text.get("boilerplate_min_pages", defaults.boilerplate_min_pages),
        boilerplate_min_share=float(text.get("boilerplate_min_share", defaults.boilerplate_min_share)),
        list_patterns=tuple(data.get("follow", ())),
        fast_extraction=text.get("extraction", "full") == "fast",
    )
    return Source(
        name=data["name"],
        path=str(path),
        digest=hashlib.sha256(raw).hexdigest(),
        title=data.get("title", ""),
        start_urls=tuple(data.get("start_urls", ())),
        allowed_domains=tuple(data["allowed_domains"]),
        feeds=tuple(data.get("feeds", ())),
        sitemaps=tuple(data.get("sitemaps", ())),
        follow=tuple(data.get("follow", ())),
        articles=tuple(data["articles"]),
        deny=tuple(data.get("deny", ())),
        encoding=data.get("encoding"),
        allow_private=data.get("allow_private", False),
        requisites=data.get("requisites", True),
        max_pages=limits.get("max_pages", 0),
        max_depth=limits.get("max_depth", DEFAULT_MAX_DEPTH),
        delay=float(polite.get("delay", 1.0)),
        concurrency=polite.get("concurrency", 2),
        robots=polite.get("robots", True),
        articles_after=parse_duration(after),
        text=options,
        _article_res=tuple(re.compile(p) for p in data["articles"]),
    )


def load_source(path: str | os.PathLike) -> Source:
    """Read and validate one seed file; raise :class:`SeedError` with a one-line message."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SEED_BYTES + 1)
    except OSError as exc:
        raise SeedError(f"{path}: cannot read seed file: {exc.strerror}") from None
    if len(raw) > MAX_SEED_BYTES:
        raise SeedError(f"{path}: larger than {MAX_SEED_BYTES} bytes: not a seed file")
    try:
        data = yaml.load(raw, Loader=SeedLoader)  # noqa: S506  a SafeLoader, stricter
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SeedError(f"{path}: {where}invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path}: the file must be a YAML mapping of keys (see docs/seeds.md)")
    try:
        data = _expand_env(data, "")
    except ValueError as exc:
        raise SeedError(f"{path}: {exc}") from None
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        key, problem = _describe(errors[0])
        raise SeedError(f"{path}: key '{key}': {problem}")
    semantic = _check_semantics(data)
    if semantic:
        raise SeedError(f"{path}: key '{semantic[0]}': {semantic[1]}")
    return _build(data, path, raw)


def scan_sources(directory: str | os.PathLike) -> tuple[dict[str, Source], dict[Path, str]]:
    """Every valid source of a seeds directory by name, and one error line per seed file that is
    not valid (a duplicate name is the later file's error): a bad seed costs only itself."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SeedError(f"{directory}: seeds directory not found (setting SEEDS_DIR)")
    sources: dict[str, Source] = {}
    errors: dict[Path, str] = {}
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        try:
            source = load_source(path)
        except SeedError as exc:
            errors[path] = str(exc)
            continue
        if source.name in sources:
            other = sources[source.name].path
            errors[path] = f"{path}: key 'name': duplicate source name {source.name!r} (also in {other})"
            continue
        sources[source.name] = source
    return dict(sorted(sources.items())), errors


def load_sources(directory: str | os.PathLike) -> dict[str, Source]:
    """All sources of a seeds directory by name; any invalid seed file is an error (the first)."""
    sources, errors = scan_sources(directory)
    if errors:
        raise SeedError(next(iter(errors.values())))
    return sources
