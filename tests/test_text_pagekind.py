"""Page kinds: which captures at an article's address are not the article (crawler.text.pagekind).

Every page here is our own markup, built the way Chinese CMS templates are: site header, menu,
breadcrumbs, a sidebar of headlines and a footer with the site's registration lines around
whatever the page says.
"""

from __future__ import annotations

import pytest

from crawler.text.pagekind import (
    ARTICLE,
    ERROR,
    GONE,
    LITTLE_TEXT,
    MOVED,
    NOTICE,
    REDIRECT_ERROR,
    REDIRECT_HOME,
    REDIRECT_LIST,
    WALL,
    PageKind,
    classify,
    quick_text,
    redirect_kind,
    wall_in_payload,
    wall_reason,
)

URL = "http://www.qinghe.example/news/2024/06/t20240611_5521.html"
FOOTER = (
    "<div class='footer'><p>主办：青禾市人民政府办公室　承办：青禾市大数据中心　网站标识码：3301000042</p>"
    "<p>青ICP备10000001号-3　青公网安备 33010202000101号　联系电话：0571-86000000　地址：青禾市解放路1号</p></div>"
)
SIDEBAR = (
    "<div class='side'><h3>热点排行</h3><ul>"
    + "".join(
        f"<li><a href='/news/2024/06/t2024060{i}_1.html'>第{i}条热点新闻的标题，写得足够长以便占满一行</a></li>"
        for i in range(1, 9)
    )
    + "</ul></div>"
)
HEAD = (
    "<div class='header'><a href='/'>青禾新闻网</a><div class='nav'><a href='/'>首页</a><a href='/news/'>要闻</a>"
    "<a href='/city/'>城市</a></div></div><div class='crumb'>当前位置：<a href='/'>首页</a> &gt; 正文</div>"
)
STORY = (
    "青禾市今年启动老旧小区改造三十二个，涉及居民一万两千余户。改造内容包括更换供水管网、加装电梯、整治停车秩序和增设充电桩，"
    "工程计划在十月底前全部完工。市住建局表示，每个小区开工前都召开居民议事会，改造方案经三分之二以上住户同意后才实施。"
    "在已经完工的东门社区，六栋楼加装了电梯，楼下的空地改成了小花园和晾晒区，居民们说出门方便多了，邻里之间的走动也多了。"
)


def page(title: str, main: str, head: str = "", extra_body: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"{HEAD}<div class='main'>{main}</div>{SIDEBAR}{extra_body}{FOOTER}</body></html>"
    )


def article(title: str, paragraphs: list[str], extra_body: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return page(
        f"{title}_青禾新闻网",
        f"<h1>{title}</h1><div class='info'>2024-06-11 09:30 来源：青禾日报</div>{body}",
        extra_body=extra_body,
    )


@pytest.mark.parametrize(
    ("title", "main", "marker"),
    [
        (
            "页面不存在_青禾新闻网",
            "<div class='notfound'><p>很抱歉，您访问的页面不存在！</p><p><a href='/'>返回首页</a></p></div>",
            "页面不存在",
        ),
        ("青禾新闻网", "<h2>提示信息</h2><p>该文章已下线。</p>", "该文章已下线"),
        ("提示", "<p>该内容已被发布者删除</p>", "内容已被发布者删除"),
        ("温馨提示", "<p>此内容因违规无法查看</p>", "内容因违规无法查看"),
        ("出错了", "<p>抱歉，您要找的页面走丢了，可能已被删除或移动。</p>", "页面走丢"),
        ("青禾新闻网", "<p>对不起，该信息已删除或不存在。</p>", "信息已删除"),
    ],
)
def test_removal_notices_with_the_site_template_around_them(title, main, marker):
    found = classify(URL, 200, None, page(title, main))
    assert found == PageKind(NOTICE, marker)
    assert found.removal == NOTICE


def test_a_404_page_with_recommended_articles_is_a_notice():
    recommended = (
        "<div class='tuijian'><h3>为您推荐</h3><ul>"
        + "".join(
            f"<li><a href='/news/2024/06/t2024061{i}_{i}.html'>推荐阅读：青禾市第{i}批民生实事项目全部开工，涉及教育医疗养老多个领域</a></li>"
            for i in range(10)
        )
        + "</ul></div>"
    )
    html = page("404 - 青禾新闻网", f"<div class='err'><b>抱歉</b>，找不到这个页面。</div>{recommended}")
    assert classify(URL, 200, None, html) == PageKind(NOTICE, "404")


def test_404_in_the_title_counts_only_in_the_title_or_headings():
    assert (
        classify(URL, 200, None, page("Not Found", "<p>The requested URL was not found on this server.</p>")).kind
        == NOTICE
    )
    assert classify(URL, 200, None, page("404 错误", "<p>返回<a href='/'>首页</a></p>")).kind == NOTICE
    brief = page("404路公交线路调整", "<h1>404路公交线路调整</h1><p>6月15日起，404路公交车调整部分站点。</p>")
    assert classify(URL, 200, None, brief).kind == ARTICLE  # a number in a headline, not a status
    assert classify(URL, 200, None, page("青禾新闻网", "<p>本次考试共有404名考生缺考。</p>")).kind == ARTICLE


def test_an_article_about_a_deletion_stays_an_article():
    paragraphs = [
        "网信部门通报，一批发布不实信息的账号已被删除，相关平台的帖子也已被删除或下线。",
        STORY,
        "通报说，今后凡是被删除的违规内容，平台都要留存记录，不得换个账号重新发布。页面不存在的链接也要及时清理。",
    ]
    assert classify(URL, 200, None, article("平台通报：违规帖子已被删除 账号已下线", paragraphs)) == PageKind(ARTICLE)


def test_an_article_with_verification_scripts_and_a_js_redirect_stays_an_article():
    scripts = (
        "<script>document.cookie='visited=1';if(/Mobile/.test(navigator.userAgent)){location.href='/m/';}</script>"
        "<noscript>请开启JavaScript以获得更好的阅读体验</noscript>"
    )
    html = article("青禾市老旧小区改造全面开工", [STORY, STORY[::-1]], extra_body=scripts)
    assert classify(URL, 200, None, html) == PageKind(ARTICLE)
    assert wall_reason(200, html) is None


def test_a_short_page_without_markers_is_left_to_the_text_steps():
    assert classify(URL, 200, None, page("简讯", "<p>本周六上午九点，东门社区开展义诊。</p>")) == PageKind(ARTICLE)


@pytest.mark.parametrize(
    ("status", "title", "main", "evidence"),
    [
        (200, "访问验证", "<p>访问验证</p><p>请开启JavaScript并刷新该页。</p>", "访问验证"),
        (200, "安全验证 - 青禾新闻网", "<p>请拖动下方滑块完成验证</p><div id='captcha'></div>", "安全验证"),
        (200, "提示", "<p>您的访问过于频繁，请稍后再试。</p>", "访问过于频繁"),
        (200, "青禾新闻网", "<p>系统检测到您的网络环境异常，请输入验证码继续访问。</p>", "环境异常"),
        (403, "403 Forbidden", "<p>网站防火墙：您的请求带有不合法参数，已被拦截。</p>", "网站防火墙"),
    ],
)
def test_walls_and_verification_pages(status, title, main, evidence):
    html = page(title, main)
    assert classify(URL, status, None, html) == PageKind(WALL, evidence)
    assert wall_reason(status, html) == evidence
    assert classify(URL, status, None, html).removal is None


@pytest.mark.parametrize("status", [521, 412, 202, 200])
def test_javascript_cookie_challenges(status):
    html = (
        "<html><body><script>var x=function(){document.cookie='__jsl_clearance=1700000000.1|0|abc;max-age=3600;path=/';"
        "location.href=location.pathname+location.search};setTimeout(x,1500)</script></body></html>"
    )
    found = classify(URL, status, None, html)
    assert found.kind == WALL
    assert wall_reason(status, html) == found.evidence
    assert wall_in_payload(status, html.encode(), "text/html") == found.evidence


def test_a_521_or_412_with_any_script_and_no_text_is_a_wall_a_plain_5xx_an_error():
    obfuscated = "<html><script>eval(function(p,a,c,k,e,d){return p}('0 1',2,2,'a|b'.split('|')))</script></html>"
    assert classify(URL, 521, None, obfuscated).kind == WALL
    assert classify(URL, 412, None, obfuscated).kind == WALL
    assert classify(URL, 500, None, "<html><body><h1>Internal Server Error</h1></body></html>") == PageKind(
        ERROR, "http-500"
    )
    assert classify(URL, 502, None, None) == PageKind(ERROR, "http-502")
    assert wall_reason(500, "<html><body><h1>Internal Server Error</h1></body></html>") is None


@pytest.mark.parametrize("status", [404, 410, 451])
def test_gone_statuses(status):
    found = classify(URL, status, None, article("正文照样返回", [STORY]))
    assert found == PageKind(GONE, f"http-{status}")
    assert found.removal == f"http-{status}"


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("/", REDIRECT_HOME),
        ("http://www.qinghe.example", REDIRECT_HOME),
        ("https://www.qinghe.example/index.shtml", REDIRECT_HOME),
        ("/default.aspx?from=old", REDIRECT_HOME),
        ("/news/", REDIRECT_LIST),
        ("../index.html", REDIRECT_LIST),
        ("/news/index_2.html", REDIRECT_LIST),
        ("/404.html", REDIRECT_ERROR),
        ("/error/notfound.htm", REDIRECT_ERROR),
        ("/tips.php?type=error&code=1", REDIRECT_ERROR),
        ("/404/", REDIRECT_ERROR),
        ("/news/show.php?id=7&code=404", REDIRECT_ERROR),
        ("/news/2024/06/t20240611_5521_1.html", MOVED),
        ("/content/404.html", MOVED),
        ("/news/show.php?id=404", MOVED),
        ("https://m.qinghe.example/a/5521", MOVED),
    ],
)
def test_redirect_targets(target, kind):
    assert redirect_kind(URL, target) == kind
    assert classify(URL, 302, target, None).kind == kind
    assert classify(URL, 301, target, "").removal == (kind if kind != MOVED else None)


def test_a_list_page_by_the_sources_follow_rule():
    assert redirect_kind(URL, "/channel/ld.php?cid=7") == MOVED
    assert redirect_kind(URL, "/channel/ld.php?cid=7", lambda u: "ld.php" in u) == REDIRECT_LIST


def test_a_redirect_to_itself_is_a_challenge_and_a_3xx_without_location_an_error():
    assert classify(URL, 302, URL, None).kind == WALL
    assert classify(URL, 302, None, None) == PageKind(ERROR, "http-302")


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<html><head><meta http-equiv='refresh' content='0;url=/'></head><body></body></html>", REDIRECT_HOME),
        (
            '<html><head><meta http-equiv="Refresh" content="3; URL=/news/index.html"></head>'
            "<body><p>正在跳转……</p></body></html>",
            REDIRECT_LIST,
        ),
        ("<html><body><script>alert('该信息不存在或已删除');location.href='/';</script></body></html>", REDIRECT_HOME),
        ('<script language=javascript>window.location.replace("/error.html")</script>', REDIRECT_ERROR),
        ("<html><body><script>top.location='/news/2024/06/t20240612_5530.html'</script></body></html>", MOVED),
    ],
)
def test_meta_refresh_and_javascript_redirects_in_an_otherwise_empty_page(html, kind):
    assert classify(URL, 200, None, html).kind == kind


def test_a_notice_that_also_redirects_is_a_notice():
    html = page(
        "页面不存在", "<p>您访问的页面不存在，5秒后返回首页。</p>", head="<meta http-equiv='refresh' content='5;url=/'>"
    )
    assert classify(URL, 200, None, html).kind == NOTICE


def test_the_threshold_is_text_of_the_page_own_not_links_or_furniture():
    filler = "<p>" + "字" * (LITTLE_TEXT - 20) + "</p>"
    assert classify(URL, 200, None, page("页面不存在", f"<p>页面不存在</p>{filler}")).kind == NOTICE
    assert classify(URL, 200, None, page("页面不存在", f"<p>页面不存在</p>{filler}{filler}")).kind == ARTICLE


def test_quick_text_reads_the_declared_charset_and_falls_back_to_gb18030():
    html = (
        "<html><head><meta charset='gbk'><title>访问验证</title></head><body>请开启JavaScript并刷新该页</body></html>"
    )
    assert quick_text(html.encode("gbk"), None) == html
    assert quick_text(html.encode("gbk"), "text/html") == html  # no label in the header: the meta's
    assert quick_text("<p>访问验证</p>".encode("gbk"), None) == "<p>访问验证</p>"  # no label: not UTF-8, GB18030
    assert wall_in_payload(200, html.encode("gbk"), "text/html; charset=GB2312") == "访问验证"


def test_an_article_in_a_container_named_like_furniture_is_still_long():
    paragraphs = "".join(f"<p>{STORY}</p>" for _ in range(5))
    html = page(
        "三千条违规帖子已被删除", f"<div class='side-content'><h1>三千条违规帖子已被删除</h1>{paragraphs}</div>"
    )
    assert classify(URL, 200, None, html) == PageKind(ARTICLE)


@pytest.mark.parametrize("status", [200, 202, 403, 503])
@pytest.mark.parametrize(
    "html",
    [
        article("老旧小区改造进展", [STORY] * 3, extra_body="<script>document.cookie='a=1';location.reload()</script>"),
        article("访问验证不是这篇文章的全部", [STORY, STORY]),
        page("页面不存在_青禾新闻网", "<p>很抱歉，您访问的页面不存在！</p>"),
        page("访问验证", "<p>请完成验证后继续访问</p>"),
        page("简讯", "<p>本周六上午九点，东门社区开展义诊。</p>"),
        page("跳转", "<p>正在跳转</p>", head="<meta http-equiv='refresh' content='0;url=/'>"),
        "<div><p>" + STORY + "</p><p>访问验证</p></div>",  # a fragment: its tree is not the document's
    ],
)
def test_the_callers_tree_gives_the_same_kind(html, status):
    import lxml.html

    from crawler.text.extract import parse_html

    for tree in (lxml.html.fromstring(html), parse_html(html)):
        before = lxml.html.tostring(tree)
        assert classify(URL, status, None, html, tree=tree) == classify(URL, status, None, html)
        assert lxml.html.tostring(tree) == before
