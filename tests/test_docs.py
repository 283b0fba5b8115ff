"""Every project setting read in code is documented, and every stats key is listed (docs/)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTING_READ = re.compile(r"settings\.get\w*\(\s*\"([A-Z][A-Z0-9_]+)\"|settings\[\"([A-Z][A-Z0-9_]+)\"\]")
STATS_KEY = re.compile(r"(?:inc_value|set_value|max_value|min_value)\(\s*f?\"([a-z_]+/[^\"]+)\"")


def sources() -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((ROOT / "crawler").rglob("*.py")))


def test_every_setting_read_in_code_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "docs/settings.md").read_text("utf-8"), re.M))
    read = {a or b for a, b in SETTING_READ.findall(sources())}
    own = {name for name in read if name.split("_")[0] in {"ARCHIVE", "SEEDS", "WARC", "TEXT", "STATE", "INCREMENTAL", "FAULTS", "REDIS", "HOSTGUARD", "SCOPE", "REPORT"}}
    assert own, "no project setting found in code: the pattern is broken"
    assert sorted(own - documented) == []


def test_every_stats_key_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+/[^`]+)` \|", (ROOT / "docs/stats.md").read_text("utf-8"), re.M))
    used = {re.sub(r"\{[^}]+\}", "{x}", key) for key in STATS_KEY.findall(sources())}
    families = [re.compile(re.escape(re.sub(r"\{[^}]+\}", "{x}", key)).replace(r"\{x\}", r"[^/]+") + "$")
                for key in documented]
    assert used, "no stats key found in code: the pattern is broken"
    assert sorted(key for key in used if not any(f.match(key) for f in families)) == []
