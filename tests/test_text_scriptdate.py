"""A page that shows only a relative day is dated by its scripts' publish-time variable, strictly
(crawler/text/scriptdate.py)."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.text import derive
from crawler.text.model import Capture, TextOptions
from crawler.text.scriptdate import script_date

WARC = "2024-06-01T00:00:00Z"


def _tree(*scripts: str, body: str = "<p>正文</p>"):
    return lxml.html.fromstring(
        "<html><head>" + "".join(f"<script>{s}</script>" for s in scripts) + f"</head><body>{body}</body></html>"
    )


@pytest.mark.parametrize(
    ("script", "date"),
    [
        ('var ct = "1714953600";', "2024-05-06T08:00:00+08:00"),  # unix seconds, 00:00 UTC
        ('var ct = "1714924800";', "2024-05-06T00:00:00+08:00"),  # 16:00 UTC the day before: China's day
        ("window.cfg = {publish_time: '2024-05-06 10:30:00', title: 'x'};", "2024-05-06T10:30:00+08:00"),
        ('var createTime = "2024-05-06";', "2024-05-06"),
        ('{"pubDate": 1714953600000}', "2024-05-06T08:00:00+08:00"),  # milliseconds
        ("var publishdate = '2024-5-6T09:05';", "2024-05-06T09:05:00+08:00"),
        ('var ct = "1714953600"; var publish_time = "2024-05-06" || "";', "2024-05-06T08:00:00+08:00"),
    ],
)
def test_a_publish_time_variable_dates_the_page(script, date):
    assert script_date(_tree(script), WARC) == date


@pytest.mark.parametrize(
    "scripts",
    [
        ['var ct = "1717200001";'],  # one second after the capture
        ['var ct = "1717286400";'],  # the day after the capture
        ["var publish_time = '2024-06-02';"],
        ['var ct = "788918399";'],  # before 1995: a counter, not a date
        ['var ct = "0";', "var ct = 12;"],
        ['var comments = [{createTime: "1714953600"}, {createTime: "1715040000"}];'],  # two days: none
        ['var ct = "1714953600";', 'var publish_time = "2024-05-01";'],
        ['var act = "1714953600"; obj.ct = "1714953600";'],  # another name, a property of something
        ['var cta = "1714953600"; var ctime = "1714953600";'],
        ['var ct = "17149536001234";'],  # 14 digits: no time
        [],
    ],
)
def test_no_date_unless_the_scripts_agree_on_a_plausible_one(scripts):
    assert script_date(_tree(*scripts), WARC) is None


def test_a_variable_outside_scripts_is_not_read():
    tree = _tree(body='<p>var ct = "1714953600";</p><em id="publish_time">昨天</em>')
    assert script_date(tree, WARC) is None


PARAS = [
    "三星今天凌晨在旧金山举行发布会，正式发布了新一代旗舰手机，包括三款不同尺寸的新机。",
    "新机的屏幕刷新率提高到一百二十赫兹，后置摄像头最高一亿像素，支持八倍变焦和八千视频录制。",
    "国行版本的价格和上市时间将在下周公布，首批备货主要面向线上渠道，线下门店随后陆续开售。",
    "业内人士认为，今年的旗舰手机市场竞争会更加激烈，各家厂商都在影像和续航上加大了投入。",
]


def test_derive_dates_a_page_that_shows_only_yesterday():
    html = (
        "<html><head><title>新旗舰手机正式发布</title></head><body><div class='rich_media'>"
        "<h2 class='rich_media_title'>新旗舰手机正式发布</h2>"
        "<div class='meta'><span>科技观察</span> <em id='publish_time'>昨天</em></div>"
        "<div class='rich_media_content'>" + "".join(f"<p>{x}</p>" for x in PARAS) + "</div></div>"
        '<script>var nickname = "科技观察"; var ct = "1714953600"; var user_name = "gh_1";</script>'
        "</body></html>"
    )
    capture = Capture(
        "https://mp.weixin.qq.com/s/AbCdEf",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode("utf-8"),
        WARC,
        "example",
    )
    doc = derive(capture, TextOptions())
    assert doc.published == "2024-05-06T08:00:00+08:00"
    assert doc.paragraphs == tuple(PARAS)
