"""Characters trafilatura deletes (private use, format characters, C1 controls) reach the text file
as they were in the page (crawler/text/keepchars.py)."""

from __future__ import annotations

import html as html_lib

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.text import derive
from crawler.text.keepchars import Kept, dropped_characters
from crawler.text.model import Capture, TextOptions

PARAS = [
    "社区志愿者今年一共组织了十二次义诊活动，为附近的独居老人量血压、测血糖，还送去了常用药品。",
    "负责活动的陈医生说，明年会把义诊改成每月一次，并邀请更多年轻医生加入，让服务更加稳定。",
    "居民们纷纷表示欢迎，希望这样的活动能够长期办下去，也欢迎更多志愿者一起参与进来。",
    "活动结束后，志愿者们还把收集到的意见整理成册，交给了街道办事处，作为明年工作的参考。",
]
KEPT = {
    "private use (Big5/HKSCS user-defined)": "\ue000\ue4c6\uf8ff",
    "supplementary private use": "\U000f0001\U0010fffd",
    "emoji joined with ZWJ": "👨\u200d👩\u200d👧",
    "Persian with ZWNJ": "می\u200cخواهم",
    "soft hyphen": "Donau\u00addampf",
    "C1 controls (mojibake evidence)": "\u0080\u0096",
}


def _derive(paragraphs: list[str], title: str = "社区义诊活动") -> tuple[str, tuple[str, ...]]:
    page = (
        f"<html><head><title>{html_lib.escape(title)}</title></head><body><div class='content'>"
        f"<h1>{html_lib.escape(title)}</h1>"
        + "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs)
        + "</div></body></html>"
    )
    capture = Capture(
        "http://news.example.cn/2024/05/a.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        page.encode("utf-8"),
        "2024-06-01T00:00:00Z",
        "example",
    )
    doc = derive(capture, TextOptions())
    return doc.title, doc.paragraphs


@pytest.mark.parametrize("chars", KEPT.values(), ids=KEPT.keys())
def test_characters_trafilatura_deletes_reach_the_text(chars):
    paragraphs = [PARAS[0], f"{PARAS[1][:10]}{chars}{PARAS[1][10:]}", *PARAS[2:]]
    assert _derive(paragraphs) == ("社区义诊活动", tuple(paragraphs))


def test_a_title_from_the_metadata_keeps_them_too():
    """No heading: the title is trafilatura's, from ``og:title``."""
    title = "香港\ue05e字的义诊活动"
    page = (
        f"<html><head><title>{title}</title><meta property='og:title' content='{title}'></head><body>"
        "<div class='content'>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></body></html>"
    )
    capture = Capture(
        "http://news.example.cn/2024/05/a.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        page.encode("utf-8"),
        "2024-06-01T00:00:00Z",
        "example",
    )
    assert derive(capture, TextOptions()).title == title


def test_big5_read_as_gb18030_keeps_its_private_use_characters_for_repair():
    """GB18030 maps Big5 lead bytes it does not use to private-use characters: without them the
    repair has half a span and gives characters back with holes."""
    source = [
        "社區志願者今年一共組織了十二次義診活動，為附近的獨居老人量血壓、測血糖，還送去了常用藥品。",
        "負責活動的陳醫師說，明年會把義診改成每月一次，並邀請更多年輕醫師加入，讓服務更加穩定。",
    ]
    damaged = [p.encode("big5").decode("gb18030") for p in source]
    assert all(any("\ue000" <= c <= "\uf8ff" for c in p) for p in damaged)
    assert _derive([*damaged, *PARAS], "義診")[1] == (*source, *PARAS)


def test_dropped_characters_of_a_page():
    assert dropped_characters("<p>普通文字 ｜ abc é 😀 𠀀\u3000\u00a0\t\n</p>") == ""
    assert dropped_characters("<p>a\ue000b\u200dc\ue000 \U000f0001</p>") == "\u200d\ue000\U000f0001"


def test_the_tree_is_given_back_as_it_was():
    page = "<html><body><p title='x\ue000'>a\ue000b<i>\u200d</i>\ue001 tail</p></body></html>"
    tree = lxml.html.fromstring(page)
    before = lxml.html.tostring(tree, encoding="unicode")
    kept = Kept(page)
    swapped = lxml.html.tostring(kept.into(tree), encoding="unicode")
    assert not set("\ue000\ue001\u200d") & set(swapped) and kept.back(swapped) == before
    assert lxml.html.tostring(kept.out(tree), encoding="unicode") == before


def test_a_page_without_them_is_left_alone():
    page = "<html><body><p>\U00017000 普通文字</p></body></html>"
    tree = lxml.html.fromstring(page)
    kept = Kept(page)
    assert kept.into(tree) is tree and kept.back("\U00017000 普通文字") == "\U00017000 普通文字"


@given(
    st.lists(
        st.sampled_from(
            [
                "\ue000",
                "\ue4c6",
                "\uf8ff",
                "\U000f0000",
                "\u200d",
                "\u200c",
                "\u00ad",
                "\u0096",
                "𠀀",
                "𪚥",
                "𰻞",
                "㐀",
                "\U00017001",
            ]
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, len(PARAS[1])),
)
@settings(max_examples=40, deadline=None)
def test_any_mix_of_them_and_rare_hanzi_survives_the_derivation(chars, at):
    paragraphs = [PARAS[0], PARAS[1][:at] + "".join(chars) + PARAS[1][at:], *PARAS[2:]]
    assert _derive(paragraphs)[1] == tuple(paragraphs)
