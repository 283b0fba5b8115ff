"""Every project setting read in code is documented, and every stats key is listed (docs/)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTING_READ = re.compile(
    r"settings\.get\w*\(\s*\"([A-Z][A-Z0-9_]+)\"|settings\[\"([A-Z][A-Z0-9_]+)\"\]"
    r"|\bsetting\(\"([A-Z][A-Z0-9_]+)\""
)  # the last: a field of crawler/options.py
STATS_KEY = re.compile(r"(?:inc_value|set_value|max_value|min_value)\(\s*f?\"([a-z_]+/[^\"]+)\"")


def settings_read(text: str) -> set[str]:
    """The names of the settings ``text`` (source code) reads."""
    return {next(filter(None, groups)) for groups in SETTING_READ.findall(text)}


def sources() -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((ROOT / "crawler").rglob("*.py")))


def test_every_setting_read_in_code_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "docs/settings.md").read_text("utf-8"), re.M))
    read = settings_read(sources())
    own = {
        name
        for name in read
        if name.split("_")[0]
        in {
            "ARCHIVE",
            "SEEDS",
            "WARC",
            "TEXT",
            "STATE",
            "INCREMENTAL",
            "FAULTS",
            "REDIS",
            "HOSTGUARD",
            "SCOPE",
            "REPORT",
        }
    }
    assert own, "no project setting found in code: the pattern is broken"
    assert sorted(own - documented) == []


def test_every_stats_key_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+/[^`]+)` \|", (ROOT / "docs/stats.md").read_text("utf-8"), re.M))
    used = {re.sub(r"\{[^}]+\}", "{x}", key) for key in STATS_KEY.findall(sources())}
    families = [
        re.compile(re.escape(re.sub(r"\{[^}]+\}", "{x}", key)).replace(r"\{x\}", r"[^/]+") + "$") for key in documented
    ]
    assert used, "no stats key found in code: the pattern is broken"
    assert sorted(key for key in used if not any(f.match(key) for f in families)) == []


def documented_keys() -> list[str]:
    return re.findall(r"^\| `([a-z_]+/[^`]+)` \|", (ROOT / "docs/stats.md").read_text("utf-8"), re.M)


def asserted_strings() -> list[str]:
    """Every string constant that a test asserts on: inside an ``assert`` statement, or in a value
    assigned to a name saying it is expected (``expected = {...}``, ``EXPECTED_STATS = ...``)."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Assign) and any("expected" in ast.unparse(t).lower() for t in node.targets):
                node = node.value
            elif not isinstance(node, ast.Assert):
                continue
            found += [c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return found


def key_pattern(key: str) -> re.Pattern:
    """A documented key as it appears in a string: a ``{placeholder}`` family counts by any one member
    (a name, or a Python class as Scrapy's ``robotstxt/exception_count/<class '...'>`` names it)."""
    body = re.escape(key).replace(r"\{", "{").replace(r"\}", "}")
    member = r"(?:<class '[\\w.]+'>|[\\w.-]+)"
    return re.compile(r"(?<![\w/])" + re.sub(r"\{[^}]+\}", member, body) + r"(?![\w/])")


def test_every_documented_stats_key_is_asserted_by_some_test():
    keys, strings = documented_keys(), "\n".join(asserted_strings())
    assert len(keys) > 50, "no stats key found in docs/stats.md: the pattern is broken"
    assert [key for key in keys if not key_pattern(key).search(strings)] == []
