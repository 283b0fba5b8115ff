"""Charset decisions on many scripts' legacy encodings, and the cost of the text steps on clean pages.

    python bench/charset.py --docs 6            # accuracy table: project vs charset-normalizer vs w3lib
    python bench/charset.py --realpages DIR     # ms a page of decode, repair, annotations on real UTF-8 pages

Accuracy: article pages are generated from Faker's locales (real words, names, addresses in each
script), encoded in each legacy codec of their script and served three ways: labelled (HTTP
charset), unlabelled (no header charset, no <meta>), and labelled ``iso-8859-1`` (the commonest
wrong label). A page is *faithful* when every paragraph the text steps give is one of the true
paragraphs. The same pages go through charset-normalizer alone and chardet alone (each one's best
guess) and through w3lib's ``html_to_unicode`` (what plain Scrapy does). Deterministic: same arguments, same pages.
Prints figures; passes or fails nothing (tests/test_text_charset_bench.py pins a floor).
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.text.decode import decode_html  # noqa: E402
from crawler.text.normalize import normalize_whitespace, strip_annotations  # noqa: E402
from crawler.text.repair import repair_paragraphs  # noqa: E402

# (family, Faker locale, the WHATWG label of each legacy encoding the page is served in)
CORPUS = (
    ("CJK", "zh_CN", ("gb2312", "gbk", "gb18030")),
    ("CJK", "zh_TW", ("big5",)),
    ("CJK", "ja_JP", ("shift_jis", "euc-jp")),
    ("CJK", "ko_KR", ("euc-kr",)),
    ("Cyrillic", "ru_RU", ("windows-1251", "koi8-r", "ibm866", "iso-8859-5")),
    ("Cyrillic", "uk_UA", ("windows-1251", "koi8-u")),
    ("Cyrillic", "bg_BG", ("windows-1251",)),
    ("Greek", "el_GR", ("iso-8859-7", "windows-1253")),
    ("Hebrew", "he_IL", ("windows-1255", "iso-8859-8")),
    ("Arabic", "ar_AA", ("windows-1256",)),
    ("Arabic", "fa_IR", ("windows-1256",)),
    ("Thai", "th_TH", ("tis-620",)),
    ("Latin", "vi_VN", ("windows-1258",)),
    ("Latin", "hu_HU", ("iso-8859-2", "windows-1250")),
    ("Latin", "cs_CZ", ("iso-8859-2", "windows-1250")),
    ("Latin", "pl_PL", ("iso-8859-2", "windows-1250")),
    ("Latin", "tr_TR", ("windows-1254",)),
    ("Latin", "de_DE", ("windows-1252",)),
    ("Latin", "fr_FR", ("windows-1252", "iso-8859-15")),
    ("Latin", "lt_LT", ("windows-1257",)),
)
WAYS = ("labelled", "unlabelled", "labelled iso-8859-1")
TOOLS = ("project", "charset-normalizer", "chardet", "w3lib")
_P = re.compile(r"<p>(.*?)</p>", re.S)


def _faker(locale: str, seed: int):
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def article(locale: str, seed: int, codec: str) -> tuple[str, list[str]] | None:
    """(title, paragraphs) in ``locale``'s script that ``codec`` encodes, or None."""
    fake = _faker(locale, seed)
    paragraphs = []
    # some locales' lorem is Latin (ko_KR, bg_BG, hu_HU, tr_TR, lt_LT ...): a page in that
    # script is made of its names, places, companies and jobs instead
    lorem = not fake.text(100).isascii()
    for _ in range(40):
        pieces = [fake.text(200)] if lorem else []
        pieces += [
            fake.name(),
            fake.address(),
            fake.company(),
            fake.job(),
            fake.city(),
            fake.name(),
            fake.street_name(),
        ]
        candidate = normalize_whitespace(" ".join(pieces).replace("\n", " "))
        try:
            candidate.encode(codec)
        except UnicodeEncodeError:
            continue
        paragraphs.append(candidate)
        if len(paragraphs) == 5:
            break
    if len(paragraphs) < 3:
        return None
    return paragraphs[0][:40], paragraphs


def page(title: str, paragraphs: list[str], codec: str) -> bytes:
    """An article page: a little furniture, the paragraphs as <p>, no charset <meta>."""
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"
        f"<div class='nav'><a href='/'>Home</a> | <a href='/news'>News</a></div>"
        f"<div class='article'>{body}</div><div class='foot'>(c) 2026</div></body></html>"
    ).encode(codec)


def corpus(docs: int):
    """(family, locale, label, title, paragraphs, body) for ``docs`` articles per (locale, label)."""
    from crawler.text.labels import codec_for

    for family, locale, labels in CORPUS:
        for label in labels:
            codec = codec_for(label)
            for n in range(docs):
                made = article(locale, 1000 * n + len(label), codec)
                if made is not None:
                    yield family, locale, label, made[0], made[1], page(*made, codec)


def served(way: str, label: str) -> str:
    return {
        "labelled": f"text/html; charset={label}",
        "unlabelled": "text/html",
        "labelled iso-8859-1": "text/html; charset=iso-8859-1",
    }[way]


def _paragraphs(text: str) -> list[str]:
    return [normalize_whitespace(html.unescape(p)) for p in _P.findall(text)]


def project(body: bytes, ctype: str) -> list[str]:
    """The project's text steps: decode, repair, annotations, whitespace."""
    text, _ = decode_html(body, ctype, None)
    lines, _ = repair_paragraphs(_paragraphs(text))
    return strip_annotations(lines)[0]


def normalizer(body: bytes, ctype: str) -> list[str]:
    """charset-normalizer alone: its best guess for the bytes (labels ignored, as it works)."""
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    return _paragraphs(str(best)) if best is not None else []


def chardet_alone(body: bytes, ctype: str) -> list[str]:
    """chardet 7 alone (what the project ranks single-byte codecs with): its best guess."""
    import chardet

    from crawler.text.labels import codec_for

    name = chardet.detect(body, prefer_superset=False, compat_names=False)["encoding"] or "utf-8"
    return _paragraphs(body.decode(codec_for(name) or codec_for(name.replace("_", "-")) or name, errors="replace"))


def w3lib(body: bytes, ctype: str) -> list[str]:
    """What plain Scrapy does: w3lib's html_to_unicode (header, BOM, <meta>, then UTF-8)."""
    from w3lib.encoding import html_to_unicode

    return _paragraphs(html_to_unicode(ctype, body)[1])


def faithful(lines: list[str], truth: list[str]) -> bool:
    return bool(lines) and all(line in truth for line in lines)


def accuracy(docs: int) -> dict:
    """{(way, family, tool): [faithful, total, ms...]} over the generated corpus."""
    tools = {"project": project, "charset-normalizer": normalizer, "chardet": chardet_alone, "w3lib": w3lib}
    table = defaultdict(lambda: [0, 0, []])
    failures = []
    for family, locale, label, _, truth, body in corpus(docs):
        for way in WAYS:
            ctype = served(way, label)
            for name, tool in tools.items():
                start = time.perf_counter()
                lines = tool(body, ctype)
                elapsed = (time.perf_counter() - start) * 1000
                for key in ((way, family, name), (way, "all", name)):
                    cell = table[key]
                    cell[0] += faithful(lines, truth)
                    cell[1] += 1
                    cell[2].append(elapsed)
                if name == "project" and not faithful(lines, truth):
                    failures.append((way, locale, label))
    table["failures"] = failures
    return table


def print_accuracy(table: dict) -> None:
    families = ["CJK", "Cyrillic", "Greek", "Hebrew", "Arabic", "Thai", "Latin", "all"]
    print("| served as | family | project | charset-normalizer alone | chardet alone | w3lib (plain Scrapy) |")
    print("|---|---|---|---|---|---|")
    for way in WAYS:
        for family in families:
            cells = [table[(way, family, name)] for name in TOOLS]
            if not cells[0][1]:
                continue
            print(f"| {way} | {family} | " + " | ".join(f"{c[0]} / {c[1]}" for c in cells) + " |")
    print()
    print("| ms a page (median) | project | charset-normalizer alone | chardet alone | w3lib |")
    print("|---|---|---|---|---|")
    for way in WAYS:
        cells = [table[(way, "all", name)] for name in TOOLS]
        print(f"| {way} | " + " | ".join(f"{statistics.median(c[2]):.2f}" for c in cells) + " |")
    if table["failures"]:
        print("\nproject not faithful:", ", ".join(f"{w}/{loc}/{lab}" for w, loc, lab in table["failures"]))


def realpages(directory: Path, runs: int) -> None:
    """CPU ms a page of each text step on real UTF-8 pages (mean over the pages, median of ``runs``):
    decode, the text-level repair (the added cost on clean pages, the common case), annotations."""
    import lxml.html

    from crawler.text.normalize import normalize_lines

    bodies = [p.read_bytes() for p in sorted(directory.glob("*.html"))]
    lines_of = []
    for body in bodies:
        tree = lxml.html.fromstring(body.decode("utf-8", "replace"))
        lines_of.append(normalize_lines(tree.text_content()))
    steps = {
        "decode": lambda body, lines: decode_html(body, "text/html", None),
        "repair": lambda body, lines: repair_paragraphs(lines),
        "annotations": lambda body, lines: strip_annotations(lines),
    }
    for name, step in steps.items():
        for body, lines in zip(bodies, lines_of):  # warm: tables built once a process
            step(body, lines)
        per_run = []
        for _ in range(runs):
            start = time.process_time()
            for body, lines in zip(bodies, lines_of):
                step(body, lines)
            per_run.append((time.process_time() - start) * 1000 / len(bodies))
        print(
            f"{len(bodies)} pages: {name} {statistics.median(per_run):.2f} ms a page "
            f"(CPU, median of {runs} runs: {', '.join(f'{x:.2f}' for x in per_run)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4, help="articles per locale and encoding")
    parser.add_argument("--realpages", type=Path, help="a directory of real UTF-8 pages to time instead")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.realpages:
        realpages(args.realpages, args.runs)
    else:
        print_accuracy(accuracy(args.docs))


if __name__ == "__main__":
    main()
