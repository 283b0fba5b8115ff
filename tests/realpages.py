"""The real-page quality gate's engine: expectations, one page through ``scrapy extract``'s path, scores.

Shared by ``tests/test_text_realpages.py`` (floors) and ``bench/realpages.py`` (figures). The
pages are third-party (GPL-3.0) and are never copied into the project: they are read from
``REALPAGES_DIR``, else ``<repo>/../shared/realpages/gne`` (CI keeps that folder beside its
clone), else ``/work/shared/realpages/gne``. ``tests/data/realpages.yaml`` holds what a person
read on each page (title, date, author, short fragments of the first and last paragraphs,
furniture that must not come out); ``tests/data/realpages/`` holds a few pages written for the
project (foreign-language editions), expected the same way.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import yaml

from crawler.text.model import Capture, TextError, TextOptions
from crawler.text.sitewide import finalize

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXPECTED = DATA / "realpages.yaml"
FLOORS = DATA / "realpages_floors.json"
OWN_PAGES = DATA / "realpages"
WARC_DATE = "2026-01-01T00:00:00Z"  # after every page's date: dates are bounded by the capture's
CHECKS = ("title", "date", "author", "first", "last", "apart", "clean")


def pages_dir(places: list[Path] | None = None) -> Path:
    """Where the 62 real pages are; AssertionError with the places tried when none holds them."""
    tried = [Path(os.environ["REALPAGES_DIR"])] if os.environ.get("REALPAGES_DIR") else []
    tried += (
        places
        if places is not None
        else [ROOT.parent / "shared" / "realpages" / "gne", Path("/work/shared/realpages/gne")]
    )
    for place in tried:
        if place.is_dir() and any(place.glob("*.html")):
            return place
    raise AssertionError(
        "the real pages are missing: set REALPAGES_DIR or put them in one of " + ", ".join(str(p) for p in tried)
    )


def expectations() -> dict[str, dict]:
    """Per page file name, what a person read on it."""
    return yaml.safe_load(EXPECTED.read_text("utf-8"))


def page_path(name: str) -> Path:
    return OWN_PAGES / name if (OWN_PAGES / name).is_file() else pages_dir() / name


@dataclass(frozen=True)
class Extracted:
    """What ``scrapy extract`` writes for one page: front matter values and the text lines."""

    title: str
    published: str
    author: str
    lines: tuple[str, ...]  # title line and paragraphs, as in the text file


def extract(name: str, url: str) -> Extracted | None:
    """The page through derive and the site-wide publish, as ``scrapy extract`` runs them on a
    WARC holding it as a UTF-8 text/html 200 response; None when no text file is written."""
    from crawler.text import derive

    capture = Capture(
        url, 200, (("Content-Type", "text/html; charset=utf-8"),), page_path(name).read_bytes(), WARC_DATE, "realpages"
    )
    try:
        doc = derive(capture, TextOptions(only_articles=True))  # as scrapy extract without --all
    except TextError:
        return None
    data = next(iter(finalize([doc], {}).texts.values())).decode("utf-8")
    front, text = data.split("\n---\n", 1)
    fields = yaml.safe_load(front.removeprefix("---\n"))
    return Extracted(
        str(fields["title"]), str(fields.get("published", "")), str(fields.get("author", "")), tuple(text.splitlines())
    )


def score(expected: dict, got: Extracted | None) -> dict[str, bool | int | None]:
    """Per check, True/False (None: not applicable: the page shows no author), and ``leaked``,
    how many furniture fragments came out."""
    furniture = expected.get("furniture", [])
    if expected.get("no_text"):  # a page without article text: right when no text file is written
        return {**dict.fromkeys(CHECKS, got is None), "author": None, "leaked": 0 if got is None else 1}
    if got is None:
        return {**dict.fromkeys(CHECKS, False), "author": None if not expected.get("author") else False, "leaked": 0}
    body = got.lines[1:]
    leaked = sum(any(f in line for line in got.lines) for f in furniture)
    author = expected.get("author") or ("" if expected.get("no_author") else None)
    return {
        "title": got.title == expected["title"],
        "date": got.published[:10] == str(expected.get("date") or "")[:10],
        "author": None if author is None else author == got.author,
        "first": any(expected["first"] in line for line in body),
        "last": any(expected["last"] in line for line in body),
        # one paragraph a line: the first and the last paragraph are not run together in one line
        # (a list item holding the whole article came out so), unless the article is one paragraph
        "apart": _apart(body, expected["first"], expected["last"], expected.get("one_paragraph", False)),
        "clean": leaked == 0,
        "leaked": leaked,
    }


def _apart(body: tuple[str, ...], first: str, last: str, one_paragraph: bool) -> bool:
    firsts = {i for i, line in enumerate(body) if first in line}
    lasts = {i for i, line in enumerate(body) if last in line}
    return bool(firsts and lasts) and (one_paragraph or not firsts & lasts)


def unseen_fragments(name: str, expected: dict) -> list[str]:
    """The expected fragments the page does not hold (a typo in the data would pass vacuously)."""
    from crawler.text.extract import fallback_text

    html = page_path(name).read_text("utf-8")
    text = fallback_text(html).replace("\n", " ") + " " + " ".join(lxml.html.fromstring(html).text_content().split())
    wanted = [expected["title"], *expected.get("furniture", [])]
    wanted += [] if expected.get("no_text") else [expected["first"], expected["last"]]
    return [f for f in wanted if " ".join(f.split()) not in text]


def run_all() -> dict[str, dict]:
    """Scores of every page of the expectations, by name."""
    return {name: score(exp, extract(name, url_of(name, exp))) for name, exp in sorted(expectations().items())}


def floors_of(scores: dict[str, dict]) -> dict[str, dict]:
    """The floors file the given scores pin: per page, the checks passed and the furniture
    fragments leaked at most."""
    return {
        name: {"passed": sorted(c for c in CHECKS if s[c]), "leaked": s["leaked"]} for name, s in sorted(scores.items())
    }


def floors_text(floors: dict[str, dict]) -> str:
    """The floors file: JSON, one page a line, so that raising a floor is a one-line diff."""
    rows = [f" {json.dumps(name)}: {json.dumps(floor, sort_keys=True)}" for name, floor in sorted(floors.items())]
    return "{\n" + ",\n".join(rows) + "\n}\n"


def below_floors(scores: dict[str, dict], floors: dict[str, dict]) -> list[str]:
    """One line per page worse than its floor: a check it passed fails, or more furniture leaks."""
    worse = []
    for name, floor in sorted(floors.items()):
        s = scores[name]
        lost = [c for c in floor["passed"] if not s[c]]
        if lost or s["leaked"] > floor["leaked"]:
            worse.append(f"{name}: lost {lost}, leaked {s['leaked']} (floor {floor['leaked']})")
    return worse


def url_of(name: str, expected: dict) -> str:
    """The page's address: the saved pages have none, so a neutral one unless the data gives it."""
    return expected.get("url") or f"https://realpages.invalid/gne/{name}"


__all__ = [
    "CHECKS",
    "below_floors",
    "floors_of",
    "floors_text",
    "Extracted",
    "expectations",
    "extract",
    "pages_dir",
    "run_all",
    "score",
    "unseen_fragments",
    "url_of",
]
