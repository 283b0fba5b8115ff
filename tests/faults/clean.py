"""The clean-run comparison of the fault tests: the text files and manifest of a faulted run, side
by side with those of the same command on the same input without the fault.

`comparable(root)` leaves out only what must differ between two runs that capture or read the
same pages at another moment or from another file, and keeps every other byte:

- ``fetched`` (when a crawl fetched the page; an extract of the same WARC-Date keeps it equal);
- where the record sits: the WARC file name (time, pid, serial), its offset and record id, in the
  front matter and the manifest (the payload digest stays);
- the manifest's sha256 of the whole file (checked against the file instead, then left out) and
  ``last_seen`` (the latest capture of the same text: a run after the fault captures again);
- with ``base``: the server's address, which a fresh local server picks anew (a port), replaced
  by ``{base}``; text files are keyed by URL, because the file name is the hash of the URL.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml


def _front_url(data: bytes) -> str:
    return yaml.safe_load(data.split(b"---\n", 2)[1].decode("utf-8"))["url"]


def text_files(root: Path, base: str | None = None) -> dict[str, bytes]:
    """URL -> the text file's bytes without ``fetched`` and the record's place (see module docstring)."""
    out = {}
    for path in sorted((root / "text").glob("*/*.txt")):
        data = path.read_bytes()
        data = re.sub(rb"(?m)^fetched: .*\n", b"", data, count=1)
        data = re.sub(rb"(?m)^warc: \{file: [^,]+, offset: \d+, record_id: '?[^',]*'?, ", b"warc: {", data, count=1)
        url = _front_url(data)
        if base:
            data, url = data.replace(base.encode(), b"{base}"), url.replace(base, "{base}")
        out[url] = data
    return out


def manifest(root: Path, base: str | None = None) -> dict[str, dict]:
    """URL -> the manifest entry without what must differ (see module docstring)."""
    out = {}
    for line in (root / "manifest.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        text = root / "text" / entry["source"] / f"{entry['id']}.txt"
        assert entry.pop("sha256") == hashlib.sha256(text.read_bytes()).hexdigest()  # of the whole file
        for key in ("fetched", "last_seen", "id" if base else ""):
            entry.pop(key, None)
        entry["warc"] = {"payload_digest": entry["warc"].get("payload_digest", "")}
        if base:
            entry = json.loads(json.dumps(entry, ensure_ascii=False).replace(base, "{base}"))
        out[entry["url"]] = entry
    return out


def comparable(root: Path, base: str | None = None) -> tuple[dict[str, bytes], dict[str, dict]]:
    """The text files and the manifest of an archive (or an ``extract --out``), comparable across runs."""
    return text_files(root, base), manifest(root, base)
