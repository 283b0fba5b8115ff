"""The bundled demo site: content -> byte-exact resources, served by the real server subprocess."""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import socket
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import urlsplit

import pytest
import yaml

from crawler.demo.server import DemoServer
from crawler.demo.sitegen import (
    CONTENT_DIR,
    DemoContentError,
    annotate,
    build_site,
    expected_articles,
    load_content,
    mojibake,
)

ARTICLE_URL = re.compile(r"^/(news|wenming|gongyi|corp|blog)/\d{4}/\d{2}/\w+\.html$")
LIST_URL = re.compile(r"^/(news|wenming|gongyi|corp|blog)/(index|list_\d+)\.html$")
P = re.compile(r"<p>(?:　　)?(.*?)</p>")


@pytest.fixture(scope="module")
def site():
    return build_site()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with DemoServer() as url:
        yield url


def fetch(url: str, path: str, method: str = "GET", headers: dict | None = None):
    """One request on a fresh connection: (status, headers as a list, body bytes as sent)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def header(headers: list, name: str) -> str | None:
    values = [v for k, v in headers if k.lower() == name.lower()]
    return values[-1] if values else None


def article(path_prefix: str):
    return next(a for a in expected_articles() if a.path.startswith(path_prefix))


def body_paragraphs(html: str, container: str) -> list[str]:
    start = html.index(container)
    end = html.index("</td>" if container == 'id="zoom"' else "</div>", start)
    return [unescape(p) for p in P.findall(html[start:end])]


# -- content and build --------------------------------------------------------------------------


def test_build_is_deterministic_and_sorted(site):
    again = build_site()
    assert again == site
    assert list(site) == sorted(site)
    assert expected_articles() == expected_articles()


def test_at_least_seven_realistic_articles_per_sub_site():
    articles = expected_articles()
    assert len(articles) >= 35
    for name in ("news", "wenming", "gongyi", "corp", "blog"):
        assert sum(a.site == name for a in articles) >= 7, name
    for a in articles:
        assert ARTICLE_URL.match(a.path), a.path
        assert 3 <= len(a.paragraphs) <= 10, a.path
        assert all(40 <= len(p) <= 300 for p in a.paragraphs), a.path
    assert len({a.title for a in articles}) == len(articles)
    every = [p for a in articles for p in a.paragraphs]
    assert len(set(every)) == len(every)  # no sentence repeats: repeats are boilerplate


def test_url_shapes(site):
    articles = {a.path for a in expected_articles()}
    pages = {p for a in expected_articles() for p in a.pages}  # a multi-page article's other pages
    assert pages == {"/wenming/2023/10/t20231001_3290_1.html", "/wenming/2023/10/t20231001_3290_2.html"}
    assert {p for p in site if ARTICLE_URL.match(p)} == articles | pages
    assert {p for p in site if LIST_URL.match(p)} == {
        f"/{s}/{n}.html" for s in ("news", "wenming", "gongyi", "corp", "blog") for n in ("index", "list_2")
    }


def test_published_as_iso_8601():
    assert article("/news/2024/05/c_0506a").published == "2024-05-06T11:20:00+08:00"
    assert article("/wenming/2023/10/t20231008").published == "2023-10-08"
    assert article("/corp/2022/09/n0906").published == "2022-09-06"
    assert article("/blog/2024/03/community_fridge").author == "拾光"


def test_damage_is_recorded_and_applied(site):
    damaged = {a.path: a.damage for a in expected_articles() if a.damage}
    assert damaged == {
        "/news/2024/05/c_0510c.html": ("2:mojibake",),
        "/blog/2024/03/community_fridge.html": ("1:mojibake-lossy",),
        "/gongyi/2022/04/art_1219.html": ("1:lost-byte",),
        "/blog/2024/03/canteen_mirror.html": ("0:mojibake", "1:mojibake", "2:mojibake", "3:mojibake", "4:mojibake"),
        "/blog/2024/03/lunch_mirror.html": ("0:lost-byte-text", "2:mojibake", "3:lost-byte-text"),
    }
    news = article("/news/2024/05/c_0510c")
    clean = news.paragraphs[2]
    shown = body_paragraphs(site[news.path].body.decode("utf-8"), '<div class="article"')[2]
    assert shown == clean[:20] + mojibake(clean[20:32]) + clean[32:]
    assert shown[20:38].encode("gbk").decode("utf-8") == clean[20:32]  # this one is reversible
    blog = article("/blog/2024/03/community_fridge")
    shown = body_paragraphs(site[blog.path].body.decode("utf-8"), 'class="post-content"')[1]
    assert shown == mojibake(blog.paragraphs[1]) and "\ufffd" in shown


def test_lost_byte_shifts_a_gbk_run(site):
    expected = article("/gongyi/2022/04/art_1219")
    lossy = expected.paragraphs[1]
    at = lossy.index("\ufffd")
    clean = lossy[:at] + "参" + lossy[at + 1 :]
    run = clean.encode("gbk")
    cut = len(clean[:at].encode("gbk")) + 1
    body = site[expected.path].body
    assert run not in body and run[:cut] + run[cut + 1 :] in body
    assert clean not in body.decode("gbk", errors="replace")


def test_annotations_follow_the_sites_table():
    table = load_content()[1][0]["annotations"]
    assert table["團"] == "tuán"
    assert annotate("集團與北京(Beijing)", table) == "集團(tuán)與(yǔ)北京(Beijing)"
    annotated = [a for a in expected_articles() if a.annotated]
    assert len(annotated) == 4 and all(a.site == "corp" for a in annotated)
    assert all("(tuán)" not in p for a in annotated for p in a.paragraphs)


def test_bad_content_names_the_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("site: {name: x}\narticles: [{slug: nope}]\n", "utf-8")
    with pytest.raises(DemoContentError, match=r"broken\.yaml"):
        build_site(tmp_path)


# -- encodings and labels, through the real server ------------------------------------------------


def test_news_is_utf8_and_gzip(served, site):
    a = article("/news/2024/05/c_0506a")
    status, headers, raw = fetch(served, a.path)
    assert status == 200
    assert header(headers, "Content-Type") == "text/html; charset=utf-8"
    assert header(headers, "Content-Encoding") == "gzip"
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0"  # mtime 0: stable bytes
    html = gzip.decompress(raw).decode("utf-8")
    assert gzip.decompress(raw) == site[a.path].body
    assert '<meta charset="utf-8">' in html
    assert body_paragraphs(html, '<div class="article"') == list(a.paragraphs)
    for furniture in (
        "来源：青禾日报",
        "2024-05-06 11:20",
        "分享到：",
        "【<a",
        "责任编辑：陈一帆",
        "当前位置：",
        "相关阅读",
        "青禾新闻网版权所有",
    ):
        assert furniture in html


def test_news_related_list_has_own_truncated_first_line(site):
    a = article("/news/2024/05/c_0506a")
    html = site[a.path].body.decode("utf-8")
    related = html[html.index("相关阅读") : html.index("</ul>", html.index("相关阅读"))]
    assert 5 <= related.count("<li>") <= 8
    assert f'<a href="{a.path}">{a.paragraphs[0][:22]}…</a>' in related


def test_wenming_is_gbk_labelled_gb2312(served):
    a = article("/wenming/2023/10/t20231015")
    status, headers, raw = fetch(served, a.path)
    assert header(headers, "Content-Type") == "text/html; charset=gb2312"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' in raw
    assert "喆".encode("gbk") in raw and "堃".encode("gbk") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")  # the label's own codec cannot read the page
    html = raw.decode("gbk")
    assert body_paragraphs(html, 'id="zoom"') == list(a.paragraphs)
    assert "点击：2087" in html and "版权所有：" in html and "2023年10月15日" in html


def test_wrongly_labelled_gbk_pages(served):
    status, headers, raw = fetch(served, "/wenming/2023/10/t20231020_3342.html")
    assert header(headers, "Content-Type") == "text/html; charset=iso-8859-1"
    assert raw.decode("gbk").count("周三课堂") >= 2
    status, headers, raw = fetch(served, "/gongyi/2022/04/art_1226.html")
    assert header(headers, "Content-Type") == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert body_paragraphs(raw.decode("gbk"), 'id="content"') == list(article("/gongyi/2022/04/art_1226").paragraphs)


def test_gongyi_is_unlabelled_gbk_with_repeated_captions(served):
    a = article("/gongyi/2022/04/art_1204")
    status, headers, raw = fetch(served, a.path)
    assert header(headers, "Content-Type") == "text/html"
    assert b"charset" not in raw.lower()
    html = raw.decode("gbk")
    assert html.count(f'<p align="center" class="pic_text">{a.title}</p>') == 3
    assert [p for p in body_paragraphs(html, 'id="content"') if p != a.title] == list(a.paragraphs)
    assert "发布时间：2022-04-12" in html and "本网站所有内容未经授权禁止转载" in html
    assert fetch(served, "/gongyi/images/art_1204_1.gif")[2].startswith(b"GIF89a")


def test_corp_is_big5_label_cp950_bytes(served):
    plain = article("/corp/2022/09/n0913")
    status, headers, raw = fetch(served, plain.path)
    assert header(headers, "Content-Type") == "text/html; charset=big5"
    assert body_paragraphs(unescape(raw.decode("cp950")), 'class="news_content"') == list(plain.paragraphs)
    assert "(記者 王清和)" in plain.paragraphs[0]
    status, headers, raw = fetch(served, "/corp/2022/09/n0906.html")
    assert b"\xf9\xd8" in raw  # 裏: a cp950 (ETEN) extension, outside strict big5
    with pytest.raises(UnicodeDecodeError):
        raw.decode("big5")
    assert raw.decode("cp950") == raw.decode("big5hkscs")


def test_corp_annotated_page_shows_pinyin_and_keeps_real_parentheses(served):
    a = article("/corp/2022/09/n0928")
    table = load_content()[1][0]["annotations"]
    html = unescape(fetch(served, a.path)[2].decode("cp950"))
    shown = body_paragraphs(html, 'class="news_content"')
    assert shown == [annotate(p, table) for p in a.paragraphs]
    assert "集團(tuán)與(yǔ)一家總部位於北京(Beijing)" in shown[0]
    assert "發(fā)布時間(jiān):2022-09-28" in html and "點(diǎn)擊:1980" in html
    assert "北京(Beijing)" in a.paragraphs[0] and "(tuán)" not in a.paragraphs[0]


def test_blog_is_utf8_with_front_matter(served, site):
    a = article("/blog/2024/03/courier_diary")
    status, headers, raw = fetch(served, a.path)
    assert header(headers, "Content-Type") == "text/html; charset=utf-8"
    assert header(headers, "Transfer-Encoding") == "chunked"
    html = raw.decode("utf-8")
    assert raw == site[a.path].body
    assert body_paragraphs(html, 'class="post-content"') == list(a.paragraphs)
    assert "date: 2024-03-05 20:30:00" in html and "阅读次数：2391" in html


# -- HTTP behaviour -------------------------------------------------------------------------------


def test_revalidation_with_either_validator(served):
    status, headers, _ = fetch(served, "/news/2024/05/c_0512d.html")
    etag, modified = header(headers, "ETag"), header(headers, "Last-Modified")
    assert etag.startswith('"') and modified == "Sun, 12 May 2024 01:30:00 GMT"
    for conditional in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        status, headers, body = fetch(served, "/news/2024/05/c_0512d.html", headers=conditional)
        assert (status, body, header(headers, "ETag")) == (304, b"", etag)
    stale = {"If-None-Match": '"other"', "If-Modified-Since": modified}  # the ETag decides
    assert fetch(served, "/news/2024/05/c_0512d.html", headers=stale)[0] == 200
    older = {"If-Modified-Since": "Sat, 11 May 2024 00:00:00 GMT"}
    assert fetch(served, "/news/2024/05/c_0512d.html", headers=older)[0] == 200


def test_blog_chunked_framing_on_the_wire(served, site):
    parts = urlsplit(served)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GET /blog/feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, rest = raw.split(b"\r\n\r\n", 1)
    assert b"\r\nTransfer-Encoding: chunked" in head and b"Content-Length" not in head
    body, sizes = b"", []
    while True:
        line, rest = rest.split(b"\r\n", 1)
        size = int(line, 16)
        sizes.append(size)
        if size == 0:
            assert rest == b"\r\n"
            break
        body, rest = body + rest[:size], rest[size + 2 :]
    assert body == site["/blog/feed.xml"].body.replace(b"127.0.0.1:8000", f"127.0.0.1:{parts.port}".encode())
    assert len(sizes) > 2


def test_rss_lists_every_blog_article_but_list_pages_do_not(served):
    blog = {a.path for a in expected_articles() if a.site == "blog"}
    feed = ET.fromstring(fetch(served, "/blog/feed.xml")[2])
    links = [urlsplit(item.findtext("link")).path for item in feed.iter("item")]
    assert sorted(links) == sorted(blog)
    assert all(item.findtext("link").startswith(served) for item in feed.iter("item"))
    listed = {
        p
        for page in ("/blog/index.html", "/blog/list_2.html")
        for p in re.findall(r'href="(/blog/\d{4}/[^"]+)"', fetch(served, page)[2].decode().split('class="list"')[1])
    }
    assert listed < blog


def test_sitemap_lists_news_articles(served):
    status, headers, raw = fetch(served, "/news/sitemap.xml")
    assert header(headers, "Content-Type") == "application/xml"
    root = ET.fromstring(gzip.decompress(raw))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", ns)]
    assert sorted(locs) == sorted(a.path for a in expected_articles() if a.site == "news")


def test_robots_root_cookies_private_and_404(served):
    status, headers, body = fetch(served, "/robots.txt")
    assert (status, body) == (200, b"User-agent: *\nDisallow: /private/\n")
    status, headers, body = fetch(served, "/")
    assert [v for k, v in headers if k == "Set-Cookie"] == [
        "visitor=demo-7f3a; Path=/; HttpOnly",
        "lang=zh-CN; Path=/; Max-Age=86400",
    ]
    assert all(f'href="/{s}/index.html"' in body.decode() for s in ("news", "wenming", "gongyi", "corp", "blog"))
    assert b'href="/private/notice.html"' in fetch(served, "/wenming/list_2.html")[2]
    assert fetch(served, "/private/notice.html")[0] == 200
    assert fetch(served, "/no/such/page.html")[0] == 404


def test_head_sends_headers_only(served):
    status, headers, body = fetch(served, "/corp/index.html", method="HEAD")
    assert status == 200 and body == b""
    assert header(headers, "Content-Length") == str(len(fetch(served, "/corp/index.html")[2]))


def test_log_counts_bodies(tmp_path):
    log = tmp_path / "requests.log"
    with DemoServer(log=log) as url:
        etag = header(fetch(url, "/news/index.html")[1], "ETag")
        fetch(url, "/news/index.html", headers={"If-None-Match": etag})
        fetch(url, "/blog/index.html", method="HEAD")
        fetch(url, "/missing")
        gz = len(fetch(url, "/news/index.html")[2])
    lines = log.read_text("utf-8").splitlines()
    assert lines == [
        f"GET /news/index.html 200 {gz}",
        "GET /news/index.html 304 0",
        "HEAD /blog/index.html 200 0",
        "GET /missing 404 " + lines[3].split()[-1],
        f"GET /news/index.html 200 {gz}",
    ]
    assert sum(int(line.split()[-1]) > 0 for line in lines) == 3


def test_editing_content_while_running(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = "/news/2024/05/c_0508b.html"
    with DemoServer(content_dir=content) as url:
        status, headers, raw = fetch(url, path)
        old_etag = header(headers, "ETag")
        news = content / "news.yaml"
        text = news.read_text("utf-8").replace("平均年龄52岁", "平均年龄53岁")
        news.write_text(text, "utf-8")
        status, headers, new_raw = fetch(url, path, headers={"If-None-Match": old_etag})
        assert status == 200 and header(headers, "ETag") != old_etag
        assert "平均年龄53岁" in gzip.decompress(new_raw).decode("utf-8")
        assert "平均年龄52岁" in gzip.decompress(raw).decode("utf-8")


def test_server_stops_even_when_the_block_raises():
    server = DemoServer()
    with pytest.raises(ZeroDivisionError):
        with server as url:
            proc = server.proc
            assert fetch(url, "/")[0] == 200
            1 / 0  # noqa: B018  (an error inside the block: the server must stop all the same)
    assert proc.poll() is not None and server.proc is None


# -- the generated channel (crawler/demo/bulk.py) ------------------------------------------------


def bulk_site(tmp_path, **spec):
    (tmp_path / "big.yaml").write_text(yaml.safe_dump({"bulk": {"name": "big", **spec}}), "utf-8")
    return build_site(tmp_path)


def test_a_bulk_channel_grows_as_a_site_does(tmp_path):
    before = bulk_site(tmp_path, articles=1000, per_page=4)
    after = bulk_site(tmp_path, articles=1020, per_page=4, changed=[7])
    articles = lambda site: {p: r for p, r in site.items() if re.match(r"^/big/\d{4}/\d{2}/c_\d+\.html$", p)}
    lists = lambda site: sorted(p for p in site if re.match(r"^/big/(index|list_\d+)\.html$", p))
    assert (len(articles(before)), len(lists(before))) == (1000, 250)
    assert (len(articles(after)), len(lists(after))) == (1020, 255)
    # an added article changes no other article's bytes; an edited one changes its own (and its ETag)
    same = [p for p, r in articles(before).items() if after[p].body == r.body]
    assert sorted(set(articles(before)) - set(same)) == ["/big/2024/01/c_7.html"]
    assert after["/big/2024/01/c_7.html"].etag != before["/big/2024/01/c_7.html"].etag
    # every list page shifts by the new articles: the newest come first
    assert all(after[p].body != before[p].body for p in lists(before))
    assert "/big/2024/02/c_1019.html" in after["/big/index.html"].body.decode()
    assert "/big/2024/01/c_0.html" in after["/big/list_255.html"].body.decode()


def test_bad_bulk_content_names_the_file(tmp_path):
    (tmp_path / "big.yaml").write_text("bulk: {name: big, articles: 0}\n", "utf-8")
    with pytest.raises(DemoContentError, match=r"big\.yaml: bad demo content"):
        build_site(tmp_path)


def test_the_repair_showcase_is_valid_utf8_with_each_chain_baked_in(site):
    """blog-repair.yaml: a span of each chain and 003-style lost bytes, in the text of UTF-8 pages."""
    from crawler.demo.sitegen import CHAINS, lost_byte_text

    chains = article("/blog/2024/03/canteen_mirror")
    shown = body_paragraphs(site[chains.path].body.decode("utf-8"), 'class="post-content"')
    spans = [
        ("gbk-as-big5", 20, 30),
        ("utf8-as-gbk", 32, 42),
        ("gbk-as-cp1252", 4, 16),
        ("utf8-as-cp1252", 31, 37),
        ("utf8-twice", 16, 26),
    ]
    for got, clean, (chain, start, end) in zip(shown, chains.paragraphs, spans):
        assert got == clean[:start] + CHAINS[chain](clean[start:end]) + clean[end:], chain
    lost = article("/blog/2024/03/lunch_mirror")
    shown = body_paragraphs(site[lost.path].body.decode("utf-8"), 'class="post-content"')
    at = lost.paragraphs[0].index("\ufffd")
    clean = lost.paragraphs[0][:at] + "出" + lost.paragraphs[0][at + 1 :]
    assert shown[0] == lost_byte_text(clean, at) != clean
