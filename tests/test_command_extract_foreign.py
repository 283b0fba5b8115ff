"""`scrapy extract` on files other tools write, good and damaged: what warcio reads, extract reads.

Every file here is written by the test (warcio's writer where it can, ARC by hand), then goes
through the real `scrapy extract` command. A damaged record or file costs only itself: one line
on stderr naming file and offset, every other record's text exact, exit status 1.
"""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import yaml
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.text.model import document_id

from .conftest import run_scrapy

TOPICS = [
    "河畔社区举办旧物交换集市",
    "北山镇开通乡村公交专线",
    "图书馆推出夜间自习室",
    "老旧小区加装电梯完工",
    "青年志愿者走进敬老院",
    "湿地公园迎来越冬候鸟",
    "社区食堂推出老人餐",
    "小学开设非遗剪纸课",
    "夜市摊位实行统一管理",
    "山区学校新建塑胶跑道",
    "消防站开放日吸引市民",
    "菜市场完成提档升级",
]


def article(n: int) -> tuple[str, list[str]]:
    """Title and paragraphs of test article ``n``, each distinct from every other article's."""
    topic = TOPICS[n]
    return topic, [
        f"{topic}，这是本报记者在现场看到的情况，第{n + 1}篇报道的第一段写得比较长一些。",
        f"活动现场秩序井然，围绕“{topic}”，相关负责人介绍了今后{n + 2}个月的安排和具体的措施。",
        f"不少居民表示，{topic}这件事办到了大家的心坎上，希望这样的好事以后能够多一些。",
    ]


def page(n: int) -> bytes:
    title, paragraphs = article(n)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="main"><h1>{title}</h1>{body}</div></body></html>'
    ).encode()


def url(n: int, host: str = "www.hepan.example.cn") -> str:
    return f"http://{host}/news/2023/10/a{n}.html"


def http_headers(body: bytes, *extra: tuple[str, str], length: int | None = None) -> StatusAndHeaders:
    headers = [("Content-Type", "text/html; charset=utf-8"), *extra]
    if length is not False:
        headers.append(("Content-Length", str(len(body) if length is None else length)))
    return StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")


def response(writer: WARCWriter, n: int, body: bytes | None = None, host: str = "www.hepan.example.cn", **kw):
    body = page(n) if body is None else body
    headers = kw.pop("headers", None) or http_headers(body)
    return writer.create_warc_record(
        url(n, host),
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2023-10-30T08:00:00Z"},
    )


def write_warc(path: Path, records, gz: bool = True, version: str = "WARC/1.1") -> list[int]:
    """Write records built by ``records(writer)``; the offset of each record."""
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz, warc_version=version)
        for record in records(writer):
            offsets.append(fh.tell())
            writer.write_record(record)
    return offsets


def arc_bytes(numbers: list[int], gz: bool) -> bytes:
    """An ARC v1 file as the Internet Archive's older crawlers wrote it (warcio reads, never writes ARC)."""
    spec = b"1 0 test-crawler\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://old-crawl.arc 0.0.0.0 20101030080000 text/plain %d\n%s\n" % (len(spec), spec)]
    for n in numbers:
        body = page(n)
        http = (
            b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
        ) + body
        records.append(b"%s 10.0.0.1 20101030080000 text/html %d\n%s\n" % (url(n).encode(), len(http), http))
    return b"".join(gzip.compress(r, mtime=0) for r in records) if gz else b"".join(records)


def extract(tmp_path: Path, *files: Path) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "out"
    return run_scrapy("extract", *map(str, files), "--out", str(out)), out


def texts(out: Path) -> dict[str, list[str]]:
    """Body lines (title first) of every text file, by URL; every front matter must load."""
    found = {}
    for path in sorted(out.glob("text/*/*.txt")):
        data = path.read_text("utf-8")
        front = yaml.safe_load(data.split("---\n")[1])
        found[front["url"]] = data.split("---\n", 2)[2].splitlines()
    return found


def expected(*numbers: int, host: str = "www.hepan.example.cn") -> dict[str, list[str]]:
    return {url(n, host): [article(n)[0], *article(n)[1]] for n in numbers}


def test_warc_1_0_and_1_1_gzipped_or_not(tmp_path):
    files = []
    for i, (gz, version) in enumerate(
        [(True, "WARC/1.0"), (False, "WARC/1.0"), (True, "WARC/1.1"), (False, "WARC/1.1")]
    ):
        files.append(tmp_path / f"v{i}.warc{'.gz' if gz else ''}")
        write_warc(files[-1], lambda w, i=i: [response(w, i)], gz, version)
    result, out = extract(tmp_path, *files)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"extracted 4 documents into {out}\n"
    assert texts(out) == expected(0, 1, 2, 3)


def test_arc_and_arc_gz(tmp_path):
    (tmp_path / "old.arc").write_bytes(arc_bytes([0, 1], gz=False))
    (tmp_path / "old2.arc.gz").write_bytes(arc_bytes([2, 3], gz=True))
    result, out = extract(tmp_path, tmp_path / "old.arc", tmp_path / "old2.arc.gz")
    assert (result.returncode, result.stderr) == (0, "")
    assert texts(out) == expected(0, 1, 2, 3)
    front = yaml.safe_load(
        (out / "text" / "www.hepan.example.cn" / f"{document_id(url(0))}.txt").read_text().split("---\n")[1]
    )
    assert front["fetched"] == "2010-10-30T08:00:00Z"
    first = len(arc_bytes([], gz=False))  # the filedesc record's length: record 0 starts there
    assert front["warc"] == {"file": "old.arc", "offset": first, "record_id": "", "payload_digest": ""}
    again, out2 = run_scrapy("extract", str(tmp_path / "old.arc"), "--out", str(tmp_path / "o2")), tmp_path / "o2"
    assert again.returncode == 0  # an ARC record has no id: none is made up, the same file gives the same bytes
    name = f"text/www.hepan.example.cn/{document_id(url(0))}.txt"
    assert (out2 / name).read_bytes() == (out / name).read_bytes()


def test_html_in_resource_records_and_chunked_bodies_left_in(tmp_path):
    def records(w):
        body = page(1)
        chunked = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + 100]), body[i : i + 100]) for i in range(0, len(body), 100)
        )
        return [
            w.create_warc_record(
                url(0),
                "resource",
                payload=io.BytesIO(page(0)),
                length=len(page(0)),
                warc_content_type="text/html; charset=utf-8",
                warc_headers_dict={"WARC-Date": "2023-10-30T08:00:00Z"},
            ),
            w.create_warc_record(
                "http://www.hepan.example.cn/logo.png",
                "resource",
                payload=io.BytesIO(b"\x89PNG"),
                length=4,
                warc_content_type="image/png",
            ),
            response(
                w, 1, chunked + b"0\r\n\r\n", headers=http_headers(b"", ("Transfer-Encoding", "chunked"), length=False)
            ),
            # de-chunked by the tool, the header left in: as stored
            response(w, 2, headers=http_headers(page(2), ("Transfer-Encoding", "chunked"), length=False)),
        ]

    write_warc(tmp_path / "browser.warc.gz", records)
    result, out = extract(tmp_path, tmp_path / "browser.warc.gz")
    assert (result.returncode, result.stderr) == (0, "")
    assert texts(out) == expected(0, 1, 2)


def test_several_warcs_keep_their_own_warcinfo_sources(tmp_path):
    def with_source(name: str, numbers: list[int]):
        def records(w):
            info = w.create_warcinfo_record(f"{name}.warc.gz", {"software": "scrapy-news-archiver", "source": name})
            return [info, *(response(w, n) for n in numbers)]

        return records

    write_warc(tmp_path / "a.warc.gz", with_source("alpha", [0, 1]))
    write_warc(tmp_path / "b.warc.gz", with_source("beta", [2]))
    write_warc(tmp_path / "c.warc.gz", lambda w: [response(w, 3)])
    result, out = extract(tmp_path, tmp_path / "a.warc.gz", tmp_path / "b.warc.gz", tmp_path / "c.warc.gz")
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(out / "text").as_posix() for p in out.glob("text/*/*.txt")) == sorted(
        [
            f"alpha/{document_id(url(0))}.txt",
            f"alpha/{document_id(url(1))}.txt",
            f"beta/{document_id(url(2))}.txt",
            f"www.hepan.example.cn/{document_id(url(3))}.txt",
        ]
    )


def test_warcio_check_accepts_the_good_files_written_here(tmp_path):
    write_warc(tmp_path / "v.warc.gz", lambda w: [response(w, 0)])
    warcio = str(Path(sys.executable).parent / "warcio")
    assert subprocess.run([warcio, "check", str(tmp_path / "v.warc.gz")]).returncode == 0


def test_a_wrong_record_length_is_one_line_not_warcios_warning(tmp_path):
    path = tmp_path / "short-length.warc"
    offsets = write_warc(path, lambda w: [response(w, n) for n in range(3)], gz=False)
    data = path.read_bytes()
    at = data.index(b"Content-Length: ", offsets[1])
    end = data.index(b"\r\n", at)
    path.write_bytes(data[:at] + b"Content-Length: %d" % (int(data[at + 16 : end]) - 50) + data[end:])
    result, out = extract(tmp_path, path)
    assert result.returncode == 1
    assert (
        result.stderr
        == f"skipped: {path}: offset {offsets[1]}: truncated record: payload {len(page(1)) - 50} of {len(page(1))} bytes\n"
    )
    assert texts(out) == expected(0, 2)
