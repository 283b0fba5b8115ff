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
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                              ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                           warc_headers_dict={"WARC-Date": "2023-10-30T08:00:00Z"})
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


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_extract_never_writes_into_a_directory_it_did_not_make(tmp_path):
    warc = tmp_path / "one.warc.gz"
    write_foreign_warc(warc, "http://www.hepan.example.cn/news/a1.html")
    archive = tmp_path / "archive"
    (archive / "text" / "demo-news").mkdir(parents=True)
    (archive / "text" / "demo-news" / "0123456789abcdef.txt").write_text("---\ntitle: t\n---\nt\n", "utf-8")
    (archive / "manifest.jsonl").write_text('{"id": "0123456789abcdef"}\n', "utf-8")
    before = tree(archive)
    result = run_scrapy("extract", str(warc), "--out", str(archive))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip().splitlines()[-1].endswith(
        f": error: {archive}: not empty and not made by `scrapy extract` (no .scrapy-extract): give a new or empty directory")
    assert tree(archive) == before
    assert "Traceback" not in result.stderr


def test_extract_again_into_its_own_directory_and_not_over_a_foreign_file(tmp_path):
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    write_foreign_warc(first, "http://www.hepan.example.cn/news/a1.html")
    write_foreign_warc(second, "http://www.hepan.example.cn/news/b2.html")
    out = tmp_path / "out"
    assert run_scrapy("extract", str(first), "--out", str(out)).returncode == 0
    assert (out / ".scrapy-extract").is_file()
    again = run_scrapy("extract", str(second), "--out", str(out))
    assert (again.returncode, again.stdout) == (0, f"extracted 1 documents into {out}\n")
    names = sorted(p.name for p in out.glob("text/*/*.txt"))
    assert names == [f"{document_id('http://www.hepan.example.cn/news/b2.html')}.txt"]
    mine = out / "text" / "www.hepan.example.cn" / "notes.txt"
    mine.write_text("my own notes", "utf-8")
    before = tree(out)
    refused = run_scrapy("extract", str(first), "--out", str(out))
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].endswith(
        f": error: {mine}: not written by `scrapy extract` (1 such file(s)): move them away or give another directory")
    assert tree(out) == before


def test_extract_out_naming_a_file_and_a_directory_in_use(tmp_path):
    warc = tmp_path / "one.warc.gz"
    write_foreign_warc(warc, "http://www.hepan.example.cn/news/a1.html")
    result = run_scrapy("extract", str(warc), "--out", str(warc))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(f": error: {warc}: exists and is not a directory: give a directory for --out")
    from crawler.state.lock import ArchiveLock

    out = tmp_path / "busy"
    with ArchiveLock(out):
        busy = run_scrapy("extract", str(warc), "--out", str(out))
    assert busy.returncode == 2
    assert f": error: {out}: another process (pid " in busy.stderr.strip().splitlines()[-1]
    assert not (out / "text").exists() and "Traceback" not in busy.stderr + result.stderr
