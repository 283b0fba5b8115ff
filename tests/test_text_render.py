"""The text file's front matter (crawler/text/render.py): whatever goes in loads back the same."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.text.model import Document, EncodingInfo, WarcRef
from crawler.text.render import render

SPECIAL = list(":#{}[],&*!|>'\"%@`-?") + [
    "- ",
    "? ",
    ": ",
    " #",
    "---",
    "...",
    "\ufeff",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\xa0",
    "\u3000",
    "null",
    "true",
    "~",
    "1.0",
    "0x1F",
    "2024-05-06",
    "&nbsp;",
]
# any character but lone surrogates (no UTF-8 file can hold them; decoding never leaves them)
CHARS = st.characters(blacklist_categories=("Cs",))
PIECES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(CHARS, min_size=1, max_size=8),
    st.sampled_from(["新华网", "王小明", "crawl[1], part 2"]),
)


def values(min_size: int = 0):
    short = st.lists(PIECES, min_size=min_size, max_size=12).map("".join)
    return st.one_of(short, st.tuples(short, st.integers(200, 2000)).map(lambda v: v[0] * v[1]))  # very long too


VALUE, NONEMPTY = values(), values(1)
COUNT = st.integers(min_value=0, max_value=2**40)


@st.composite
def documents(draw):
    warc = WarcRef(draw(NONEMPTY), draw(COUNT), draw(VALUE), draw(VALUE)) if draw(st.booleans()) else None
    encoding = EncodingInfo(draw(st.none() | VALUE), draw(VALUE), draw(VALUE), 0, draw(COUNT), draw(COUNT), draw(COUNT))
    meta = tuple(
        sorted(
            {
                key: draw(NONEMPTY) for key in draw(st.sets(st.sampled_from(["origin", "editor", "original_title"])))
            }.items()
        )
    )
    return Document(
        id="0" * 16,
        url=draw(VALUE),
        source=draw(VALUE),
        title=draw(VALUE),
        fetched=draw(VALUE),
        encoding=encoding,
        paragraphs=(),
        published=draw(st.none() | NONEMPTY),
        author=draw(st.none() | NONEMPTY),
        meta=meta,
        warc=warc,
    )


def load_front_matter(data: bytes) -> dict:
    """What a reader of the file does: the lines between the first two ``---`` lines, as YAML."""
    lines = data.decode("utf-8").split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    return yaml.load("\n".join(lines[1:end]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def expected(doc: Document, removed: int, cluster) -> dict:
    data = {"title": doc.title, "url": doc.url, "source": doc.source}
    data.update({k: v for k, v in (("published", doc.published), ("author", doc.author), *doc.meta) if v})
    data["fetched"] = doc.fetched
    if doc.warc:
        data["warc"] = dict(vars(doc.warc))
    e = doc.encoding
    data["encoding"] = {
        "declared": e.declared,
        "used": e.used,
        "reason": e.reason,
        "repairs": e.repairs,
        "losses": e.losses,
        "annotations_removed": e.annotations_removed,
    }
    data["boilerplate"] = {"removed": removed}
    if cluster:
        data["cluster"], data["canonical"] = cluster
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents(), COUNT, st.none() | st.tuples(NONEMPTY, NONEMPTY))
def test_every_value_loads_back_as_it_went_in(doc, removed, cluster):
    loaded = load_front_matter(render(doc, ["第一段。"], removed, cluster))
    want = expected(doc, removed, cluster)
    assert list(loaded) == list(want)  # the fixed key order
    assert loaded == want


def test_the_shape_of_the_issue_29_values():
    doc = Document(
        id="0" * 16,
        url="http://x.cn/a?b=1&c=2",
        source="x.cn",
        title="标题：{新} & [旧], \"引\" 'x'",
        fetched="2025-05-06T00:30:00Z",
        encoding=EncodingInfo("gb2312", "gb18030", "http-charset"),
        paragraphs=(),
        published="2025-05-06T08:30:00+08:00",
        author="王小明",
        meta=(("origin", "新华网"),),
        warc=WarcRef("crawl[1], part 2.warc.gz", 123, "<urn:uuid:1>", "sha1:ABC"),
    )
    assert render(doc, ["正文。"], 2).decode("utf-8") == (
        "---\n"
        "title: 标题：{新} & [旧], \"引\" 'x'\n"
        "url: http://x.cn/a?b=1&c=2\n"
        "source: x.cn\n"
        "published: '2025-05-06T08:30:00+08:00'\n"
        "author: 王小明\n"
        "origin: 新华网\n"
        "fetched: '2025-05-06T00:30:00Z'\n"
        "warc: {file: 'crawl[1], part 2.warc.gz', offset: 123, record_id: '<urn:uuid:1>', payload_digest: 'sha1:ABC'}\n"
        "encoding: {declared: gb2312, used: gb18030, reason: http-charset, repairs: 0, losses: 0, annotations_removed: 0}\n"
        "boilerplate: {removed: 2}\n"
        "---\n"
        "标题：{新} & [旧], \"引\" 'x'\n"
        "正文。\n"
    )
