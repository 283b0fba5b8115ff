"""`scrapy export` on a real demo archive (`scrapy demo` into a temporary directory): each format's
exact rows, a row that gives back its text file byte for byte, Parquet read back with pyarrow,
the filters, one-line errors; the WACZ checked entry by entry (its digests recomputed); bounded
memory on 20,000 synthetic articles (bench/export.py)."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crawler.demo.sitegen import expected_articles
from crawler.export import COLUMNS, INTEGER_COLUMNS
from crawler.export.writers import parquet_schema
from crawler.text.model import Document, EncodingInfo, PageRef, WarcRef
from crawler.text.render import render

from .conftest import ROOT, free_port, run_scrapy

ARTICLES = len(expected_articles())  # 40: 7 per demo source, 11 in demo-blog


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    archive = tmp_path_factory.mktemp("export") / "archive"
    result = run_scrapy("demo", "-s", f"ARCHIVE_DIR={archive}", "-s", f"DEMO_PORT={free_port()}", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return archive


def export(archive: Path, *args: str) -> subprocess.CompletedProcess:
    return run_scrapy("export", "-s", f"ARCHIVE_DIR={archive}", *args)


def jsonl_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    """The header and the rows, typed back as the JSON lines have them (empty cell: None)."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [
            {c: (None if v == "" else int(v) if c in INTEGER_COLUMNS else v) for c, v in zip(header, line)}
            for line in reader
        ]
    return header, rows


def manifest(archive: Path) -> list[dict]:
    return jsonl_rows(archive / "manifest.jsonl")


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    for name in ("rows.jsonl", "rows.csv", "rows.parquet"):
        result = export(demo, str(out / name))
        fmt = name.split(".")[1]
        assert (result.returncode, result.stdout, result.stderr) == (
            0,
            f"exported {ARTICLES} article(s) to {out / name} ({fmt})\n",
            "",
        )
    return out


def test_jsonl_has_one_row_per_article_by_id(demo, exported):
    rows = jsonl_rows(exported / "rows.jsonl")
    assert len(rows) == ARTICLES == len(manifest(demo))
    assert [r["id"] for r in rows] == sorted(e["id"] for e in manifest(demo))
    assert all(list(r) == list(COLUMNS) for r in rows)
    assert {r["source"] for r in rows} == {"demo-news", "demo-wenming", "demo-gongyi", "demo-corp", "demo-blog"}


def test_csv_and_parquet_hold_the_same_rows_as_jsonl(exported):
    rows = jsonl_rows(exported / "rows.jsonl")
    header, from_csv = csv_rows(exported / "rows.csv")
    assert header == list(COLUMNS)
    assert from_csv == rows
    table = pq.read_table(exported / "rows.parquet")
    assert table.schema.equals(parquet_schema(), check_metadata=True)
    assert table.num_rows == ARTICLES
    assert table.to_pylist() == rows


def test_a_row_gives_back_its_text_file_byte_for_byte(demo, exported):
    """Every row, rendered again with the archiver's own renderer, is its text file."""
    for row in jsonl_rows(exported / "rows.jsonl"):
        data = (demo / "text" / row["source"] / f"{row['id']}.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert data.split(b"---\n", 2)[2].decode("utf-8") == f"{row['title']}\n{row['text']}\n"
        meta = tuple((k, row[k]) for k in ("origin", "language") if row[k])
        doc = Document(
            id=row["id"],
            url=row["url"],
            source=row["source"],
            title=row["title"],
            fetched=row["fetched"],
            published=row["published"],
            author=row["author"],
            meta=meta,
            encoding=EncodingInfo(
                row["encoding_declared"],
                row["encoding_used"],
                row["encoding_reason"],
                0,
                row["encoding_repairs"],
                row["encoding_losses"],
                row["encoding_annotations_removed"],
                row["encoding_confidence"] or "",
                row["encoding_candidates"] or "",
                tuple(json.loads(row["encoding_repaired"] or "[]")),
            ),
            paragraphs=(),
            warc=WarcRef(row["warc_file"], row["warc_offset"], row["warc_record_id"], row["warc_payload_digest"]),
            pages=tuple(
                PageRef(p["url"], p["fetched"], WarcRef(p["file"], p["offset"], p["record_id"], ""))
                for p in json.loads(row["article_pages"] or "[]")
            ),
        )
        cluster = (row["cluster"], row["canonical"]) if row["cluster"] else None
        assert render(doc, row["text"].split("\n"), row["boilerplate_removed"], cluster) == data


def test_rows_hold_the_demo_sites_own_text(demo, exported):
    """Independent of the archive: the demo content's own titles, paragraphs and authors."""
    rows = {r["url"].split("/", 3)[3]: r for r in jsonl_rows(exported / "rows.jsonl")}
    clean = [a for a in expected_articles() if not a.damage]
    assert len(clean) >= 20
    for article in clean:
        row = rows[article.path.lstrip("/")]
        assert (row["title"], row["text"].split("\n")) == (article.title, list(article.paragraphs))
    news = rows["news/2024/05/c_0510c.html"]
    assert (news["published"], news["author"], news["origin"]) == ("2024-05-10T22:15:00+08:00", "韩松", "澄江晚报")


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (("--source", "demo-news"), 7),
        (("--source", "demo-news", "--source", "demo-blog"), 18),
        (("--since", "2024-01-01"), 18),  # demo-news (May 2024) and demo-blog (March 2024): 7 + 11
        (("--until", "2022-12-31"), 14),  # demo-gongyi and demo-corp
        (("--since", "2023-10-15", "--until", "2023-10-29"), 3),  # three demo-wenming days, both ends kept
    ],
)
def test_filters_select_exact_rows(demo, tmp_path, args, count):
    out = tmp_path / "some.csv"
    result = export(demo, *args, str(out))
    assert (result.returncode, result.stdout) == (0, f"exported {count} article(s) to {out} (csv)\n")
    rows = csv_rows(out)[1]
    assert len(rows) == count and [r["id"] for r in rows] == sorted(r["id"] for r in rows)


def test_the_format_flag_wins_over_the_extension_and_output_is_deterministic(demo, exported, tmp_path):
    out = tmp_path / "rows.txt"
    assert export(demo, "--format", "parquet", str(out)).returncode == 0
    assert out.read_bytes() == (exported / "rows.parquet").read_bytes()
    again = tmp_path / "again.jsonl"
    assert export(demo, str(again)).returncode == 0
    assert again.read_bytes() == (exported / "rows.jsonl").read_bytes()


def test_the_file_has_the_users_umask(demo, tmp_path):
    out = tmp_path / "rows.jsonl"
    command = f"umask 027 && exec {sys.executable} -m scrapy export -s ARCHIVE_DIR={demo} {out}"
    assert subprocess.run(["sh", "-c", command], cwd=ROOT, capture_output=True).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("rows.xml",),
            "{out}/rows.xml: cannot tell the format from the extension; name it .jsonl, .csv or "
            ".parquet, or give --format jsonl|csv|parquet",
        ),
        (("--format", "xml", "rows.jsonl"), "--format xml: unknown format, use one of jsonl, csv, parquet"),
        (
            ("--source", "nope", "rows.jsonl"),
            "--source nope: no such source in {archive}/text (sources: demo-blog, "
            "demo-corp, demo-gongyi, demo-news, demo-wenming)",
        ),
        (("--since", "2024-02-30", "rows.jsonl"), "--since 2024-02-30: not a date, give YYYY-MM-DD"),
        (("rows.jsonl", "more.jsonl"), "give one output file, e.g. articles.parquet (or --wacz OUT.wacz)"),
    ],
)
def test_a_users_mistake_is_one_error_line_and_status_2(demo, tmp_path, args, line):
    args = [str(tmp_path / a) if a.startswith(("rows", "more")) else a for a in args]
    result = export(demo, *args)
    assert result.returncode == 2
    errors = [x for x in result.stderr.splitlines() if "error:" in x]
    assert errors == [f"__main__.py: error: {line.format(out=tmp_path, archive=demo)}"]
    assert "Traceback" not in result.stderr and list(tmp_path.iterdir()) == []


def test_no_archive_is_one_error_line(tmp_path):
    result = export(tmp_path / "none", str(tmp_path / "rows.jsonl"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"__main__.py: error: {tmp_path}/none/manifest.jsonl: no manifest, not a finished archive (set "
        "ARCHIVE_DIR, or run `scrapy crawl` or `scrapy rebuild` first)"
    )


def test_nothing_exported_is_status_1_and_no_file(demo, tmp_path):
    out = tmp_path / "rows.parquet"
    result = export(demo, "--since", "2030-01-01", str(out))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: nothing exported: no article of {demo} matches --since 2030-01-01; {out} not written\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_text_file_is_named_and_left_out(demo, tmp_path):
    import shutil

    archive = tmp_path / "archive"
    shutil.copytree(demo, archive)
    gone = sorted(archive.glob("text/demo-corp/*.txt"))[0]
    gone.unlink()
    out = tmp_path / "rows.jsonl"
    result = export(archive, str(out))
    assert result.returncode == 1
    assert result.stdout == f"exported {ARTICLES - 1} article(s) to {out} (jsonl)\n"
    assert result.stderr.splitlines() == [
        f"warning: {gone}: listed in the manifest but unreadable (No such file or directory), left out; "
        "run `scrapy verify`",
        "error: 1 article(s) left out (see the warnings above)",
    ]
    assert gone.stem not in {r["id"] for r in jsonl_rows(out)}


# -- WACZ -------------------------------------------------------------------------------------


def check_wacz(path: Path, archive: Path) -> tuple[dict, list[dict], list[str]]:
    """Check a WACZ as `wacz validate` does, and more: every entry listed in datapackage.json with
    its sha256 and size, datapackage-digest.json, WARCs stored and equal to the archive's files,
    the pages header, and a response line in the index for every page. Returns the datapackage,
    the pages and the index lines."""
    with zipfile.ZipFile(path) as wacz:
        assert wacz.testzip() is None
        names = wacz.namelist()
        package = json.loads(wacz.read("datapackage.json"))
        assert (package["profile"], package["wacz_version"]) == ("data-package", "1.1.1")
        listed = {r["path"]: r for r in package["resources"]}
        assert sorted(listed) == sorted(n for n in names if not n.startswith("datapackage"))
        for name, resource in listed.items():
            data = wacz.read(name)
            assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
            assert resource["bytes"] == len(data)
            if name.startswith("archive/"):
                assert wacz.getinfo(name).compress_type == zipfile.ZIP_STORED
                assert data == (archive / "warc" / name.split("/", 1)[1]).read_bytes()
        digest = json.loads(wacz.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": f"sha256:{hashlib.sha256(wacz.read('datapackage.json')).hexdigest()}",
        }
        header, *pages = [json.loads(x) for x in wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        assert header == {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}
        index = wacz.read("indexes/index.cdx").decode("utf-8").splitlines()
    captured = set()
    for line in index:
        fields = json.loads(line.split(" ", 2)[2])
        assert f"archive/{fields['filename']}" in listed
        if fields.get("mime") != "warc/revisit" and fields.get("status") == "200":
            captured.add((fields["url"], line.split(" ", 2)[1]))
    first = {}  # what pywb replays for a URL and time: the first line of that key
    for line in index:
        key, ts, rest = line.split(" ", 2)
        first.setdefault((json.loads(rest)["url"], ts), json.loads(rest))
    for page in pages:
        assert set(page) == {"id", "url", "ts", "title", "text"}
        assert (page["url"], re.sub(r"\D", "", page["ts"])) in captured
        assert first[page["url"], re.sub(r"\D", "", page["ts"])]["status"] == "200"
    return package, pages, index


def test_wacz_of_the_demo_archive(demo, exported, tmp_path):
    out = tmp_path / "demo.wacz"
    result = export(demo, "--wacz", str(out))
    warcs = sorted((demo / "warc").glob("*.warc.gz"))
    assert (result.returncode, result.stdout) == (
        0,
        f"packaged {len(warcs)} WARC file(s), {ARTICLES} page(s) into {out}\n",
    )
    package, pages, index = check_wacz(out, demo)
    assert [r["path"] for r in package["resources"]] == [
        *(f"archive/{p.name}" for p in warcs),
        "indexes/index.cdx",
        "pages/pages.jsonl",
    ]
    archived = (demo / "index.cdxj").read_text("utf-8").splitlines()
    assert not [x for x in archived if '"mime": "application/warc-fields"' in x and '"status"' not in x]
    assert index == archived  # the archive's index already leaves out metadata records
    rows = jsonl_rows(exported / "rows.jsonl")

    def ts(row: dict) -> str:  # a multi-page article's page is its first page's capture
        return json.loads(row["article_pages"])[0]["fetched"] if row["article_pages"] else row["fetched"]

    assert any(r["article_pages"] for r in rows)
    assert pages == [
        {"id": r["id"], "url": r["url"], "ts": ts(r), "title": r["title"], "text": r["text"]} for r in rows
    ]
    assert package["created"] == max(r["fetched"] for r in rows)
    again = tmp_path / "again.wacz"
    assert export(demo, "--wacz", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_wacz_of_one_source(demo, tmp_path):
    out = tmp_path / "news.wacz"
    result = export(demo, "--wacz", str(out), "--source", "demo-news")
    assert (result.returncode, result.stdout) == (0, f"packaged 1 WARC file(s), 7 page(s) into {out}\n")
    package, pages, index = check_wacz(out, demo)
    assert len(pages) == 7 and all("/news/" in p["url"] for p in pages)
    assert all("/news/" in json.loads(x.split(" ", 2)[2])["url"] or "robots.txt" in x for x in index)


def test_wacz_mistakes_are_one_line(demo, tmp_path):
    result = export(demo, "--wacz", str(tmp_path / "x.wacz"), "--since", "2024-01-01")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "__main__.py: error: --wacz OUT.wacz packages whole sources: no OUT, --format, --since or --until with it"
    )
    assert list(tmp_path.iterdir()) == []


# -- streaming --------------------------------------------------------------------------------


def bench():
    spec = importlib.util.spec_from_file_location("bench_export", ROOT / "bench" / "export.py")
    sys.path.insert(0, str(ROOT / "bench"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_memory_does_not_grow_with_the_archive(fmt, tmp_path_factory, synthetic):
    """20,000 articles (~70 MB of text) against the 2,000 of one source of the same archive: the
    peak memory of the export grows by far less than the text it wrote."""
    module, root = synthetic
    out = tmp_path_factory.mktemp("stream")
    small = module.export(root, out / f"small.{fmt}", fmt, "--source", module.SMALL)
    full = module.export(root, out / f"full.{fmt}", fmt)
    print(
        f"{fmt}: 2,000 rows {small['peak_mib']:.1f} MiB, 20,000 rows {full['peak_mib']:.1f} MiB peak, "
        f"{full['bytes'] / 1e6:.1f} MB written in {full['seconds']:.1f} s"
    )
    assert (small["rows"], full["rows"]) == (2000, 20000)
    assert full["bytes"] > 8 * small["bytes"]
    assert full["peak_mib"] - small["peak_mib"] < 16


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    module = bench()
    return module, module.write_archive(tmp_path_factory.mktemp("synthetic") / "archive", 20000)


def test_the_synthetic_archive_is_what_a_crawl_leaves(synthetic):
    module, root = synthetic
    lines = (root / "manifest.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 20000 and len(list(root.glob("text/*/*.txt"))) == 20000
    first = json.loads(lines[0])
    data = (root / "text" / first["source"] / f"{first['id']}.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == first["sha256"] and data.startswith(b"---\ntitle: ")
    assert data.count(b"\n") == 12 + 1 + 8  # front matter (with its two ---), title line, 8 paragraphs
