"""`scrapy extract`: text files from WARC files written by another tool, no seed, no state."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.text.model import document_id

from .conftest import run_scrapy

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>河畔社区举办旧物交换集市_河畔网</title></head><body><div class="nav">首页 新闻 公告</div>
<div class="main"><h1>河畔社区举办旧物交换集市</h1><p class="info">2023年10月29日 09:00 来源：河畔网 作者：欧阳晨</p>
<p>10月29日上午，河畔社区在中心广场举办旧物交换集市，六十多户居民带来了闲置的书籍、玩具和小家电。</p>
<p>集市采用以物换物的方式，志愿者在现场帮助登记物品、维持秩序，没有换出去的物品统一捐给了社区爱心超市。</p>
<p>社区负责人说，这样的集市今后每季度举办一次。</p></div>
<div class="footer">版权所有 河畔网</div></body></html>"""


def write_foreign_warc(path: Path, url: str) -> None:
    """A WARC as wget or another tool would write it: a gzip-encoded GBK page, no warcinfo source."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        body = gzip.compress(PAGE.encode("gbk"), mtime=0)
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2023-10-30T08:00:00Z"},
        )
        writer.write_record(record)


def test_extract_from_a_foreign_warc(tmp_path):
    url = "http://www.hepan.example.cn/news/2023/1029/a1.html?from=rss"
    warc = tmp_path / "wget-crawl.warc.gz"
    write_foreign_warc(warc, url)
    out = tmp_path / "out"
    result = run_scrapy("extract", str(warc), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == f"extracted 1 documents into {out}\n"
    text = (out / "text" / "www.hepan.example.cn" / f"{document_id(url)}.txt").read_text("utf-8")
    front, body = text.split("---\n")[1], text.split("---\n", 2)[2]
    assert "source: www.hepan.example.cn\n" in front
    assert "published: '2023-10-29T09:00:00+08:00'\n" in front
    assert "author: 欧阳晨\n" in front
    assert "encoding: {declared: gb2312, used: gb18030, reason: meta-charset," in front
    assert body.splitlines() == [
        "河畔社区举办旧物交换集市",
        "10月29日上午，河畔社区在中心广场举办旧物交换集市，六十多户居民带来了闲置的书籍、玩具和小家电。",
        "集市采用以物换物的方式，志愿者在现场帮助登记物品、维持秩序，没有换出去的物品统一捐给了社区爱心超市。",
        "社区负责人说，这样的集市今后每季度举办一次。",
    ]
    assert (out / "manifest.jsonl").read_text("utf-8").count("\n") == 1


def test_extract_names_a_missing_file_in_one_line(tmp_path):
    result = run_scrapy("extract", str(tmp_path / "nope.warc.gz"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.warc.gz'}: no such WARC file" in result.stderr
    assert "Traceback" not in result.stderr
