"""Bylines are text, not markup (crawler/text/byline.py): entities decoded, fields split."""

from __future__ import annotations

import pytest

from crawler.text import derive
from crawler.text.byline import fields
from crawler.text.model import Capture, TextOptions

PAGE = """<html><head><meta charset="utf-8"><title>{title_html}_示例新闻网</title></head><body>
<div class="nav"><a href="/">首页</a></div><div class="article"><h1>{title_html}</h1>
<div class="info">{byline}</div>
<p>五月六日上午，示例街道在社区服务中心举办便民服务活动，志愿者为居民提供理发、量血压和家电维修等服务。</p>
<p>活动现场排起了长队，不少老人一早就赶来，工作人员说，这样的活动今后每个月都会举办一次。</p>
<p>街道负责人介绍，今年以来已经组织类似活动十二场，服务居民超过三千人次，受到大家的欢迎。</p>
</div></body></html>"""

BYLINES = {
    "nbsp": "2025-05-06 08:30&nbsp;&nbsp;来源：新华网&nbsp;&nbsp;作者：王小明",
    "spaces": "2025-05-06 08:30 来源：新华网  作者：王小明  编辑：李华",
    "pipes": "2025-05-06 08:30 | 来源：新华网 | 作者：王小明 | 编辑：李华",
    "full-width": "2025-05-06 08:30\u3000来源：新华网\u3000记者：王小明\u3000编辑：李华",
    "nothing-between": "来源：新华网作者：王小明编辑：李华 2025-05-06 08:30",
    "spans": "<span>2025-05-06 08:30</span><span>来源：新华网</span><span>作者：王小明</span>",
    "escaped-twice": "2025-05-06 08:30 来源：新华网&amp;nbsp;&amp;nbsp;作者：王小明",
}
TITLES = {
    "plain": ("街道举办便民服务活动", "街道举办便民服务活动"),
    "ampersand-quotes": ("街道&amp;社区：&quot;便民&quot;服务 {活动} &#8220;开张&#8221;", "街道&社区：\"便民\"服务 {活动} “开张”"),
}


@pytest.mark.parametrize("title", sorted(TITLES))
@pytest.mark.parametrize("byline", sorted(BYLINES))
def test_origin_and_author_are_split_whatever_separates_them(byline, title):
    title_html, title_text = TITLES[title]
    html = PAGE.format(title_html=title_html, byline=BYLINES[byline])
    capture = Capture("http://news.example.cn/2025/05/a1.html", 200, (("Content-Type", "text/html; charset=utf-8"),),
                      html.encode("utf-8"), "2025-05-07T00:00:00Z", "news")
    doc = derive(capture, TextOptions())
    assert (doc.title, doc.author, dict(doc.meta).get("origin"), doc.published) == (
        title_text, "王小明", "新华网", "2025-05-06T08:30:00+08:00")


def test_fields_of_byline_lines():
    assert fields("来源：人民日报（海外版）｜作者：张三、李四") == {"origin": "人民日报（海外版）", "author": "张三、李四"}
    assert fields("【来源：新华网】") == {"origin": "新华网"}
    assert fields("来源：新华网&nbsp;作者：王小明") == {"origin": "新华网", "author": "王小明"}
    assert fields("记者 王小明 摄影：赵六") == {"author": "王小明"}
    assert fields("责任编辑：李华") == {}
    assert fields("来源：新华网丨作者：王小明") == {"origin": "新华网", "author": "王小明"}
    assert fields("来源：新华网·作者：王小明") == {"origin": "新华网", "author": "王小明"}
    assert fields("来源：新华社·客户端 作者：王小明") == {"origin": "新华社·客户端", "author": "王小明"}
