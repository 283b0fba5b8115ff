"""A finalized document to its text file: YAML front matter in a fixed key order, then the text.

The front matter is written by the YAML library (PyYAML's safe dumper, libyaml's emitter when
installed), never pasted together: titles, bylines and WARC file names may hold any character
(``crawl[1], part 2.warc.gz``, ``: # { } &``, quotes, tabs, a BOM) and every value loads back as it
went in (tests/test_text_render.py, a property test). Shape: a block mapping, ``warc``,
``encoding`` and ``boilerplate`` as inline mappings, UTF-8 not escaped, no line wrapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from .model import Document

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# a value with a line break or a character YAML cannot print plainly goes double-quoted, where
# every such character is an escape: single-quoted and plain scalars fold line breaks, and a
# folded line of ``---`` or ``...`` would end the front matter
_NOT_PLAIN = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\ufeff]")


class _Inline(dict):
    """A mapping written inline (flow style): ``{file: a.warc.gz, offset: 10}``."""


class _FrontMatterDumper(_Dumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _NOT_PLAIN.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _inline(dumper: yaml.SafeDumper, value: _Inline) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_FrontMatterDumper.add_representer(str, _str)
_FrontMatterDumper.add_representer(_Inline, _inline)


def front_matter(doc: Document, removed: int, cluster: tuple[str, str] | None = None) -> dict:
    """The front matter's values in their fixed order; keys without a value are left out."""
    data: dict = {"title": doc.title, "url": doc.url, "source": doc.source}
    for key, value in (("published", doc.published), ("author", doc.author), *doc.meta):
        if value:
            data[key] = value
    data["fetched"] = doc.fetched
    if doc.warc:
        w = doc.warc
        data["warc"] = _Inline(file=w.file, offset=w.offset, record_id=w.record_id, payload_digest=w.payload_digest)
    if doc.pages:  # a multi-page article: every page's address and record, in order
        data["pages"] = [
            _Inline(
                url=page.url,
                fetched=page.fetched,
                **(
                    {"file": page.warc.file, "offset": page.warc.offset, "record_id": page.warc.record_id}
                    if page.warc
                    else {}
                ),
            )
            for page in doc.pages
        ]
    e = doc.encoding
    data["encoding"] = _Inline(
        declared=e.declared,
        used=e.used,
        reason=e.reason,
        repairs=e.repairs,
        losses=e.losses,
        annotations_removed=e.annotations_removed,
    )
    # written only when there is something to audit, so a clean page's front matter keeps its bytes
    if e.confidence:  # a codec chosen on thin evidence, and what the detector offered
        data["encoding"].update(confidence=e.confidence, candidates=e.candidates)
    if e.repaired:  # each repair's chain and span length: "utf-8>gb18030 12"
        data["encoding"]["repaired"] = list(e.repaired)
    data["boilerplate"] = _Inline(removed=removed)
    if cluster:
        data["cluster"], data["canonical"] = cluster
    return data


def dump(data: dict) -> str:
    """``data`` as a YAML block mapping (inline where marked), UTF-8 unescaped, never wrapped."""
    return yaml.dump(
        data, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=2**31 - 1
    )


def render(doc: Document, paragraphs: Iterable[str], removed: int, cluster: tuple[str, str] | None = None) -> bytes:
    """The text file: YAML front matter in a fixed key order, title line, one paragraph a line."""
    text = "\n".join(["---", dump(front_matter(doc, removed, cluster)) + "---", doc.title, *paragraphs])
    return (text + "\n").encode("utf-8")


__all__ = ["dump", "front_matter", "render"]
