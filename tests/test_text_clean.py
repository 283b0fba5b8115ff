"""The first law of the text steps: clean text in any script comes out exactly as it went in.

Texts are made from Faker's locales (real words, names and addresses in each script), mixed with
the characters that look most like damage to a mojibake detector: emoji (joined with ZWJ too),
rare hanzi beyond the BMP and in extension A, private-use characters (a Big5/HKSCS page's
user-defined ones), box-drawing frames, full-width punctuation, traditional Chinese, runs of
one accented letter (Hungarian ``ééééé``), ``○○`` placeholders, Latin-1 words. Each goes through
decode (as a UTF-8 page, and in a legacy codec of its own script, labelled), mojibake repair,
annotation removal and whitespace normalisation; not one character may change.
"""

from __future__ import annotations

import functools
import html
import re

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.text.decode import decode_html
from crawler.text.labels import codec_for
from crawler.text.normalize import normalize_whitespace, strip_annotations
from crawler.text.repair import repair_paragraphs

LOCALES = (
    "zh_CN",
    "zh_TW",
    "ja_JP",
    "ko_KR",
    "ru_RU",
    "uk_UA",
    "bg_BG",
    "el_GR",
    "he_IL",
    "ar_AA",
    "fa_IR",
    "th_TH",
    "hi_IN",
    "bn_BD",
    "hy_AM",
    "ka_GE",
    "vi_VN",
    "hu_HU",
    "cs_CZ",
    "pl_PL",
    "tr_TR",
    "de_DE",
    "fr_FR",
    "es_ES",
    "pt_BR",
    "sv_SE",
    "ro_RO",
    "hr_HR",
    "lt_LT",
    "az_AZ",
)
# legacy codecs a page in that locale's script is served in (the page is labelled with it)
LEGACY = {
    "zh_CN": "gbk",
    "zh_TW": "big5",
    "ja_JP": "shift_jis",
    "ko_KR": "euc-kr",
    "ru_RU": "windows-1251",
    "uk_UA": "koi8-u",
    "bg_BG": "windows-1251",
    "el_GR": "iso-8859-7",
    "he_IL": "windows-1255",
    "ar_AA": "windows-1256",
    "fa_IR": "utf-8",
    "th_TH": "windows-874",
    "vi_VN": "windows-1258",
    "hu_HU": "iso-8859-2",
    "cs_CZ": "windows-1250",
    "pl_PL": "iso-8859-2",
    "tr_TR": "windows-1254",
    "de_DE": "windows-1252",
    "fr_FR": "windows-1252",
    "es_ES": "windows-1252",
    "sv_SE": "iso-8859-15",
    "lt_LT": "windows-1257",
    "ro_RO": "iso-8859-16",
    "hr_HR": "windows-1250",
    "pt_BR": "windows-1252",
}
EXTRAS = (
    "😀👍🏽🇨🇳",
    "𠀀𠀋𪚥𰻞",
    "㐀㐁䶵",
    "┏━━━━┓┃表格┃┗━━━━┛",
    "├──┼──┤",
    "（一）、【注】「引用」『書名』〔按〕",
    "ＡＢＣ１２３，！？",
    "ééééé",
    "○○公司○○○",
    "Größe façade naïve",
    "萬裏長城，臺灣省，發佈會",
    "×÷±§¶©®°",
    "№ 5 — «Новости»",
    "①②③ⅠⅡⅢ",
    "ｶﾀｶﾅ",
    "À LA CARTE, ÉCOLE D’ÉTÉ",
    "Ελλάδα ΕΕΕ",
    "Ωμέγα αβγ",
    "編碼 GB2312、Big5、UTF-8 與 Shift_JIS",
    "“社区”按 Latin-1 讀就成了“ç¤¾åŒº”",
    "“社区”按 GBK 读是“绀惧尯”",
    "他真的来了吗?我们都在等",
    "嘉賓鄺氏兄弟?(笑)",
    "倪妮坤绯?好",
    "한국어 문장입니다",
    "ㄅㄆㄇㄈ注音",
    "…………",
    "——",
    "·",
    "﹏﹏",
    "香港\ue05e字\ue4c6\uf8ff",
    "\U000f0001\U0010fffd",
    "👨\u200d👩\u200d👧",
    "𫟹𬺓𮯠",
)


@functools.cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


def _pieces(fake: Faker) -> list[str]:
    # some locales have no lorem of their own (their text() is Latin): names and addresses are
    return [fake.text(160), fake.name(), fake.address(), fake.city(), fake.company(), fake.job(), fake.street_name()]


@st.composite
def clean_paragraphs(draw) -> tuple[str, list[str]]:
    locale = draw(st.sampled_from(LOCALES))
    fake = _faker(locale)
    fake.seed_instance(draw(st.integers(0, 2**32 - 1)))
    pieces = _pieces(fake)
    count = draw(st.integers(1, 4))
    paragraphs = []
    for _ in range(count):
        chosen = draw(st.lists(st.sampled_from(range(len(pieces))), min_size=1, max_size=4))
        extras = draw(st.lists(st.sampled_from(EXTRAS), max_size=2))
        parts = [pieces[i] for i in chosen] + extras
        order = draw(st.permutations(parts))
        paragraphs.append(normalize_whitespace(" ".join(order)))
    return locale, [p for p in paragraphs if p]


def _through_the_steps(body: bytes, content_type: str) -> list[str]:
    text, _ = decode_html(body, content_type, None)
    paragraphs = [normalize_whitespace(html.unescape(p)) for p in re.findall(r"<p>(.*?)</p>", text, re.S)]
    paragraphs, _ = repair_paragraphs(paragraphs)
    paragraphs, _ = strip_annotations(paragraphs)
    return paragraphs


def _page(paragraphs: list[str], encoding: str) -> bytes:
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return f"<html><head><title>t</title></head><body>{body}</body></html>".encode(encoding)


@given(clean_paragraphs())
@settings(max_examples=300, deadline=None)
def test_clean_text_of_any_script_is_unchanged_as_utf8(sample):
    _, paragraphs = sample
    assert _through_the_steps(_page(paragraphs, "utf-8"), "text/html; charset=utf-8") == paragraphs
    assert _through_the_steps(_page(paragraphs, "utf-8"), "text/html") == paragraphs


@given(clean_paragraphs())
@settings(max_examples=200, deadline=None)
def test_clean_text_in_its_legacy_codec_is_unchanged_when_labelled(sample):
    locale, paragraphs = sample
    label = LEGACY.get(locale, "utf-8")
    codec = codec_for(label)
    # an extra the codec lacks (emoji, rare hanzi) cannot be served in it: the page leaves it out
    paragraphs = [normalize_whitespace(p.encode(codec, "ignore").decode(codec)) for p in paragraphs]
    paragraphs = [p for p in paragraphs if p]
    body = _page(paragraphs, codec)
    assert _through_the_steps(body, f"text/html; charset={label}") == paragraphs


@pytest.mark.parametrize("extra", EXTRAS)
def test_every_lookalike_alone_and_among_chinese_is_unchanged(extra):
    for paragraph in (extra, f"社区志愿者{extra}共有12名", f"{extra}。社區志願者送去年夜飯"):
        assert repair_paragraphs([paragraph]) == ([paragraph], 0)
        assert _through_the_steps(_page([paragraph], "utf-8"), "text/html; charset=utf-8") == [paragraph]


def test_the_generator_covers_many_scripts():
    """The property tests above are only as good as the scripts they see."""
    fake_texts = {}
    for locale in LOCALES:
        fake = _faker(locale)
        fake.seed_instance(7)
        fake_texts[locale] = " ".join(_pieces(fake))
    blocks = {
        "han": r"[\u4e00-\u9fff]",
        "kana": r"[\u3040-\u30ff]",
        "hangul": r"[\uac00-\ud7a3]",
        "cyrillic": r"[\u0400-\u04ff]",
        "greek": r"[\u0370-\u03ff]",
        "hebrew": r"[\u0590-\u05ff]",
        "arabic": r"[\u0600-\u06ff]",
        "thai": r"[\u0e00-\u0e7f]",
        "devanagari": r"[\u0900-\u097f]",
        "bengali": r"[\u0980-\u09ff]",
        "armenian": r"[\u0530-\u058f]",
        "georgian": r"[\u10a0-\u10ff]",
        "vietnamese": r"[\u1ea0-\u1eff]",
        "latin-ext": r"[\u0100-\u017f]",
        "latin-1": r"[\u00c0-\u00ff]",
    }
    seen = {name for name, rx in blocks.items() if any(re.search(rx, t) for t in fake_texts.values())}
    assert seen == set(blocks)


FRAMES = ["┏━━━━━━━━┓", "┃ 通知公告 ┃", "┗━━━━━━━━┛", "○○公司、○○街道：", "※注意事項※ ■□▲△◆◇★☆"]


@pytest.mark.parametrize("label", ["gbk", None])
def test_a_gbk_page_drawing_a_frame_keeps_it(label):
    body = _page(FRAMES, "gbk")
    assert _through_the_steps(body, f"text/html; charset={label}" if label else "text/html") == FRAMES


@pytest.mark.parametrize(
    "locale",
    [
        "ru_RU",
        "el_GR",
        "ja_JP",
        "zh_TW",
        "zh_CN",
        "he_IL",
        "ar_AA",
        "th_TH",
        "hu_HU",
        "vi_VN",
        "pl_PL",
        "hy_AM",
        "ko_KR",
        "ka_GE",
        "hi_IN",
        "tr_TR",
    ],
)
def test_clean_text_of_any_script_survives_the_whole_derivation(locale):
    """The same law through everything `scrapy extract` runs (trafilatura included)."""
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    fake = _faker(locale)
    fake.seed_instance(11)
    paragraphs = [
        normalize_whitespace(
            " ".join(
                [
                    fake.name(),
                    fake.address(),
                    fake.text(300),
                    fake.company(),
                    EXTRAS[(i * 7 + len(locale)) % len(EXTRAS)],
                ]
            ).replace("\n", " ")
        )
        for i in range(3)
    ]
    html_page = (
        "<html><head><title>t</title></head><body><article><h1>"
        + html.escape(fake.city())
        + "</h1>"
        + "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    capture = Capture(
        "https://example.org/a/1.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html_page.encode("utf-8"),
        "2026-01-01T00:00:00Z",
        "example",
    )
    document = derive(capture, TextOptions())
    assert list(document.paragraphs) == paragraphs
    assert (document.encoding.repairs, document.encoding.annotations_removed) == (0, 0)
