"""Charset decisions, Content-Encoding caps, mojibake repair and pinyin annotations (real bytes)."""

from __future__ import annotations

import gzip
import pickle
import resource
import zlib

import brotli
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.text.decode import decode_html, decode_payload, realign
from crawler.text.labels import codec_for, hint_codec
from crawler.text.model import Capture, TextError
from crawler.text.normalize import normalize_lines, normalize_whitespace, strip_annotations
from crawler.text.plausibility import score, scores
from crawler.text.repair import repair_paragraphs

PAGE = "<html><head>{meta}<title>社区简讯</title></head><body><p>志愿者代表李喆、张堃介绍了服务经验，共有12名居民参加。</p></body></html>"
TEXT = "志愿者代表李喆、张堃介绍了服务经验，共有12名居民参加。"


def html(meta: str = "", encoding: str = "gbk") -> bytes:
    return PAGE.format(meta=meta).encode(encoding)


def decoded(body: bytes, ctype: str | None = None, fallback: str | None = None):
    text, info = decode_html(body, ctype, fallback)
    return text, (info.declared, info.used, info.reason, info.invalid_bytes)


@pytest.mark.parametrize(
    ("body", "ctype", "fallback", "expected"),
    [
        # GBK labelled gb2312: decoded as gb18030 (喆 and 堃 are not in GB2312)
        (html(), "text/html; charset=gb2312", None, ("gb2312", "gb18030", "http-charset", 0)),
        (
            html('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'),
            "text/html",
            None,
            ("gb2312", "gb18030", "meta-charset", 0),
        ),
        # no label: the source's fallback, then detection
        (html(), "text/html", "gb18030", (None, "gb18030", "fallback", 0)),
        (html(), None, None, (None, "gb18030", "detected", 0)),
        # wrong labels are distrusted
        (html(), "text/html; charset=utf-8", "gb18030", ("utf-8", "gb18030", "fallback", 0)),
        (html(), "text/html; charset=iso-8859-1", "gbk", ("iso-8859-1", "gb18030", "fallback", 0)),
        (html(encoding="utf-8"), "text/html; charset=gbk", None, ("gbk", "utf-8", "utf8-valid", 0)),
        (html(encoding="utf-8"), "text/html; charset=UTF-8", None, ("UTF-8", "utf-8", "http-charset", 0)),
        # an unknown label is ignored
        (html(), "text/html; charset=x-klingon", "gb18030", ("x-klingon", "gb18030", "fallback", 0)),
    ],
)
def test_charset_decision(body, ctype, fallback, expected):
    text, info = decoded(body, ctype, fallback)
    assert TEXT in text
    assert info == expected


def test_big5_label_prefers_cp950_and_falls_back_to_hkscs():
    cp950_only = "<p>樓棟裏的志工</p>".encode("cp950")
    assert decoded(cp950_only, "text/html; charset=big5") == (
        "<p>樓棟裏的志工</p>",
        ("big5", "cp950", "http-charset", 0),
    )
    hkscs_only = "<p>山峯下的志工</p>".encode("big5hkscs")
    assert decoded(hkscs_only, "text/html; charset=big5") == (
        "<p>山峯下的志工</p>",
        ("big5", "big5hkscs", "http-charset", 0),
    )


def test_real_latin1_page_stays_windows_1252():
    body = "<p>Les bénévoles du quartier ont préparé 40 repas.</p>".encode("cp1252")
    assert decoded(body, "text/html; charset=iso-8859-1") == (
        "<p>Les bénévoles du quartier ont préparé 40 repas.</p>",
        ("iso-8859-1", "cp1252", "http-charset", 0),
    )


def test_bom_wins():
    body = "\ufeff<p>社区</p>".encode("utf-8")
    assert decoded(body, "text/html; charset=gbk")[1] == (None, "utf-8-sig", "bom", 0)


def test_a_few_bad_bytes_cost_only_themselves():
    body = html()
    at = body.index("服务".encode("gbk"))
    damaged = body[:at] + b"\xff" + body[at:]
    text, info = decoded(damaged, "text/html; charset=gbk")
    assert "志愿者代表李喆、张堃介绍了\ufffd服务经验，共有12名居民参加。" in text
    assert info == ("gbk", "gb18030", "least-errors", 1)


def test_a_lost_byte_realigns_the_rest_of_the_run():
    body = html()
    at = body.index("张".encode("gbk")) + 1  # drop the second byte of 张
    text, info = decode_html(body[:at] + body[at + 1 :], "text/html; charset=gbk", None)
    # without realignment every character after the lost byte is wrong ("請医樯芰朔...")
    assert "志愿者代表李喆、請\ufffd介绍了服务经验，共有12名居民参加。" in text
    assert info.repairs == 1


def test_a_lost_byte_realigns_the_same_in_small_batches(monkeypatch):
    """Candidates are scored a batch at a time (bounded memory); the batch size changes nothing."""
    import crawler.text.realign as realign_module

    body = html()
    at = body.index("张".encode("gbk")) + 1
    damaged = body[:at] + body[at + 1 :]
    whole = decode_html(damaged, "text/html; charset=gbk", None)
    monkeypatch.setattr(realign_module, "_BATCH_CHARS", 7)
    assert decode_html(damaged, "text/html; charset=gbk", None) == whole
    assert whole[1].repairs == 1


def test_realign_never_touches_clean_text():
    assert realign(TEXT, "gb18030") == (TEXT, 0)


def test_binary_is_undecodable():
    with pytest.raises(TextError) as info:
        decode_html(bytes(range(256)) * 4, "text/html", None)
    assert info.value.reason == "undecodable"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("big5", "cp950"),
        ("Big5-HKSCS", "cp950"),
        ("latin1", "cp1252"),
        ("utf8", "utf-8"),
        ("shift_jis", "cp932"),
        ("sjis", "cp932"),
        ("euc-kr", "cp949"),
        ("tis-620", "cp874"),
        ("us-ascii", "cp1252"),
        (" KOI8-R ", "koi8_r"),
        ("ISO-8859-8-I", "iso8859_8"),
        ("nonsense", None),
        (None, None),
        ("", None),
        # Python codecs that are no text encoding browsers accept: no label at all
        ("undefined", None),
        ("idna", None),
        ("rot13", None),
        ("rot_13", None),
        ("base64", None),
        ("hex", None),
        ("zlib", None),
        ("uu", None),
        ("punycode", None),
        ("utf-7", None),
        ("utf7", None),
        ("unicode_escape", None),
        ("replacement", None),
        ("iso-2022-kr", None),
        ("x-user-defined", None),
        # Python-only spellings are not labels either
        ("cp936", None),
        ("euc_kr", None),
        ("shift_jisx0213", None),
    ],
)
def test_label_mapping(label, codec):
    assert codec_for(label) == codec


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("johab", "johab"),
        ("IBM855", "cp855"),
        ("cp737", "cp737"),
        ("rot13", None),
        ("undefined", None),
        ("utf-7", None),
        ("gbk", None),
        ("x-klingon", None),
    ],
)
def test_labels_outside_the_table_are_only_hints_of_text_codecs(label, codec):
    assert hint_codec(label) == codec


HOSTILE = [
    "undefined",
    "idna",
    "rot13",
    "base64",
    "hex",
    "zlib",
    "uu",
    "punycode",
    "bz2",
    "quopri",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-7",
    "replacement",
    "x-user-defined",
    "x-klingon",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_a_hostile_label_counts_as_absent_and_the_bytes_decide(label):
    for where in ("header", "meta"):
        meta = f'<meta charset="{label}">' if where == "meta" else ""
        ctype = f"text/html; charset={label}" if where == "header" else "text/html"
        text, info = decode_html(html(meta, "utf-8"), ctype, None)
        assert (TEXT in text, info.used, info.reason) == (True, "utf-8", "utf8-valid")
        text, info = decode_html(html(meta), ctype, "gbk")
        assert (TEXT in text, info.used, info.reason) == (True, "gb18030", "fallback")


def test_utf7_is_never_decoded():
    body = b"<html><body><p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p></body></html>"
    text, info = decode_html(body, "text/html; charset=utf-7", None)
    assert text == body.decode("ascii") and info.used != "utf-7"


def test_a_utf16_meta_on_ascii_compatible_bytes_means_utf8():
    body = '<meta charset="utf-16"><p>居民</p>'.encode()
    assert decoded(body)[1] == ("utf-16", "utf-8", "utf8-valid", 0)
    assert decoded(b'<meta charset="utf-16"><p>ok</p>')[0] == '<meta charset="utf-16"><p>ok</p>'


def capture(body: bytes, coding: str) -> Capture:
    return Capture("http://x.cn/a", 200, (("Content-Encoding", coding),), body, "2026-01-01T00:00:00Z", "s")


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(b"<p>hi</p>")),
        ("x-gzip", gzip.compress(b"<p>hi</p>")),
        ("deflate", zlib.compress(b"<p>hi</p>")),
        ("deflate", zlib.compress(b"<p>hi</p>")[2:-4]),
        ("br", brotli.compress(b"<p>hi</p>")),
        ("gzip, br", brotli.compress(gzip.compress(b"<p>hi</p>"))),
        ("identity", b"<p>hi</p>"),
        ("gzip", b"<p>hi</p>"),
    ],
)
def test_content_encodings(coding, body):
    assert decode_payload(capture(body, coding), 1000) == b"<p>hi</p>"


def test_corrupt_and_unknown_encodings():
    for body, coding in ((b"\x1f\x8b\x08garbage", "gzip"), (b"xx", "compress")):
        with pytest.raises(TextError) as info:
            decode_payload(capture(body, coding), 1000)
        assert info.value.reason == "bad-content-encoding"


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_bombs_are_refused_with_bounded_memory(coding):
    zeros = b"\0" * (64 * 1024 * 1024)
    body = gzip.compress(zeros, 9) if coding == "gzip" else brotli.compress(zeros)
    del zeros
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TextError) as info:
        decode_payload(capture(body, coding), 5 * 1024 * 1024)
    assert info.value.reason == "too-large"
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 32


def test_text_error_survives_pickling():
    error = pickle.loads(pickle.dumps(TextError("undecodable", "http://x.cn/a: binary")))
    assert (error.reason, str(error)) == ("undecodable", "http://x.cn/a: binary")


CLEAN = "社区志愿者为独居老人送去年夜饭，共有12名志愿者参加。"


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        (CLEAN.encode("gbk").decode("latin-1"), CLEAN),
        (CLEAN.encode("utf-8").decode("latin-1"), CLEAN),
        (
            "前半正常。" + CLEAN.encode("utf-8").decode("gbk", errors="replace"),
            "前半正常。社区志愿者为\ufffd居\ufffd人送去年\ufffd饭，共\ufffd12名志愿\ufffd参加\ufffd",
        ),
    ],
)
def test_mojibake_chains_are_undone(damaged, expected):
    out, repairs = repair_paragraphs([damaged])
    assert out == [expected]
    assert repairs == 1


LOOKALIKES = [
    "北京(Beijing)の天気は晴れ🌞",
    "集團綜合部尚曉明所在的小區疫情風險等級為中風險。",
    "𠀀𠀁𪚥 生僻字",
    "Café, naïve façade.",
    "（记者 王某）2022年4月19日电",
    "ＡＢＣ１２３，全角字符。",
]


@pytest.mark.parametrize("clean", LOOKALIKES)
def test_clean_text_is_never_changed(clean):
    assert repair_paragraphs([clean]) == ([clean], 0)


CJK = st.sampled_from(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质六己林"
)


@given(
    st.lists(
        st.one_of(
            CJK, st.sampled_from(list("，。！？；：、“”《》（）0123456789abcXYZ ぁあいうえおアイウカキ한국어😀𠀀"))
        ),
        min_size=1,
        max_size=60,
    ).map("".join)
)
@settings(max_examples=300, deadline=None)
def test_property_repair_never_changes_clean_text(text):
    assert repair_paragraphs([text])[0] == [text]


CONVERTED = ["市文旅集團(tuán)一線戰(zhàn)疫", "集團(tuán)綜合部發(fā)布通知", "小區(qū)的關(guān)鍵崗位"]


def test_converter_annotations_are_removed_when_the_page_shows_the_pattern():
    out, count = strip_annotations(CONVERTED + ["北京(Beijing)的志愿者（记者 王某）"])
    assert out == ["市文旅集團一線戰疫", "集團綜合部發布通知", "小區的關鍵崗位", "北京(Beijing)的志愿者（记者 王某）"]
    assert count == 6


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["集团(tuán)成立于(2022)年"],  # one annotation after a simplified character: no evidence
        ["拼音课：你好(nǐ hǎo)，谢谢(xiè xie)，再见(zài jiàn)。"],  # multi-syllable readings: a lesson
        ["北京(Beijing)、上海(Shanghai)、广州(Guangzhou)"],
        ["床(chuáng)前(qián)明(míng)月(yuè)光(guāng)", "银行(háng)"],  # a pinyin lesson in simplified characters
        ["這個字讀作們(shuō)不對"],  # a traditional character, but not its reading
    ],
)
def test_annotation_lookalikes_survive(paragraphs):
    assert strip_annotations(paragraphs) == (paragraphs, 0)


@pytest.mark.parametrize(
    ("paragraph", "cleaned"),
    [
        ("我們(men)共克時艱", "我們共克時艱"),  # the neutral tone, as the converter writes it
        ("集團(tuán)成立於(2022)年", "集團成立於(2022)年"),
    ],
)
def test_a_single_annotation_that_is_its_own_evidence_goes(paragraph, cleaned):
    """No page pattern, but the annotated character is a traditional form (OpenCC) and the
    annotation is its reading (pypinyin): the converter's, removed."""
    assert strip_annotations([paragraph]) == ([cleaned], 1)


def test_a_lost_character_whose_question_mark_took_the_parenthesis():
    """``勇?lián)?dāng)``: the converter's '?' took the lost character's byte and the '(' with
    it: on a converter page each becomes U+FFFD and its annotation goes."""
    paragraphs = ["社區志願者勇?lián)?dāng)，集團(tuán)發(fā)來物資。"]
    assert strip_annotations(paragraphs) == (["社區志願者勇\ufffd\ufffd，集團發來物資。"], 4)


def test_full_width_parentheses_count_towards_the_pattern():
    paragraphs = ["集團（tuán）綜合部", "發（fā）佈通知", "小區(qū)"]  # two of the three in （）
    assert strip_annotations(paragraphs) == (["集團綜合部", "發佈通知", "小區"], 3)


def test_annotation_modes():
    assert strip_annotations(["集團(tuán)"], "always") == (["集團"], 1)
    assert strip_annotations(CONVERTED, "never") == (CONVERTED, 0)


def test_whitespace_is_normalized_and_nothing_else():
    assert normalize_whitespace("\u3000\u3000共有 12 名\u00a0志愿者，  参加！ ") == "共有 12 名 志愿者， 参加！"


# characters from every class the score tells apart: ASCII, level-1 and rare ideographs, kana,
# Latin-1 letters (mojibake), U+FFFD, private use, lone surrogates, beyond the BMP
_SCORED = st.text(
    st.one_of(
        st.sampled_from("a 1。，社区誌鐵囍媛ｱかÃ©¤\ufffd\ue000\ud800😀𠀋"),
        st.characters(codec="utf-8", exclude_categories=()),
    ),
    max_size=40,
)


@given(st.lists(_SCORED, max_size=12))
@settings(max_examples=300, deadline=None)
def test_page_scores_equal_paragraph_scores(texts):
    assert scores(texts) == [score(t) for t in texts]


@given(st.text(st.sampled_from(" \t\u00a0\u2002\u2003\u3000\n\r\x0b\x0c\x1c\x85\u2028\u2029ab中。"), max_size=60))
@settings(max_examples=300, deadline=None)
def test_normalize_lines_is_normalize_whitespace_per_line(text):
    assert normalize_lines(text) == [x for x in (normalize_whitespace(x) for x in text.splitlines()) if x]


def _pairs(text: str, first, second) -> bool:
    return any(first(a) and second(b) or second(a) and first(b) for a, b in zip(text, text[1:]))


@given(st.lists(st.text(st.sampled_from("ab?中社ÔÂé×·鐓袝悦誌\ufffd😀 ‚€"), max_size=12), max_size=6))
@settings(max_examples=300, deadline=None)
def test_page_profile_equals_its_per_paragraph_definition(texts):
    from crawler.text.plausibility import is_common, page_profile

    def rare(ch):
        return ch >= "\x80" and not is_common(ch) and ch <= "\uffff"

    def latin(ch):
        return "\x80" <= ch <= "\xff" or ch in "‚€"

    def wide(ch):
        return ch >= "\x80" and ch != "\ufffd"

    def mark(text):
        return _pairs(text, wide, lambda c: c == "?") or any(
            wide(a) and "\x40" <= b <= "\x7e" and wide(c) for a, b, c in zip(text, text[1:], text[2:])
        )

    assert tuple(found.tolist() for found in page_profile(texts)) == (
        [score(t) for t in texts],
        [any(rare(a) and rare(b) for a, b in zip(t, t[1:])) for t in texts],
        [_pairs(t, latin, lambda c: "\xa0" <= c <= "\xff") for t in texts],
        [mark(t) for t in texts],
    )


_LABELS = st.sampled_from(
    [
        "",
        "utf-8",
        "gbk",
        "big5",
        "shift_jis",
        "euc-jp",
        "euc-kr",
        "iso-8859-1",
        "windows-1252",
        "utf-16",
        "utf-16be",
        "iso-2022-jp",
        "johab",
        "cp855",
        "undefined",
        "rot13",
        "x-user-defined",
        "replacement",
        "koi8-r",
        "tis-620",
        "x-mac-cyrillic",
        "ISO-8859-8-I",
        "é",
        "utf-32",
    ]
)
_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=100).map(lambda t: t.encode("utf-8")),
    st.text(max_size=100).map(lambda t: t.encode("gb18030")),
)


@given(_BODIES, _LABELS, _LABELS, st.sampled_from([None, "gbk", "big5", "utf-8"]))
@settings(max_examples=300, deadline=None)
def test_any_bytes_under_any_label_give_text_or_one_text_error_and_the_same_twice(body, header, meta, fallback):
    page = f'<html><head><meta charset="{meta}"></head><body><p>'.encode() + body + b"</p></body></html>"
    for ctype in (f"text/html; charset={header}", None):
        try:
            text, info = decode_html(page, ctype, fallback)
        except TextError as error:
            assert error.reason == "undecodable"
            continue
        assert not any("\udc80" <= ch <= "\udcff" for ch in text)  # no escaped byte left behind
        assert decode_html(page, ctype, fallback) == (text, info)
        paragraphs = text.split("<p>")
        assert repair_paragraphs(paragraphs) == repair_paragraphs(paragraphs)


def test_a_question_mark_before_a_word_that_is_no_syllable_stays():
    """``中?xyzá)`` on a converter page: no pinyin syllable, no lost character (and no endless loop)."""
    paragraphs = ["集團(tuán)發(fā)佈，小區(qū)居民說中?xyzá)好"]
    assert strip_annotations(paragraphs) == (["集團發佈，小區居民說中?xyzá)好"], 3)
