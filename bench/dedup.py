"""Near-duplicate publishing at 1k, 5k and 20k near-identical pages (issue: it was quadratic).

    python bench/dedup.py [--sizes 1000 5000 20000] [--workers 1]

Writes N derived documents that are the same article with a small per-page difference (a print
view, a mobile copy, a visit counter), then times ``crawler.text.publish.publish`` (site-wide boilerplate,
near-duplicate clusters, text files, manifest) and reports seconds, seconds per 1,000 pages and
the clusters found (20 stories: 20 clusters of N/20 pages each).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from common import ROOT  # noqa: F401  puts the project on sys.path

from crawler.text.model import Document, EncodingInfo, TextOptions, WarcRef
from crawler.text.publish import publish
from crawler.text.store import TextStore

STORY = [
    "本报讯 近日，城东街道联合辖区卫生服务中心开展了为期一周的义诊进社区活动，为居民提供免费体检和健康咨询。",
    "活动现场，医生们耐心地为前来咨询的老人测量血压、血糖，并根据检查结果给出饮食和运动方面的建议。",
    "街道负责人介绍，今年以来已组织类似活动十二次，累计服务居民三千余人次，受到群众普遍欢迎。",
    "下一步，街道将与更多医疗机构合作，把义诊活动办成常态化的便民服务项目，让居民在家门口享受优质医疗资源。",
]


HAN = [chr(0x4E00 + i) for i in range(3000)]


def documents(n: int, stories: int = 20):
    """``n`` pages: ``stories`` articles, each copied n/stories times with one character of every
    paragraph changed (so no paragraph repeats exactly: site-wide boilerplate keeps them)."""
    rng = random.Random(5)
    bases = [
        [rng.choice(HAN) + p[1:] + "".join(rng.choice(HAN) for _ in range(40)) for p in STORY] for _ in range(stories)
    ]
    for i in range(n):
        doc_id = f"{i:016x}"
        body = []
        for paragraph in bases[i % stories]:
            chars = list(paragraph)
            chars[rng.randrange(len(chars))] = rng.choice(HAN)
            body.append("".join(chars))
        yield Document(
            id=doc_id,
            url=f"http://copies.example.cn/p/{i}.html",
            source="copies",
            title="义诊进社区",
            fetched=f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
            encoding=EncodingInfo("utf-8", "utf-8", "http", 0, 0, 0, 0),
            paragraphs=tuple(body),
            warc=WarcRef("copies.warc.gz", i * 1000, f"<urn:uuid:{doc_id}>", "sha1:X"),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    args = parser.parse_args()
    print(f"{'pages':>7} {'publish s':>10} {'s / 1k pages':>13} {'clusters':>9} {'largest':>8}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = TextStore(tmp)
            for doc in documents(n):
                store.write_derived(doc)
            start = time.perf_counter()
            publish(store, {"copies": TextOptions()})
            took = time.perf_counter() - start
            clusters = {}
            for line in (Path(tmp) / "manifest.jsonl").read_text("utf-8").splitlines():
                entry = json.loads(line)
                key = entry.get("cluster") or entry.get("near_duplicate_of") or entry["id"]
                clusters[key] = clusters.get(key, 0) + 1
            big = [c for c in clusters.values() if c > 1]
            print(f"{n:7} {took:10.1f} {took / n * 1000:13.2f} {len(big):9} {max(big, default=1):8}")


if __name__ == "__main__":
    main()
