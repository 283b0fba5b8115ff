"""Text quality on real Chinese news pages: the figures of the quality gate (docs/quality.md).

    python bench/realpages.py            # per page and overall
    python bench/realpages.py --write-floors   # and pin the floors at what the code reaches

Runs every page of tests/data/realpages.yaml through ``scrapy extract``'s path (derive, then the
site-wide publish) and prints, per page, which of title, date, author, first and last paragraph
are right and how many listed furniture lines came out; then the totals, the share of expected
lines found and the CPU time per page, ours and trafilatura's own on the same pages. Prints
figures only; tests/test_text_realpages.py holds the floors.
"""

from __future__ import annotations

import argparse
import json
import time

from common import ROOT  # noqa: F401  (puts the project on sys.path)

from crawler.text.model import Capture  # noqa: E402
from tests.realpages import (
    CHECKS,
    FLOORS,
    OWN_PAGES,
    WARC_DATE,
    below_floors,
    expectations,  # noqa: E402
    extract,
    floors_of,
    floors_text,
    page_path,
    score,
    url_of,
)


def _mark(value) -> str:
    return "-" if value is None else ("ok" if value else "NO")


def _speed(names: list[str], expected: dict) -> tuple[float, float]:
    """CPU seconds a page: trafilatura alone and ``text.derive`` (the measure of
    docs/performance.md's 10% goal)."""
    captures = [
        Capture(
            url_of(n, expected[n]),
            200,
            (("Content-Type", "text/html; charset=utf-8"),),
            page_path(n).read_bytes(),
            WARC_DATE,
            "realpages",
        )
        for n in names
    ]
    return per_page(captures)


def per_page(captures, rounds: int = 2) -> tuple[float, float]:
    """CPU seconds per page (this process's: a shared machine stretches wall time, not this):
    trafilatura alone, and the whole of text.derive. The two alternate call by call, so that
    drift in the machine's speed hits both alike; each derive takes a page other than the one
    just extracted, and which of the two goes first alternates, so neither runs on the other's
    warm caches. (bench/rebuild.py had it until it became a whole-process measure.)"""
    import trafilatura

    from crawler.text import derive
    from crawler.text.model import TextOptions

    def alone(capture) -> None:
        trafilatura.extract(capture.body.decode("utf-8"), include_comments=False, deduplicate=False)

    def ours(capture) -> None:
        derive(capture, TextOptions())

    spent = {alone: 0.0, ours: 0.0}
    n = len(captures)
    for _ in range(rounds):
        for i, capture in enumerate(captures):
            calls = [(alone, capture), (ours, captures[(i + n // 2) % n])]
            for fn, page in calls if i % 2 == 0 else calls[::-1]:
                start = time.process_time()
                fn(page)
                spent[fn] += time.process_time() - start
    return spent[alone] / (rounds * n), spent[ours] / (rounds * n)


def _summary(label: str, scores: dict[str, dict], expected: dict) -> None:
    n = len(scores)
    totals = {c: sum(1 for s in scores.values() if s[c]) for c in CHECKS}
    authors = sum(1 for s in scores.values() if s["author"] is not None)
    leaked = sum(s["leaked"] for s in scores.values())
    furniture = sum(len(expected[name].get("furniture", [])) for name in scores)
    texts = [name for name in scores if not expected[name].get("no_text")]
    found = sum(bool(scores[name]["first"]) + bool(scores[name]["last"]) for name in texts)
    print(
        f"\n{label}, {n} pages: title {totals['title']}/{n}, date {totals['date']}/{n}, "
        f"author {totals['author']}/{authors}, first paragraph {totals['first']}/{n}, "
        f"last paragraph {totals['last']}/{n}, paragraphs apart {totals['apart']}/{n}, no furniture {totals['clean']}/{n}"
    )
    print(
        f"  expected lines found: {found}/{2 * len(texts)} ({found / (2 * len(texts)):.1%}); furniture lines "
        f"leaked: {leaked} of {furniture} listed ({leaked / n:.2f} a page)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--write-floors",
        action="store_true",
        help="write tests/data/realpages_floors.json for the current code (floors only go up: "
        "the test refuses a file that lowers one)",
    )
    args = parser.parse_args()
    expected = expectations()
    names = sorted(expected)
    scores = {name: score(expected[name], extract(name, url_of(name, expected[name]))) for name in names}
    print(f"{'page':26s} " + " ".join(f"{c:6s}" for c in CHECKS) + " leaked")
    for name in names:
        s = scores[name]
        print(f"{name:26s} " + " ".join(f"{_mark(s[c]):6s}" for c in CHECKS) + f" {s['leaked']}")
    own = {p.name for p in OWN_PAGES.glob("*.html")}
    _summary("real pages", {n: scores[n] for n in names if n not in own}, expected)
    _summary("foreign-language editions (our own pages)", {n: scores[n] for n in names if n in own}, expected)
    _summary("all", scores, expected)
    real = [n for n in names if n not in own]
    alone, ours = _speed(real, expected)  # the real pages: what trafilatura is measured on
    print(
        f"CPU a page: trafilatura alone {alone * 1000:.1f} ms, text.derive {ours * 1000:.1f} ms "
        f"(our steps add {(ours - alone) / alone:.0%})"
    )
    if args.write_floors:
        worse = below_floors(scores, json.loads(FLOORS.read_text("utf-8")))
        if worse:
            raise SystemExit("floors only go up; these pages got worse:\n" + "\n".join(worse))
        FLOORS.write_text(floors_text(floors_of(scores)), "utf-8")
        print(f"floors written to {FLOORS}")


if __name__ == "__main__":
    main()
