"""Seed files: schema errors are one exact line naming file, key and problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sources import SeedError, load_source, load_sources

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
name: town-news
title: 小镇新闻
start_urls: [https://news.example.cn/]
allowed_domains: [news.example.cn]
follow: ['^https://news\\.example\\.cn/list/']
articles: ['/a/\\d+\\.html$']
encoding: gbk
limits: {max_pages: 10, max_depth: 2}
politeness: {delay: 0.5, concurrency: 3, robots: false}
refresh: {articles_after: 12h}
text: {strip_annotations: never, boilerplate_patterns: ['^编辑：.*$'], boilerplate_min_pages: 5}
"""


def write(tmp_path: Path, text: str, name: str = "town.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(SeedError) as info:
        load_source(path)
    return str(info.value)


def test_good_seed_is_loaded(tmp_path):
    source = load_source(write(tmp_path, GOOD))
    assert (source.name, source.title, source.encoding) == ("town-news", "小镇新闻", "gbk")
    assert (source.max_pages, source.max_depth, source.delay, source.concurrency, source.robots) == (
        10,
        2,
        0.5,
        3,
        False,
    )
    assert source.articles_after == 12 * 3600
    assert source.text.fallback_encoding == "gbk"
    assert source.text.strip_annotations == "never"
    assert source.text.boilerplate_patterns == ("^编辑：.*$",)
    assert source.text.boilerplate_min_pages == 5
    assert source.text.fast_extraction is False  # text.extraction: full unless the seed says fast
    fast = load_source(write(tmp_path, GOOD.replace("boilerplate_min_pages: 5", "extraction: fast"), "fast.yaml"))
    assert fast.text.fast_extraction is True
    assert source.is_article("https://news.example.cn/a/12.html")
    assert not source.is_article("https://news.example.cn/list/1.html")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("encoding: gbk", "encoding: gbk\nfrobnicate: 1"),
            "key 'frobnicate': unknown key (allowed: allow_private, allowed_domains, articles, deny, encoding, "
            "feeds, follow, limits, name, politeness, refresh, requisites, sitemaps, start_urls, text, title)",
        ),
        (("delay: 0.5", "delay: soon"), "key 'politeness.delay': 'soon' is not of type 'number'"),
        (("max_depth: 2", "max_depth: -1"), "key 'limits.max_depth': -1 is less than the minimum of 0"),
        (
            ("articles: ['/a/\\d+\\.html$']", "articles: ['/a/(\\d+\\.html$']"),
            "key 'articles[0]': invalid regex '/a/(\\\\d+\\\\.html$': missing ), unterminated subpattern at position 3",
        ),
        (("name: town-news\n", ""), "key 'name': required key is missing"),
        (
            ("name: town-news", "name: Town News"),
            "key 'name': 'Town News' must be lowercase letters, digits, '-' or '_'",
        ),
        (
            ("[https://news.example.cn/]", "[news.example.cn]"),
            "key 'start_urls[0]': 'news.example.cn' is not an http(s) URL",
        ),
        (
            ("encoding: gbk", "encoding: klingon"),
            "key 'encoding': unknown encoding 'klingon' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("encoding: gbk", "encoding: rot13"),
            "key 'encoding': unknown encoding 'rot13' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("encoding: gbk", "encoding: undefined"),
            "key 'encoding': unknown encoding 'undefined' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("encoding: gbk", "encoding: utf-7"),
            "key 'encoding': unknown encoding 'utf-7' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("encoding: gbk", "encoding: base64"),
            "key 'encoding': unknown encoding 'base64' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("encoding: gbk", "encoding: idna"),
            "key 'encoding': unknown encoding 'idna' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("encoding: gbk", "encoding: replacement"),
            "key 'encoding': unknown encoding 'replacement' (use a WHATWG label such as gbk, gb18030, big5, shift_jis, euc-kr, windows-1251, utf-8)",
        ),
        (
            ("articles_after: 12h", "articles_after: soon"),
            "key 'refresh.articles_after': 'soon' is not a duration like 12h or 7d",
        ),
        (
            ("strip_annotations: never", "strip_annotations: maybe"),
            "key 'text.strip_annotations': 'maybe' is not one of ['auto', 'always', 'never']",
        ),
        (
            ("boilerplate_min_pages: 5", "extraction: quick"),
            "key 'text.extraction': 'quick' is not one of ['full', 'fast']",
        ),
    ],
)
def test_schema_error_is_one_line(tmp_path, change, expected):
    path = write(tmp_path, GOOD.replace(*change))
    assert error_of(path) == f"{path}: {expected}"


def test_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, GOOD + "start_urls: [unclosed\n")
    assert error_of(path) == f"{path}: line 13: invalid YAML: expected ',' or ']', but got '<stream end>'"


def test_not_a_mapping(tmp_path):
    path = write(tmp_path, "- just a list\n")
    assert error_of(path) == f"{path}: the file must be a YAML mapping of keys (see docs/seeds.md)"


def test_missing_file(tmp_path):
    assert (
        error_of(tmp_path / "nope.yaml")
        == f"{tmp_path / 'nope.yaml'}: cannot read seed file: No such file or directory"
    )


def test_duplicate_source_name(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(SeedError) as info:
        load_sources(tmp_path)
    assert (
        str(info.value)
        == f"{tmp_path / 'b.yaml'}: key 'name': duplicate source name 'town-news' (also in {tmp_path / 'a.yaml'})"
    )


def test_environment_variables_expand(tmp_path, monkeypatch):
    text = GOOD.replace("[https://news.example.cn/]", "['${TOWN_SITE:-https://fallback.example.cn}/']").replace(
        "allowed_domains: [news.example.cn]", "allowed_domains: [news.example.cn, fallback.example.cn, 127.0.0.1]"
    )
    path = write(tmp_path, text)
    assert load_source(path).start_urls == ("https://fallback.example.cn/",)
    monkeypatch.setenv("TOWN_SITE", "http://127.0.0.1:9999")
    assert load_source(path).start_urls == ("http://127.0.0.1:9999/",)
    path = write(tmp_path, text.replace(":-https://fallback.example.cn", ""))
    monkeypatch.delenv("TOWN_SITE")
    assert error_of(path) == f"{path}: environment variable TOWN_SITE is not set (use ${{TOWN_SITE:-default}})"


def test_every_shipped_seed_validates():
    sources = load_sources(ROOT / "seeds")
    assert {"people-bj", "wenming-qqhe", "gongyi-cq", "corp-smxwl", "blog-qtt-mirror"} <= set(sources)


def scrapy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_scrapy_list_shows_every_source():
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == sorted(p.stem and load_source(p).name for p in (ROOT / "seeds").glob("*.yaml"))


def test_scrapy_list_with_bad_seed_is_one_line(tmp_path):
    write(tmp_path, GOOD.replace("delay: 0.5", "delay: soon"))
    result = scrapy("list", "-s", f"SEEDS_DIR={tmp_path}")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {tmp_path / 'town.yaml'}: key 'politeness.delay': 'soon' is not of type 'number'\n"


def test_scrapy_crawl_unknown_source_is_one_line(tmp_path):
    write(tmp_path, GOOD)
    result = scrapy("crawl", "nope", "-s", f"SEEDS_DIR={tmp_path}")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"error: {tmp_path}: no source named 'nope' (known: town-news)"


def test_a_start_point_outside_allowed_domains_is_refused_in_one_line(tmp_path):
    path = write(tmp_path, GOOD.replace("[https://news.example.cn/]", "[https://www.example.cn/]"))
    assert error_of(path) == (
        f"{path}: key 'start_urls[0]': 'https://www.example.cn/': host 'www.example.cn' "
        "is not in allowed_domains ['news.example.cn']"
    )
    for key in ("feeds", "sitemaps"):
        path = write(tmp_path, GOOD + f"{key}: ['https://news.example.cn/a.xml', 'https://other.example.org/x.xml']\n")
        assert error_of(path) == (
            f"{path}: key '{key}[1]': 'https://other.example.org/x.xml': host "
            "'other.example.org' is not in allowed_domains ['news.example.cn']"
        )
    sub = write(tmp_path, GOOD.replace("[https://news.example.cn/]", "[https://m.news.example.cn/]"))
    assert load_source(sub).start_urls == ("https://m.news.example.cn/",)  # subdomains are in


def test_requisites_is_on_by_default_and_a_bool(tmp_path):
    assert load_source(write(tmp_path, GOOD)).requisites is True
    assert load_source(write(tmp_path, GOOD + "requisites: false\n")).requisites is False
    path = write(tmp_path, GOOD + "requisites: images\n")
    assert error_of(path) == f"{path}: key 'requisites': 'images' is not of type 'boolean'"
