"""The codec decision on real bytes of every script family: labelled, unlabelled, mislabelled.

Each text is the team's own, encoded in the legacy codecs of its script and served as pages
are served: with the right label, with none (a legacy server), with ``iso-8859-1`` (the commonest
wrong label) or ``windows-1252``, and, for CJK, labelled as another CJK codec.
"""

from __future__ import annotations

import pytest

from crawler.text.decode import decode_html

TEXTS = {
    "zh-hans": "街道办事处组织志愿者为独居老人送去年夜饭，共有十二名党员参加了这次活动。大家都说这样的服务很贴心，希望明年继续。",
    "zh-hant": "街道辦事處組織志願者為獨居老人送去年夜飯，共有十二名黨員參加了這次活動。大家都說這樣的服務很貼心，希望明年繼續。",
    "ja": "町内会のボランティアが一人暮らしのお年寄りに年越しの食事を届けました。参加した十二人は来年も続けたいと話しています。",
    "ko": "주민센터 자원봉사자들이 혼자 사는 어르신들께 설날 음식을 전해 드렸습니다. 참가한 열두 명은 내년에도 계속하고 싶다고 말했습니다.",
    "ru": "Волонтёры района принесли праздничный ужин одиноким пожилым людям. Двенадцать участников хотят продолжить в следующем году.",
    "el": "Οι εθελοντές της γειτονιάς έφεραν γιορτινό δείπνο σε ηλικιωμένους που ζουν μόνοι. Δώδεκα συμμετέχοντες θέλουν να συνεχίσουν.",
    "he": "המתנדבים של השכונה הביאו ארוחת חג לקשישים שגרים לבד. שנים עשר משתתפים רוצים להמשיך גם בשנה הבאה.",
    "th": "อาสาสมัครในชุมชนนำอาหารมื้อพิเศษไปมอบให้ผู้สูงอายุที่อยู่คนเดียว ผู้เข้าร่วมสิบสองคนอยากทำต่อในปีหน้า",
    "pl": "Wolontariusze z dzielnicy przynieśli świąteczną kolację samotnym starszym osobom. Dwanaścioro uczestników chce to kontynuować.",
    "cs": "Dobrovolníci ze čtvrti přinesli sváteční večeři osamělým starším lidem. Dvanáct účastníků říká, že příští rok chtějí pokračovat.",
    "hu": "A kerület önkéntesei ünnepi vacsorát vittek az egyedül élő időseknek. A tizenkét résztvevő jövőre is szeretné folytatni.",
    "tr": "Mahallenin gönüllüleri yalnız yaşayan yaşlılara bayram yemeği götürdü. On iki katılımcı gelecek yıl da devam etmek istediğini söyledi.",
    "lt": "Rajono savanoriai atnešė šventinę vakarienę vieniems gyvenantiems senoliams. Dvylika dalyvių sako, kad kitais metais tęs šį darbą.",
    "ar": "أحضر متطوعو الحي عشاء العيد إلى كبار السن الذين يعيشون وحدهم. ويريد اثنا عشر مشاركا أن يستمروا في العام المقبل.",
    "uk": "Волонтери району принесли святкову вечерю самотнім літнім людям. Дванадцять учасників хочуть продовжити наступного року.",
}
# (text, WHATWG label, what the page must decode as)
CASES = [
    ("zh-hans", "gbk"),
    ("zh-hans", "gb18030"),
    ("zh-hant", "big5"),
    ("ja", "shift_jis"),
    ("ja", "euc-jp"),
    ("ko", "euc-kr"),
    ("ru", "windows-1251"),
    ("ru", "koi8-r"),
    ("el", "iso-8859-7"),
    ("he", "windows-1255"),
    ("th", "tis-620"),
    ("pl", "iso-8859-2"),
    ("pl", "windows-1250"),
    ("cs", "iso-8859-2"),
    ("cs", "windows-1250"),
    ("hu", "iso-8859-2"),
    ("tr", "windows-1254"),
    ("lt", "windows-1257"),
    ("ru", "ibm866"),
    ("ru", "iso-8859-5"),
    ("el", "windows-1253"),
    ("ar", "windows-1256"),
    ("uk", "koi8-u"),
]
WAYS = {
    "labelled": "text/html; charset={label}",
    "unlabelled": "text/html",
    "iso-8859-1": "text/html; charset=iso-8859-1",
    "windows-1252": "text/html; charset=windows-1252",
}


def page(text: str, label: str) -> bytes:
    from crawler.text.labels import codec_for

    return f"<html><head><title>t</title></head><body><p>{text}</p><p>{text}</p></body></html>".encode(codec_for(label))


@pytest.mark.parametrize(("lang", "label"), CASES)
@pytest.mark.parametrize("way", sorted(WAYS))
def test_each_family_decodes_faithfully_however_it_is_served(lang, label, way):
    text = TEXTS[lang]
    ctype = WAYS[way].format(label=label)
    decoded, info = decode_html(page(text, label), ctype, None)
    assert f"<p>{text}</p><p>{text}</p>" in decoded, (info.used, info.reason)


@pytest.mark.parametrize(
    ("lang", "label", "wrong"),
    [
        ("zh-hans", "gbk", "big5"),
        ("zh-hant", "big5", "gbk"),
        ("ja", "shift_jis", "euc-jp"),
        ("ja", "euc-jp", "shift_jis"),
        ("ko", "euc-kr", "gbk"),
    ],
)
def test_a_cjk_page_labelled_as_another_cjk_codec(lang, label, wrong):
    text = TEXTS[lang]
    decoded, info = decode_html(page(text, label), f"text/html; charset={wrong}", None)
    assert f"<p>{text}</p>" in decoded, (info.used, info.reason)


def test_shift_jis_label_with_windows_extensions_is_windows_31j():
    text = "①第一会議室㈱髙﨑商店で≒百人が集合、Ⅲ期の説明を受けた。"
    body = page(text, "windows-31j")
    decoded, info = decode_html(body, "text/html; charset=shift_jis", None)
    assert (f"<p>{text}</p>" in decoded, info.used, info.reason) == (True, "cp932", "http-charset")


def test_tis_620_label_decodes_windows_874_quotes():
    text = "ผู้ใหญ่บ้านกล่าวว่า “ขอบคุณทุกคน” ในงานวันเด็ก"
    decoded, info = decode_html(page(text, "windows-874"), "text/html; charset=tis-620", None)
    assert (f"<p>{text}</p>" in decoded, info.used) == (True, "cp874")


def test_byte_0x80_in_a_gbk_page_is_the_euro_sign():
    body = "<p>票价每人".encode("gbk") + b"\x80" + "20元</p>".encode("gbk")
    decoded, info = decode_html(body, "text/html; charset=gbk", None)
    assert (decoded, info.used, info.invalid_bytes) == ("<p>票价每人€20元</p>", "gb18030", 0)


@pytest.mark.parametrize("ctype", ["text/html; charset=big5", "text/html"])
def test_big5_hkscs_cantonese_decodes(ctype):
    text = "佢話琴日冇去，今日先至去咗街市買餸。佢話琴日冇去，今日先至去咗街市買餸。"
    decoded, info = decode_html(f"<p>{text}</p>".encode("big5hkscs"), ctype, None)
    assert (decoded, info.used) == (f"<p>{text}</p>", "big5hkscs")


def test_a_gbk_page_with_stray_bad_bytes_costs_only_those_bytes():
    text = TEXTS["zh-hans"]
    body = f"<p>{text}</p>".encode("gbk")
    at = body.index("老人".encode("gbk"))
    damaged = body[:at] + b"\xff" + body[at : at + 10] + b"\xff" + body[at + 10 :]
    decoded, info = decode_html(damaged, "text/html", None)
    assert decoded.replace("\ufffd", "") == f"<p>{text}</p>" and info.used == "gb18030" and info.invalid_bytes == 2


def test_thin_evidence_never_overrules_a_label():
    """Six non-ASCII bytes are too few to say a Latin-1 label is wrong."""
    body = "<p>Prix: 20 € — très bien, à bientôt</p>".encode("cp1252")
    decoded, info = decode_html(body, "text/html; charset=iso-8859-1", None)
    assert (decoded, info.used, info.reason) == ("<p>Prix: 20 € — très bien, à bientôt</p>", "cp1252", "http-charset")
    assert info.confidence == "low" and info.candidates  # kept, and said to be a guess


ARTICLE = [
    "街道办事处组织志愿者为独居老人送去年夜饭，共有十二名党员参加了这次活动，大家都说这样的服务很贴心。",
    "活动结束后，志愿者们还帮助老人打扫了房间，检查了水电燃气设施，并留下了联系电话，方便老人随时求助。",
]


TEMPLATE = (
    "<html><head><meta charset='{label}'><title>社区新闻网</title></head><body>"
    "<div>首页 | 社区动态 | 志愿服务 | 联系我们</div><article>{article}</article>"
    "<div>版权所有 社区新闻网</div></body></html>"
)


@pytest.mark.parametrize(
    ("outer", "inner", "label"), [("utf-8", "gbk", "utf-8"), ("gbk", "utf-8", "gbk"), ("utf-8", "gbk", "")]
)
def test_a_page_mixing_utf8_and_gbk_runs_decodes_each_in_its_own(outer, inner, label):
    article = "".join(f"<p>{p}</p>" for p in ARTICLE)
    head, tail = TEMPLATE.format(label=label, article="\0").split("\0")
    body = head.encode(outer) + article.encode(inner) + tail.encode(outer)
    decoded, info = decode_html(body, "text/html", None)
    assert decoded == TEMPLATE.format(label=label, article=article)
    assert (info.used, info.reason, info.invalid_bytes) == ("utf-8+gb18030", "mixed", 0)


@pytest.mark.parametrize("text", [TEXTS["zh-hans"], TEXTS["zh-hant"], "首页 | 社区动态 | 志愿服务 | 联系我们 " * 3])
def test_a_pure_gbk_page_is_never_taken_for_a_mixed_one(text):
    decoded, info = decode_html(f"<p>{text}</p>".encode("gbk"), "text/html; charset=gbk", None)
    assert (decoded, info.used, info.reason) == (f"<p>{text}</p>", "gb18030", "http-charset")


@pytest.mark.parametrize(
    ("lang", "label", "hint", "used"),
    [
        ("ru", "cp855", "ibm855", "cp855"),
        ("el", "cp737", "cp737", "cp737"),
        ("ko", "johab", "johab", "johab"),
        ("zh-hans", "gbk", "ibm855", "gb18030"),
        ("zh-hant", "big5", "cp737", "cp950"),
    ],
)
def test_a_label_outside_the_table_is_a_hint_the_bytes_must_confirm(lang, label, hint, used):
    body = f"<p>{TEXTS[lang]}</p>".encode(label)
    decoded, info = decode_html(body, f"text/html; charset={hint}", None)
    assert (decoded, info.used) == (f"<p>{TEXTS[lang]}</p>", used)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (
            "Ein schöner Tag für alle Bürger: Straßenfest mit Musik und Würstchen, die Älteren plauderten fröhlich.",
            "cp1252",
        ),
        ("Le maire a présenté le budget de l’année prochaine : écoles rénovées et bibliothèque ouverte.", "cp1252"),
        ("Kõik linna elanikud on oodatud laupäeval rahvamajja, kus toimub sügisene laat ja müüakse õunu.", "cp1252"),
        ("Föreningen ordnade en höstmarknad på torget där äpplen och stickade tröjor såldes.", "cp1252"),
    ],
)
def test_a_western_page_under_a_latin_1_label_keeps_it(text, codec):
    """The detector overrules windows-1252 only when it reads the bytes clearly better in another
    codec: Estonian, whose letters a Baltic codec reads as well, stays windows-1252."""
    decoded, info = decode_html(page(text, "windows-1252"), "text/html; charset=iso-8859-1", None)
    assert (f"<p>{text}</p>" in decoded, info.used, info.reason) == (True, "cp1252", "http-charset")


@pytest.mark.parametrize(
    ("text", "codec", "used"),
    [
        ("Großartig", "cp1252", "cp1252"),
        ("Ça va très bien", "cp1252", "cp1252"),
        ("价格", "gbk", "gb18030"),
        ("價格", "big5", "cp950"),
    ],
)
def test_thin_evidence_without_a_label_is_marked_low_confidence(text, codec, used):
    """A few non-ASCII bytes and no label: common hanzi in GB18030 or Big5, else windows-1252
    (what browsers assume); the decision says it is low-confidence and what the detector offered."""
    decoded, info = decode_html(f"<p>{text}</p>".encode(codec), "text/html", None)
    assert (decoded, info.used, info.reason, info.confidence) == (f"<p>{text}</p>", used, "detected", "low")
    assert info.candidates.count(",") >= 1 and all(" 0." in c for c in info.candidates.split(", "))


def _derive(body: bytes, ctype: str):
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    capture = Capture(
        "https://news.example.cn/a/1.html", 200, (("Content-Type", ctype),), body, "2026-01-01T00:00:00Z", "example"
    )
    return derive(capture, TextOptions())


ARTICLE = ["街道办事处组织志愿者为独居老人送去年夜饭，共有十二名党员参加了这次活动，大家都说这样的服务很贴心。"]


def test_the_encoding_block_records_low_confidence_and_repairs():
    from crawler.text.render import front_matter

    doc = _derive(
        f"<html><body><article><p>{ARTICLE[0]}</p><p>Großartig</p></article></body></html>".encode(
            "cp1252", errors="xmlcharrefreplace"
        ),
        "text/html",
    )
    block = front_matter(doc, 0)["encoding"]
    assert (block["used"], block["confidence"]) == ("cp1252", "low") and block["candidates"]
    assert "repaired" not in block


@pytest.mark.parametrize("ctype", ["text/html; charset=windows-1252", "text/html; charset=iso-8859-1", "text/html"])
def test_one_accented_letter_repeated_is_thin_evidence(ctype):
    """``ééééé ééééé``: ten high bytes, all the same, read as well as Hebrew: no detector decides."""
    decoded, info = decode_html("<p>Romuald Rogge ééééé ééééé</p>".encode("cp1252"), ctype, None)
    assert (decoded, info.used, info.confidence) == ("<p>Romuald Rogge ééééé ééééé</p>", "cp1252", "low")
