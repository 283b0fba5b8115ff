"""Near-duplicate signatures and bands: candidates found as often as the Jaccard similarity says."""

from __future__ import annotations

import itertools
import random

import numpy as np

from crawler.text import dedup

HAN = [chr(0x4E00 + i) for i in range(2500)]


def text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HAN) for _ in range(n))


def edited(rng: random.Random, base: str, share: float) -> str:
    """``base`` with about ``share`` of its characters replaced by others."""
    chars = list(base)
    for _ in range(int(len(chars) * share)):
        chars[rng.randrange(len(chars))] = rng.choice(HAN)
    return "".join(chars)


def jaccard(a: list[str], b: list[str]) -> float:
    x, y = dedup.shingles(a), dedup.shingles(b)
    return len(x & y) / len(x | y)


def test_signature_slots_agree_as_often_as_the_shingle_sets_overlap():
    rng = random.Random(3)
    errors = []
    for _ in range(150):
        base = text(rng, rng.randrange(300, 3000))
        other = edited(rng, base, rng.uniform(0, 0.12))
        agree = float(np.mean(dedup.signature([base]) == dedup.signature([other])))
        errors.append(agree - jaccard([base], [other]))
    assert abs(float(np.mean(errors))) < 0.01  # unbiased
    assert float(np.std(errors)) < 0.05  # 128 slots: sqrt(J(1-J)/128) <= 0.045


def test_signature_depends_on_the_compared_text_only():
    body = ["第一段 文字，", "第二段\u3000文字。"]
    assert np.array_equal(dedup.signature(body), dedup.signature(["第一段文字，第二段文字。"]))
    assert dedup.signature(body).dtype == np.uint64 and dedup.signature(body).shape == (dedup.NUM_PERM,)
    long = "长" * dedup.PREFIX
    assert np.array_equal(dedup.signature([long + "甲乙丙"]), dedup.signature([long + "丁戊己"]))
    assert not np.array_equal(dedup.signature(["甲乙丙丁戊己"]), dedup.signature(["甲乙丙丁戊庚"]))
    for short in ("", "甲", "甲乙丙丁"):  # shorter than a shingle: one shingle, the whole text
        assert dedup.shingles([short]) == {short}
        assert dedup.signature([short]).shape == (dedup.NUM_PERM,)


def test_bands_are_the_ones_datasketch_chooses():
    # datasketch 2.0's MinHashLSH._optimal_param(t, 128, 0.5, 0.5) for these thresholds
    assert [dedup.bands(t) for t in (0.5, 0.7, 0.8, 0.9)] == [(25, 5), (14, 9), (9, 13), (5, 25)]


def brute_force(bodies: dict[str, list[str]], threshold: float) -> dict[str, tuple[str, str]]:
    groups = {i: {i} for i in bodies}
    for x, y in itertools.combinations(sorted(bodies), 2):
        if jaccard(bodies[x], bodies[y]) >= threshold and groups[x] is not groups[y]:
            merged = groups[x] | groups[y]
            for i in merged:
                groups[i] = merged
    return {i: (min(g), min(g)) for i, g in groups.items() if len(g) > 1}


def test_every_pair_above_the_threshold_is_clustered_and_none_below():
    rng = random.Random(11)
    bodies = {}
    for n in range(60):  # stories, each with 0-3 edited copies from light to heavy edits
        base = text(rng, rng.randrange(200, 3500))
        bodies[f"{n:03d}0"] = [base[: len(base) // 2], base[len(base) // 2 :]]
        for copy in range(1, rng.randrange(1, 5)):
            bodies[f"{n:03d}{copy}"] = [edited(rng, base, rng.uniform(0.0, 0.06))]
    expected = brute_force(bodies, 0.8)
    assert len(expected) > 60  # the set really has clusters near the threshold on both sides
    near = [
        i
        for i in expected
        if 0.8 <= max(jaccard(bodies[i], bodies[j]) for j in expected if j != i and expected[j] == expected[i]) < 0.9
    ]
    assert near
    got = dedup.cluster_stream([(i, "2024-01-01") for i in sorted(bodies)], bodies.__getitem__, 0.8)
    assert got == expected
