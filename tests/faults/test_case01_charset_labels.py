"""Issue 22 case 1: a hostile charset label (``undefined``, ``idna``, ``rot13``, ``base64``, ``utf-7`` ...)
counts as absent and the bytes decide; one bad label costs nothing else."""

from __future__ import annotations

import pytest
from warcio.statusandheaders import StatusAndHeaders

from ..test_command_extract_foreign import expected, extract, page, response, texts, write_warc
from ..test_text_charset import ARTICLE


def _derive(body: bytes, ctype: str):
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    capture = Capture(
        "https://news.example.cn/a/1.html", 200, (("Content-Type", ctype),), body, "2026-01-01T00:00:00Z", "example"
    )
    return derive(capture, TextOptions())


@pytest.mark.parametrize("label", ["undefined", "idna", "rot13", "base64", "utf-7", "x-user-defined", "zlib"])
def test_a_hostile_label_costs_nothing_through_the_whole_derivation(label):
    """Before: charset=undefined ended extract and rebuild with a UnicodeError traceback."""
    html = (
        "<html><head><title>社区简讯</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE)
        + "</article></body></html>"
    )
    document = _derive(html.encode("gbk"), f"text/html; charset={label}")
    assert list(document.paragraphs) == ARTICLE
    assert (document.encoding.declared, document.encoding.used, document.encoding.repairs) == (label, "gb18030", 0)


HOSTILE = ["undefined", "idna", "rot13", "base64", "utf-7", "x-user-defined", "zlib"]


def bodies(out) -> dict[str, bytes]:
    """The body of every text file (all after the front matter, which names the WARC file), by name."""
    return {p.name: p.read_bytes().split(b"---\n", 2)[2] for p in sorted(out.glob("text/*/*.txt"))}


def test_a_warc_of_hostile_labels_extracts_every_text_as_a_clean_one_does(tmp_path):
    """For real: one WARC whose GBK pages are labelled with codec names that are no text encodings
    (before: a UnicodeError traceback and no text at all), and the same pages labelled ``gbk``.
    `scrapy extract` of each exits 0 without a line on stderr, and every text is byte-identical."""

    def gbk(n: int) -> bytes:
        return page(n).decode("utf-8").replace('<meta charset="utf-8">', "").encode("gbk")

    def records(label_of):
        def build(writer):
            for n, label in enumerate(HOSTILE):
                body = gbk(n)
                headers = StatusAndHeaders(
                    "200 OK",
                    [("Content-Type", f"text/html; charset={label_of(label)}"), ("Content-Length", str(len(body)))],
                    protocol="HTTP/1.1",
                )
                yield response(writer, n, body, headers=headers)

        return build

    write_warc(tmp_path / "hostile.warc.gz", records(lambda label: label))
    write_warc(tmp_path / "clean.warc.gz", records(lambda label: "gbk"))
    (tmp_path / "h").mkdir()
    (tmp_path / "c").mkdir()
    hostile, hostile_out = extract(tmp_path / "h", tmp_path / "hostile.warc.gz")
    clean, clean_out = extract(tmp_path / "c", tmp_path / "clean.warc.gz")
    assert (hostile.returncode, hostile.stderr) == (0, ""), hostile.stderr[-2000:]
    assert (clean.returncode, clean.stderr) == (0, "")
    assert texts(hostile_out) == expected(*range(len(HOSTILE)))
    assert bodies(hostile_out) == bodies(clean_out)
