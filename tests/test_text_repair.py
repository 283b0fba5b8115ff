"""Mojibake repair on real byte fixtures: every chain, both directions, whole paragraphs, spans
inside clean text, lossy variants, and GBK runs shifted by a lost byte in published text.

The damage is made mechanically from the team's own sentences, as real pages make it: bytes in
one codec decoded with another (``errors="replace"`` where bytes were lost), a byte dropped from
a GBK run and the rest decoded by a converter that writes ``?`` for what it cannot pair.
"""

from __future__ import annotations

import codecs

import pytest

from crawler.text.decode import decode_html
from crawler.text.normalize import strip_annotations
from crawler.text.realign import realign_text
from crawler.text.repair import repair_paragraphs

SIMPLIFIED = "街道办事处组织志愿者为独居老人送去年夜饭，共有十二名党员参加了这次活动。"
TRADITIONAL = "街道辦事處組織志願者為獨居老人送去年夜飯，共有十二名黨員參加了這次活動。"


def latin(data: bytes) -> str:
    """Bytes as a windows-1252 reader shows them (its five undefined bytes as C1 controls)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


CHAINS = {
    "utf8-as-gbk": lambda s: s.encode("utf-8").decode("gb18030"),
    "gbk-as-big5": lambda s: s.encode("gbk").decode("cp950"),
    "big5-as-gbk": lambda s: s.encode("cp950").decode("gb18030"),
    "gbk-as-latin1": lambda s: s.encode("gbk").decode("latin-1"),
    "gbk-as-cp1252": lambda s: latin(s.encode("gbk")),
    "big5-as-cp1252": lambda s: latin(s.encode("cp950")),
    "utf8-as-cp1252": lambda s: latin(s.encode("utf-8")),
    "utf8-twice": lambda s: latin(latin(s.encode("utf-8")).encode("utf-8")),
}
# each chain on text its wrong decoding reads strictly (GBK as Big5 needs simplified text whose
# pairs are all Big5 codes)
TEXTS = {
    "utf8-as-gbk": "春节期间街道组织党员上门送菜",  # 3-byte characters, pairs all GBK codes
    "gbk-as-big5": "街道组织党员参加活动",
    "big5-as-gbk": TRADITIONAL,
    "gbk-as-latin1": SIMPLIFIED,
    "gbk-as-cp1252": SIMPLIFIED,
    "big5-as-cp1252": TRADITIONAL,
    "utf8-as-cp1252": SIMPLIFIED,
    "utf8-twice": TRADITIONAL,
}


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_each_chain_is_undone_on_a_whole_paragraph(chain):
    clean = TEXTS[chain]
    damaged = CHAINS[chain](clean)
    assert damaged != clean
    assert repair_paragraphs([damaged]) == ([clean], 1)


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_each_chain_is_undone_on_a_span_between_clean_sentences(chain):
    clean = TEXTS[chain]
    before, after = "区里的消息：", "。大家都说好！"
    damaged = before + CHAINS[chain](clean) + after
    assert repair_paragraphs([damaged]) == ([before + clean + after], 1)


@pytest.mark.parametrize("chain", ["utf8-as-gbk", "gbk-as-cp1252", "big5-as-cp1252", "utf8-as-cp1252", "utf8-twice"])
def test_a_short_span_inside_a_clean_sentence_is_undone(chain):
    clean = TEXTS[chain]
    for start, end in ((2, 6), (4, 8), (0, 4), (6, 10)):
        damaged = clean[:start] + CHAINS[chain](clean[start:end]) + clean[end:]
        assert repair_paragraphs([damaged]) == ([clean], 1), (start, end)


def test_utf8_read_as_gbk_with_lost_bytes_keeps_only_those_as_u_fffd():
    """A lost byte costs its own character: U+FFFD, never a guess, the rest exact."""
    for clean in (SIMPLIFIED, TRADITIONAL):
        damaged = clean.encode("utf-8").decode("gb18030", errors="replace")
        assert "\ufffd" in damaged
        expected = clean[:9] + "\ufffd" + clean[10:35] + "\ufffd"  # 者 and the final 。 lost a byte
        assert repair_paragraphs([damaged]) == ([expected], 1)


def test_gbk_big5_confusions_stay_when_their_edges_cannot_be_told():
    """Every byte pair decodes in both codecs: a confused span glued to clean text without
    punctuation has no edge to find, and a guess would change clean characters; it stays."""
    clean = TEXTS["gbk-as-big5"]
    damaged = "共有" + CHAINS["gbk-as-big5"](clean[:4]) + clean[4:]
    assert repair_paragraphs([damaged]) == ([damaged], 0)


LOST_BYTE = "綜合部的尚曉明說：“小區志願者直接面對群眾，工作也相對繁重。”社區黨委組織志願服務隊上門送菜。"


def converter(text: str, drop_at: int) -> str:
    """GBK bytes of ``text`` with the byte at ``drop_at`` lost, decoded by a converter that writes
    '?' for a byte it cannot pair (what the published text of such pages shows)."""
    data = text.encode("gbk")
    return (data[:drop_at] + data[drop_at + 1 :]).decode("gb18030", errors="crawler-test-question")


codecs.register_error("crawler-test-question", lambda error: ("?", error.start + 1))


@pytest.mark.parametrize(
    ("at", "expected_gap"),
    [
        (LOST_BYTE.index("尚"), "綜合部的\ufffd曉明說"),  # the shift shows as 袝悦髡f: 尚 lost, the rest re-paired
        (LOST_BYTE.index("對"), "直接面\ufffd群眾"),
        (LOST_BYTE.index("工"), "群眾，\ufffd作也相對"),
        (LOST_BYTE.index("相"), "工作也\ufffd對繁重"),
    ],
)
def test_a_shifted_gbk_run_in_published_text_is_re_paired(at, expected_gap):
    damaged = converter(LOST_BYTE, len(LOST_BYTE[:at].encode("gbk")))
    out, repairs = repair_paragraphs([damaged])
    assert (out, repairs) == ([LOST_BYTE[:at] + "\ufffd" + LOST_BYTE[at + 1 :]], 1)
    assert expected_gap in out[0]


def test_a_shifted_run_served_as_utf8_is_re_paired_through_decoding():
    damaged = converter(LOST_BYTE, len(LOST_BYTE[: LOST_BYTE.index("尚")].encode("gbk")))
    page = f"<html><body><p>{damaged}</p></body></html>".encode()
    text, info = decode_html(page, "text/html; charset=utf-8", None)
    assert (info.used, info.reason) == ("utf-8", "http-charset")
    paragraph = text[text.index("<p>") + 3 : text.index("</p>")]
    assert repair_paragraphs([paragraph])[0] == [LOST_BYTE.replace("尚", "\ufffd")]


def test_realign_text_leaves_clean_text_and_unmarked_runs_alone():
    for clean in (LOST_BYTE, SIMPLIFIED, "湖南省惠州县闵行常街x座", "横浜市栄区", "你好吗?我很好", "李喆A组的同学"):
        assert realign_text(clean) == (clean, 0)


def test_a_lost_character_before_its_annotation_becomes_u_fffd_and_the_annotation_goes():
    """'黨?(wěi)': the converter annotated 委, whose bytes were lost; no reading library is
    installed to choose the character from its reading, so it stays U+FFFD (never a guess)."""
    page = ["社區黨(dǎng)?(wěi)組織志願服務(wù)隊(duì)上門送菜。", "集團(tuán)綜合部發(fā)布通知。"]
    assert strip_annotations(page) == (["社區黨\ufffd組織志願服務隊上門送菜。", "集團綜合部發布通知。"], 6)


def test_a_question_mark_before_parentheses_that_are_no_annotation_stays():
    page = ["你去哪里?(笑)", "问题?(see below)", "集團(tuán)綜合部發(fā)布通知，小區(qū)。"]
    out, count = strip_annotations(page)
    assert out[:2] == page[:2] and count == 3


def test_on_a_converter_page_only_the_converter_annotations_go():
    """The page shows the converter pattern, so its single toned syllables after a character go;
    parenthesised text that is no such annotation stays exactly as written."""
    page = [
        "市場監管局發(fā)布通知，社區(qū)服務(wù)中心照常開放。",
        "（一）報名時間(2024年5月)；（二）地點：北京(Beijing)；（三）聯繫人(記者 王某)。",
        "拼音課：你好(nǐ hǎo)、北京(Běijīng)、謝謝(xièxie)、(a)(b)(c)、函數f(x)、银行(háng)、床(chuáng)。",
        "他說(笑)：「這(zhè)個(gè)」不是(búshì)問題(?)",
    ]
    out, count = strip_annotations(page)
    assert out == [
        "市場監管局發布通知，社區服務中心照常開放。",
        page[1],
        page[2],
        "他說(笑)：「這個」不是(búshì)問題(?)",
    ]
    assert count == 5


def test_a_pinyin_lesson_in_simplified_characters_stays():
    lesson = [
        "床(chuáng)前(qián)明(míng)月(yuè)光(guāng)，疑(yí)是(shì)地(dì)上(shàng)霜(shuāng)。",
        "银行(háng)的行(xíng)走",
    ]
    assert strip_annotations(lesson) == (lesson, 0)


# what each chain is recorded as in the encoding block (``repaired``)
RECORDED = {
    "utf8-as-gbk": "utf-8 read as gb18030",
    "gbk-as-big5": "gb18030 read as cp950",
    "big5-as-gbk": "cp950 read as gb18030",
    "gbk-as-latin1": "gb18030 read as windows-1252",
    "gbk-as-cp1252": "gb18030 read as windows-1252",
    "big5-as-cp1252": "cp950 read as windows-1252",
    "utf8-as-cp1252": "utf-8 read as windows-1252",
    "utf8-twice": "utf-8 encoded twice",
}


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_each_repair_is_recorded_with_its_chain_and_span_length(chain):
    clean = TEXTS[chain]
    before, after = "区里的消息：", "。大家都说好！"
    damaged = CHAINS[chain](clean)
    log: list[str] = []
    repair_paragraphs([before + damaged + after, "街道的通知已经发出。"], log)
    assert log == [f"{RECORDED[chain]} ({len(damaged)} characters)"]


def test_a_shifted_run_is_recorded():
    at = LOST_BYTE.index("尚")
    damaged = converter(LOST_BYTE, len(LOST_BYTE[:at].encode("gbk")))
    log: list[str] = []
    repair_paragraphs([damaged], log)
    assert len(log) == 1 and log[0].startswith("gb18030 shifted by a lost byte ("), log


ANNOTATED = "社区志愿者勇于担当，主动联(lián)系各方，集團(tuán)也发(fā)来了物资，大家一起努力完成了任务。"


def test_a_lost_lead_byte_before_its_pinyin_is_told_by_the_reading():
    """联 (C1 AA) lost its lead byte: AA then ``(lián)``; of the characters AA ends, only 联 reads lián."""
    body = f"<p>{ANNOTATED}</p>".encode("gbk")
    at = body.index("联".encode("gbk"))
    text, info = decode_html(body[:at] + body[at + 1 :], "text/html; charset=gbk", None)
    assert text == f"<p>{ANNOTATED}</p>"
    assert (info.repairs, info.invalid_bytes, info.repaired) == (
        1,
        0,
        ("gb18030 lost byte told by its pinyin (1 character)",),
    )


def test_a_lost_byte_whose_reading_fits_several_characters_stays_u_fffd():
    """联 lost its trail byte: C1 leads 联, 连, 廉, 莲 ... all read lián: no guess."""
    body = f"<p>{ANNOTATED}</p>".encode("gbk")
    at = body.index("联".encode("gbk")) + 1
    text, info = decode_html(body[:at] + body[at + 1 :], "text/html; charset=gbk", None)
    assert text == f"<p>{ANNOTATED.replace('联', chr(0xFFFD))}</p>" and info.invalid_bytes == 1 and info.repaired == ()
