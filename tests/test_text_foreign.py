"""Foreign-language editions of Chinese news sites: clean text stays as it is (our own text)."""

from __future__ import annotations

import pytest

from crawler.text.model import Capture, TextOptions

PARAGRAPHS = {
    "ru": [
        "В субботу в городском парке открылась выставка цветов, на которой местные садоводы показали более трёхсот сортов роз.",
        "Выставка продлится до конца месяца, вход свободный для всех жителей района.",
    ],
    "en": [
        "The city library will stay open until nine in the evening every day during the summer holidays, the library said.",
        "Children under twelve can borrow up to ten books at a time with a free summer reading card.",
    ],
    "ja": [
        "市立図書館は夏休みの間、毎日午後九時まで開館すると発表した。十二歳以下の子どもは一度に十冊まで借りられる。",
        "館内では毎週土曜日に読み聞かせ会も開かれる予定だという。",
    ],
    "ko": [
        "시립 도서관은 여름 방학 동안 매일 저녁 9시까지 문을 연다고 밝혔다. 12세 이하 어린이는 한 번에 열 권까지 빌릴 수 있다.",
        "도서관은 매주 토요일 오후에 어린이를 위한 책 읽기 모임도 연다.",
    ],
}


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_clean_foreign_text_comes_out_as_it_went_in(lang):
    from crawler.text import derive

    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[lang])
    html = (
        f"<html lang='{lang}'><head><title>Page</title></head><body><h1>Page</h1><div class='article'>{body}</div>"
        "<div class='footer'>회사소개 | 고객센터 | 광고문의</div></body></html>"
    )
    capture = Capture(
        "http://x.cn/a/1.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode(),
        "2026-01-01T00:00:00Z",
        "s",
    )
    doc = derive(capture, TextOptions())
    assert doc.paragraphs == tuple(PARAGRAPHS[lang])
    assert doc.encoding.repairs == 0


def test_cyrillic_is_never_repaired_into_chinese():
    """The repair step runs only on spans that look like a CJK decoder's output from wrong bytes
    (crawler/text/repair.py): clean Cyrillic is never one, whatever its plausibility score."""
    from crawler.text.repair import repair_paragraphs

    assert repair_paragraphs(list(PARAGRAPHS["ru"])) == (PARAGRAPHS["ru"], 0)
