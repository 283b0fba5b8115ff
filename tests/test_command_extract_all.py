"""`scrapy extract` writes articles only; `--all` writes list and index pages too."""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .conftest import run_scrapy
from .test_text_articleness import PARAGRAPHS, _list_page, _page


def _warc(path, pages: dict[str, str]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages.items():
            body = html.encode("utf-8")
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": "2024-05-04T08:00:00Z"},
                )
            )


def test_list_pages_only_with_all(tmp_path):
    article = _page("<div class='article'><h1>邻里节</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>")
    warc = tmp_path / "site.warc.gz"
    _warc(warc, {"http://x.example.cn/a/2024/0503/1.html": article, "http://x.example.cn/news/": _list_page()})
    result = run_scrapy("extract", str(warc), "--out", str(tmp_path / "a"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == (
        f"extracted 1 documents into {tmp_path / 'a'} (1 pages that are not articles left out: --all writes them)\n"
    )
    assert len(list((tmp_path / "a" / "text" / "x.example.cn").glob("*.txt"))) == 1
    result = run_scrapy("extract", str(warc), "--out", str(tmp_path / "b"), "--all")
    assert result.stdout == f"extracted 2 documents into {tmp_path / 'b'}\n"
    assert len(list((tmp_path / "b" / "text" / "x.example.cn").glob("*.txt"))) == 2
