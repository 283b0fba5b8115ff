"""The continuation-page finder (crawler/text/continuation.py) on each page-bar style Chinese CMSs
use, and on each link that looks like a next page and is not one. Markup written for these tests."""

from __future__ import annotations

from crawler.text.continuation import MAX_PAGES, Pages, find, key

H = "http://news.example.cn"


def page(body: str, script: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>标题</title></head><body><div class='nav'>"
        f"<a href='/'>首页</a><a href='/sh/index.htm'>社会</a></div><h1>标题</h1><div id='content'>"
        f"<p>正文第一段，内容足够长，说明事情的经过。</p></div>{body}"
        f"{f'<script>{script}</script>' if script else ''}</body></html>"
    )


def test_trs_page_bar_counts_from_zero():
    url = f"{H}/sh/202405/t20240506_3301.htm"
    bar = (
        "<div class='page'><span>1</span> <a href='t20240506_3301_1.htm'>2</a> "
        "<a href='t20240506_3301_2.htm'>3</a> <a href='t20240506_3301_1.htm'>下一页</a> "
        "<a href='t20240506_3301_2.htm'>尾页</a></div>"
    )
    assert find(url, page(bar)) == Pages(
        url, (f"{H}/sh/202405/t20240506_3301_1.htm", f"{H}/sh/202405/t20240506_3301_2.htm")
    )
    second = f"{H}/sh/202405/t20240506_3301_1.htm"
    bar2 = (
        "<div class='page'><a href='t20240506_3301.htm'>上一页</a> <a href='t20240506_3301.htm'>1</a> <span>2</span> "
        "<a href='t20240506_3301_2.htm'>3</a> <a href='t20240506_3301_2.htm'>下一页</a></div>"
    )
    assert find(second, page(bar2)) == Pages(url, (second, f"{H}/sh/202405/t20240506_3301_2.htm"), continuation=True)


def test_trs_count_only_in_create_page_html_with_var_arguments():
    url = f"{H}/sh/202405/content_7788.htm"
    script = (
        "var currentPage = 0;//所在页从0开始\nvar countPage = 4//共多少页\n"
        'createPageHTML(countPage, currentPage, "content_7788", "htm");'
    )
    found = find(url, page("<div id='pagenav'></div>", script))
    assert found == Pages(url, tuple(f"{H}/sh/202405/content_7788_{i}.htm" for i in (1, 2, 3)))
    third = f"{H}/sh/202405/content_7788_2.htm"
    found = find(third, page("", 'createPageHTML(4, 2, "content_7788", "htm");'))
    assert found == Pages(url, found.pages, continuation=True) and len(found.pages) == 3


def test_shtml_with_next_page_only():
    url = f"{H}/gn/2024/0506/abc.shtml"
    assert find(url, page("<p><a href='abc_2.shtml'>下一页</a></p>")) == Pages(url, (f"{H}/gn/2024/0506/abc_2.shtml",))
    second = f"{H}/gn/2024/0506/abc_2.shtml"
    found = find(second, page("<p><a href='abc.shtml'>上一页</a> <a href='abc_3.shtml'>下一页</a></p>"))
    assert found == Pages(url, (second, f"{H}/gn/2024/0506/abc_3.shtml"), continuation=True)


def test_dash_suffix_with_numbers_and_total():
    url = f"{H}/a/2024/12345.html"
    bar = "<div class='pages'>共4页 <b>1</b> <a href='12345-2.html'>2</a> <a href='12345-2.html'>下页</a></div>"
    assert find(url, page(bar)) == Pages(url, tuple(f"{H}/a/2024/12345-{i}.html" for i in (2, 3, 4)))


def test_query_page_parameter():
    url = f"{H}/content/show.php?id=57"
    bar = (
        "<div class='pagination'><a href='show.php?id=57&amp;page=1'>1</a> <a href='show.php?id=57&amp;page=2'>2</a> "
        "<a href='show.php?id=57&amp;page=3'>3</a> <a href='show.php?id=57&amp;page=2'>下一页</a></div>"
    )
    assert find(url, page(bar)) == Pages(url, (f"{url}&page=2", f"{url}&page=3"))
    found = find(f"{url}&page=3", page(bar.replace("page=2'>下一页", "page=2'>上一页")))
    assert found == Pages(url, (f"{url}&page=2", f"{url}&page=3"), continuation=True)
    plain = f"{H}/a/post.html"
    assert find(plain, page("<a href='post.html?page=2'>2</a> <a href='post.html?page=2'>下一页</a>")) == Pages(
        plain, (f"{plain}?page=2",)
    )


def test_gaps_in_the_bar_are_filled_up_to_the_last_page():
    url = f"{H}/sh/t1_99.htm"
    bar = (
        "<a href='t1_99_1.htm'>2</a> <a href='t1_99_2.htm'>3</a> … <a href='t1_99_7.htm'>8</a> "
        "<a href='t1_99_7.htm'>尾页</a>"
    )
    assert find(url, page(bar)).pages == tuple(f"{H}/sh/t1_99_{i}.htm" for i in range(1, 8))


def test_single_page_version():
    url = f"{H}/gn/abc.shtml"
    found = find(url, page("<a href='abc_2.shtml'>下一页</a> <a href='abc_all.shtml'>在本页阅读全文</a>"))
    assert found == Pages(url, (f"{H}/gn/abc_2.shtml",), single=f"{H}/gn/abc_all.shtml")
    php = f"{H}/show.php?id=8"
    found = find(php, page("<a href='show.php?id=8&amp;page=2'>2</a> <a href='show.php?id=8&amp;page=all'>全文</a>"))
    assert found == Pages(php, (f"{php}&page=2",), single=f"{php}&page=all")


def test_at_most_max_pages():
    url = f"{H}/sh/t2_1.htm"
    found = find(url, page("", 'createPageHTML(80, 0, "t2_1", "htm");'))
    assert len(found.pages) == MAX_PAGES - 1 and found.pages[-1] == f"{H}/sh/t2_1_{MAX_PAGES - 1}.htm"


def test_previous_and_next_article_are_never_pages():
    url = f"{H}/sh/content_124.htm"
    nav = "<div class='page_nav'>上一篇：<a href='content_123.htm'>前文</a> <a href='content_124_1.htm'>下一篇：后文</a></div>"
    assert find(url, page(nav)) is None


def test_comment_pagination_is_not_the_article():
    url = f"{H}/content/show.php?id=57"
    comments = (
        "<div class='comment-list'><p>网友评论</p><a href='show.php?id=57&amp;page=2'>2</a> "
        "<a href='show.php?id=57&amp;page=2'>下一页</a></div>"
    )
    assert find(url, page(comments)) is None


def test_list_page_pagination_is_not_an_article():
    assert find(f"{H}/sh/index.htm", page("<a href='index_1.htm'>2</a> <a href='index_1.htm'>下一页</a>")) is None
    assert find(f"{H}/sh/index_1.htm", page("<a href='index.htm'>1</a> <a href='index_2.htm'>3</a>")) is None
    url = f"{H}/sh/202405/t20240506_1.htm"
    side = "<div class='list'><a href='/sh/list_2.html'>2</a> <a href='/sh/list_2.html'>下一页</a></div>"
    assert find(url, page(side)) is None


def test_epaper_next_article_links():
    url = f"{H}/paper/html/2024-05/06/content_1001_37.htm"
    nav = "<a href='content_1001_36.htm'>上一页</a> <a href='content_1001_38.htm'>下一页</a> <a href='node_3.htm'>版面导航</a>"
    assert key(url).first == f"{H}/paper/html/2024-05/06/content_1001.htm"
    assert find(url, page(nav)) is None


def test_next_page_to_another_host_or_stem():
    url = f"{H}/gn/abc.shtml"
    assert find(url, page("<a href='http://other.example.cn/gn/abc_2.shtml'>下一页</a>")) is None
    assert find(url, page("<a href='abd_2.shtml'>下一页</a> <a href='abd_2.shtml'>2</a>")) is None
    assert find(url, page("<a href='/gn/2024/abc_2.shtml'>下一页</a>")) is None


def test_a_single_page_article_is_none():
    assert find(f"{H}/gn/abc.shtml", page("<a href='abc_2.shtml'>相关新闻：另一件事</a>")) is None
    assert find(f"{H}/gn/abc.shtml", "") is None


def test_page_one_with_a_suffix_too():
    url = f"{H}/html/2024/show-12-345-1.html"
    bar = (
        "<div class='pages'><span>1</span> <a href='show-12-345-2.html'>2</a> <a href='show-12-345-3.html'>3</a></div>"
    )
    assert find(url, page(bar)) == Pages(
        url, (f"{H}/html/2024/show-12-345-2.html", f"{H}/html/2024/show-12-345-3.html")
    )
    second = f"{H}/html/2024/show-12-345-2.html"
    found = find(second, page("<a href='show-12-345-1.html'>1</a> <span>2</span> <a href='show-12-345-3.html'>3</a>"))
    assert found.continuation and found.pages == (second, f"{H}/html/2024/show-12-345-3.html")


def test_labels_in_brackets_and_arrows():
    url = f"{H}/gn/abc.shtml"
    assert find(url, page("<a href='abc_2.shtml'>【下一页】</a>")) == Pages(url, (f"{H}/gn/abc_2.shtml",))
    assert find(url, page("<a href='abc_2.shtml'>下一页&gt;&gt;</a>")) == Pages(url, (f"{H}/gn/abc_2.shtml",))
    assert find(url, page("<a href='abc_2.shtml'>[2]</a> <a href='abc_3.shtml'>[3]</a>")) == Pages(
        url, (f"{H}/gn/abc_2.shtml", f"{H}/gn/abc_3.shtml")
    )
    assert find(url, page("<a href='abc_2.shtml'>&raquo;</a>")) == Pages(url, (f"{H}/gn/abc_2.shtml",))
