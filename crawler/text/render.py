"""A finalized document to its text file: YAML front matter in a fixed key order, then the text."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import yaml

from .model import Document


# source, codec, reason, counts and WARC file names repeat on every page and stay in a small cache;
# titles, URLs and record ids never repeat and only pass through it
@lru_cache(maxsize=4096, typed=True)
def _scalar(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9).strip().removesuffix("\n...").strip()


@lru_cache(maxsize=4096, typed=True)
def _in_flow(value) -> str:
    """A scalar as YAML writes it inside a flow collection (an address with ``?`` or ``,`` quoted)."""
    return yaml.safe_dump([value], allow_unicode=True, default_flow_style=True, width=10**9).strip()[1:-1]


def _flow(pairs: list[tuple[str, object]]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in pairs) + "}"


def render(doc: Document, paragraphs: Iterable[str], removed: int, cluster: tuple[str, str] | None = None) -> bytes:
    """The text file: YAML front matter in a fixed key order, title line, one paragraph a line."""
    lines = ["---", f"title: {_scalar(doc.title)}", f"url: {_scalar(doc.url)}", f"source: {_scalar(doc.source)}"]
    for key, value in (("published", doc.published), ("author", doc.author), *doc.meta):
        if value:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append(f"fetched: {_scalar(doc.fetched)}")
    if doc.warc:
        w = doc.warc
        lines.append("warc: " + _flow([("file", w.file), ("offset", w.offset), ("record_id", w.record_id),
                                       ("payload_digest", w.payload_digest)]))
    for page in doc.pages:  # a multi-page article: every page's address and record, in order
        if page is doc.pages[0]:
            lines.append("pages:")
        w = page.warc
        record = [("file", w.file), ("offset", w.offset), ("record_id", w.record_id)] if w else []
        lines.append("- {" + ", ".join(f"{k}: {_in_flow(v)}" for k, v in [("url", page.url), ("fetched", page.fetched),
                                                                          *record]) + "}")
    e = doc.encoding
    lines.append("encoding: " + _flow([("declared", e.declared), ("used", e.used), ("reason", e.reason),
                                       ("repairs", e.repairs), ("losses", e.losses),
                                       ("annotations_removed", e.annotations_removed)]))
    lines.append("boilerplate: " + _flow([("removed", removed)]))
    if cluster:
        lines += [f"cluster: {_scalar(cluster[0])}", f"canonical: {_scalar(cluster[1])}"]
    lines += ["---", doc.title, *paragraphs]
    return ("\n".join(lines) + "\n").encode("utf-8")


__all__ = ["render"]
