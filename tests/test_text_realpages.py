"""The quality gate on real Chinese news pages: no page gets worse than its pinned floor.

The pages are read from outside the project (tests/realpages.py says where); expectations are
in tests/data/realpages.yaml, floors in tests/data/realpages_floors.json (``python
bench/realpages.py --write-floors`` pins them at what the code reaches; they only go up).
"""

from __future__ import annotations

import json

import pytest

from .realpages import (
    CHECKS,
    FLOORS,
    OWN_PAGES,
    Extracted,
    below_floors,
    expectations,
    pages_dir,
    run_all,
    score,
    unseen_fragments,
)


@pytest.fixture(scope="module")
def scores():
    return run_all()


def test_the_real_pages_are_there():
    names = {p.name for p in pages_dir().glob("*.html")}
    assert len(names) == 62
    assert names <= set(expectations())  # every page has its expectations written


def test_missing_pages_fail_with_the_places_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("REALPAGES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(AssertionError, match="the real pages are missing: set REALPAGES_DIR"):
        pages_dir([tmp_path / "empty"])
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "a.html").write_text("<p>x</p>")
    monkeypatch.setenv("REALPAGES_DIR", str(tmp_path / "here"))
    assert pages_dir([]) == tmp_path / "here"


def test_every_page_has_complete_expectations():
    for name, expected in expectations().items():
        assert expected["title"], name
        if not expected.get("no_text"):
            assert expected["first"] and expected["last"], name
        assert len(expected.get("furniture", [])) >= 3, name


def test_every_expected_fragment_is_on_its_page():
    # a fragment a page does not hold would be "not leaked" forever, or "found" never
    assert {name: unseen_fragments(name, e) for name, e in expectations().items() if unseen_fragments(name, e)} == {}


def test_no_page_is_worse_than_its_floor(scores):
    floors = json.loads(FLOORS.read_text("utf-8"))
    assert set(floors) == set(expectations())
    assert below_floors(scores, floors) == []


def test_the_score_sees_each_defect():
    expected = {
        "title": "标题",
        "date": "2024-05-03",
        "author": "王某",
        "first": "第一段的片段",
        "last": "最后一段的片段",
        "furniture": ["分享到", "相关阅读", "版权所有"],
    }
    right = Extracted("标题", "2024-05-03T08:00:00+08:00", "王某", ("标题", "甲第一段的片段乙", "丙最后一段的片段丁"))
    assert score(expected, right) == {**dict.fromkeys(CHECKS, True), "leaked": 0}
    wrong = Extracted("标题_某某网", "2024-05-04", "", ("标题_某某网", "第一段", "相关阅读：一", "版权所有 分享到"))
    assert score(expected, wrong) == {**dict.fromkeys(CHECKS, False), "leaked": 3}
    assert score(expected, None) == {**dict.fromkeys(CHECKS, False), "leaked": 0}
    run_together = Extracted(
        "标题", "2024-05-03", "王某", ("标题", "- 标题 甲第一段的片段乙 丙最后一段的片段丁", "原标题：标题")
    )
    assert score(expected, run_together)["apart"] is False and score(expected, run_together)["first"] is True
    one_paragraph = Extracted("标题", "2024-05-03", "王某", ("标题", "甲第一段的片段乙 丙最后一段的片段丁"))
    assert score(expected, one_paragraph)["apart"] is False
    assert score({**expected, "one_paragraph": True}, one_paragraph)["apart"] is True
    assert score({**expected, "author": None}, right)["author"] is None  # no author on the page: not scored
    nobody = {**expected, "author": None, "no_author": True}  # ...unless it is marked: then none is right
    assert score(nobody, right)["author"] is False and score(nobody, wrong)["author"] is True
    assert score({**expected, "no_text": True}, None) == {**dict.fromkeys(CHECKS, True), "author": None, "leaked": 0}


def test_the_foreign_editions_are_the_projects_own_pages():
    own = {p.name for p in OWN_PAGES.glob("*.html")}
    assert own == {"en-1.html", "ru-1.html", "ja-1.html", "ko-1.html"} and own <= set(expectations())
    assert not own & {p.name for p in pages_dir().glob("*.html")}
