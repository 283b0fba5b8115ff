"""Every script family through the real `scrapy extract`: each text of tests/test_text_charset.py,
encoded in each of its legacy codecs, archived as served four ways (the right label, no label, the
commonest wrong label `iso-8859-1`, `windows-1252`) and, for CJK, labelled as another CJK codec.
One WARC, one command: every text file holds exactly the page's title and paragraphs."""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.text.labels import codec_for

from .conftest import run_scrapy
from .test_command_extract_foreign import texts
from .test_text_charset import CASES, TEXTS, WAYS

WRONG_CJK = [
    ("zh-hans", "gbk", "big5"),
    ("zh-hant", "big5", "gbk"),
    ("ja", "shift_jis", "euc-jp"),
    ("ja", "euc-jp", "shift_jis"),
    ("ko", "euc-kr", "gbk"),
]


def article(text: str) -> tuple[str, list[str]]:
    """A title (the text's first words) and three paragraphs, each distinct."""
    title = text.split("，")[0].split(".")[0].split("。")[0][:24].strip()
    return title, [f"{n}. {text}" for n in (1, 2, 3)]


def served() -> list[tuple[str, str, bytes, tuple[str, list[str]]]]:
    """(url, Content-Type, body, expected title and paragraphs) of every page."""
    pages = []
    ways = [(lang, label, way, WAYS[way].format(label=label)) for lang, label in CASES for way in sorted(WAYS)]
    ways += [(lang, label, f"as-{wrong}", f"text/html; charset={wrong}") for lang, label, wrong in WRONG_CJK]
    for n, (lang, label, way, ctype) in enumerate(ways):
        title, paragraphs = article(TEXTS[lang])
        html = (
            f'<html><head><title>{title}</title></head><body><div class="main"><h1>{title}</h1>'
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</div></body></html>"
        )
        url = f"http://charsets.example.org/{lang}/{label}/{way}/a{n}.html"
        pages.append((url, ctype, html.encode(codec_for(label)), (title, paragraphs)))
    return pages


def test_every_family_served_every_way_comes_out_faithful(tmp_path):
    pages = served()
    warc = tmp_path / "charsets.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, ctype, body, _ in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": "2024-05-06T08:00:00Z"},
                )
            )
    out = tmp_path / "out"
    result = run_scrapy("extract", str(warc), "--out", str(out), "--all")
    assert result.returncode == 0, result.stderr[-3000:]
    got = texts(out)
    expected = {url: [title, *paragraphs] for url, _, _, (title, paragraphs) in pages}
    wrong = {url: got.get(url) for url in expected if got.get(url) != expected[url]}
    assert wrong == {}, f"{len(wrong)} of {len(expected)} pages not faithful"
    assert len(got) == len(expected) == len(CASES) * len(WAYS) + len(WRONG_CJK)
