"""A floor under bench/charset.py on a small sample: the codec decision must not regress.

The bench generates article pages from Faker's locales in many legacy encodings and serves each
three ways; here one article per locale and encoding (31 pages, 93 decisions). The floors are
the figures measured when they were set (docs/performance.md has the full table): raise them
when the project does better, never lower them silently.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FLOORS = {  # (way, family): faithful texts of the project at least (set 2026-12-06: every one)
    (way, family): count
    for way in ("labelled", "unlabelled", "labelled iso-8859-1")
    for family, count in (("all", 31), ("CJK", 7), ("Cyrillic", 7), ("Greek", 2), ("Latin", 11))
}


@pytest.fixture(scope="module")
def table():
    path = Path(__file__).resolve().parents[1] / "bench" / "charset.py"
    spec = importlib.util.spec_from_file_location("bench_charset", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.accuracy(1)


def test_the_sample_is_the_one_the_floors_were_set_on(table):
    assert [table[(way, "all", "project")][1] for way in ("labelled", "unlabelled", "labelled iso-8859-1")] == [31] * 3


@pytest.mark.parametrize(("way", "family"), sorted(FLOORS))
def test_faithful_texts_stay_above_the_floor(table, way, family):
    assert table[(way, family, "project")][0] >= FLOORS[(way, family)]


@pytest.mark.parametrize("way", ["labelled", "unlabelled", "labelled iso-8859-1"])
@pytest.mark.parametrize("tool", ["charset-normalizer", "chardet"])
def test_at_least_as_faithful_as_either_detector_alone(table, way, tool):
    for family in ("CJK", "Cyrillic", "Greek", "Latin", "all"):
        assert table[(way, family, "project")][0] >= table[(way, family, tool)][0], family
