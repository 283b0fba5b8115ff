"""The demo site's articles: original short news items about community volunteering.

Each article is generated deterministically from a few hand-written sentence patterns filled
with places, people and numbers, so every article is different and no sentence repeats across
pages (repeated sentences would rightly be learned as site boilerplate). Traditional-Chinese
articles (the company sub-site) have their own patterns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

PLACES = ["东城街道", "西湖社区", "南山镇", "北关村", "临江街道", "青石社区", "柳荫路社区", "金沙镇",
          "望海街道", "松林村", "桥南社区", "白塔街道", "红星社区", "石门镇", "新河街道", "梧桐社区"]
NAMES = ["林晓", "周敏", "陈立", "黄佳怡", "赵明远", "孙倩", "吴海波", "郑雨", "王秀兰", "刘建国",
         "何静", "马骏", "高原", "罗欣", "梁文涛", "谢婷"]
ACTS = [("为独居老人送年夜饭", "饺子和热汤"), ("开展旧衣物回收", "冬衣和棉被"), ("组织义诊进小区", "血压计和常用药"),
        ("帮助留守儿童辅导功课", "课本和文具"), ("清理河道垃圾", "长柄网兜和垃圾袋"), ("开设老年人智能手机课堂", "手机支架和讲义"),
        ("为环卫工人送清凉", "绿豆汤和毛巾"), ("举办社区读书会", "捐赠的图书"), ("协助疫苗接种登记", "登记表和体温计"),
        ("维修社区公共座椅", "工具箱和油漆"), ("开展垃圾分类宣传", "宣传册和分类桶"), ("陪伴失能老人散步", "轮椅和保温杯")]

OPENINGS = [
    "{date_cn}，{place}的{n}名志愿者{act}，{item}一早就准备妥当。",
    "{place}新时代文明实践站{date_cn}组织{n}名志愿者{act}，活动持续了{h}个小时。",
    "记者{date_cn}从{place}了解到，当地志愿服务队近期{act}，共有{n}名志愿者报名参加。",
]
MIDDLES = [
    "“以前总觉得{topic}离自己很远，参加了{c}次活动才知道能帮上的忙很多。”志愿者{name}说。",
    "志愿者们分成{g}个小组，有的负责登记，有的负责搬运{item}，现场秩序井然。",
    "据统计，活动当天共服务居民{m}人次，发放{item}{k}份。",
    "{name}是一名退休教师，已经连续{y}年参加社区志愿服务，大家都叫她“热心{surname}阿姨”。",
    "不少居民主动加入进来，{place}的志愿者队伍从最初的{small}人扩大到了{n}人。",
    "活动结束后，{g}名志愿者还把剩下的{item}整理好放回{place}服务站，方便下次使用。",
    "一位{age}岁的受助居民拉着{name}的手说：“你们这{c}年做的事，大家都看在眼里。”",
]
CLOSINGS = [
    "{place}负责人表示，下一步将把{act2}做成常态化项目，每月至少开展{c}次。",
    "据悉，{place}今年已累计开展各类志愿服务{c}0余场，参与人数超过{m}人次。",
    "活动组织者希望有更多年轻人加入{place}志愿服务队，让{act2}持续下去。",
]

T_PLACES = ["集團總部", "文旅公司", "景區管理處", "酒店事業部", "物業公司", "運營中心", "客服中心"]
T_NAMES = ["尚曉明", "李慧芳", "張國棟", "陳雅婷", "王志強", "劉美玲", "黃建華"]
T_OPENINGS = [
    "{date_cn}，{place}組織{n}名員工志願者走進社區，協助開展物資轉運和秩序維護工作。",
    "近日，{place}黨支部發出倡議，{n}名黨員職工主動報名，就地轉為社區志願者。",
]
T_MIDDLES = [
    "「大家各有分工，有人負責登記，有人負責搬運，效率比預想的高很多。」志願者{name}說。",
    "{name}同志連續{y}天堅守在小區卡點，每天工作時間超過{h}個小時。",
    "志願者們還為{g}個樓棟裏行動不便的老人送菜上門，累計服務{m}戶居民。",
    "活動期間，{place}共調撥礦泉水{k}箱、口罩{m}只，全部用於一線保障。",
]
T_CLOSINGS = [
    "{place}負責人表示，將繼續發揮{n}名黨員的先鋒模範作用，與社區攜手做好服務保障。",
    "集團將把{place}這{y}天志願服務中的好做法總結下來，形成長效機制。",
]

# converter annotations (simplified->traditional tools that leave pinyin): char -> pinyin
ANNOTATE = {"團": "tuán", "發": "fā", "時": "shí", "關": "guān", "區": "qū", "務": "wù", "員": "yuán", "運": "yùn"}


@dataclass(frozen=True)
class Article:
    """One demo article: where it lives and its clean content (what an ideal archiver outputs)."""

    site: str
    path: str
    title: str
    published: str  # ISO 8601, +08:00 when the page shows a time
    author: str
    origin: str
    paragraphs: tuple[str, ...]
    clicks: int
    annotated: bool = False  # the page shows converter pinyin annotations


def _fill(rng: random.Random, pattern: str, ctx: dict) -> str:
    return pattern.format(**ctx)


def _context(rng: random.Random, day: int, traditional: bool) -> dict:
    act, item = rng.choice(ACTS)
    act2, _ = rng.choice(ACTS)
    name = rng.choice(T_NAMES if traditional else NAMES)
    return {
        "place": rng.choice(T_PLACES if traditional else PLACES), "name": name, "surname": name[0],
        "act": act, "act2": act2.removeprefix("为").removeprefix("开展").removeprefix("组织"), "item": item,
        "topic": rng.choice(["公益", "志愿服务", "社区治理", "邻里互助"]),
        "n": rng.randrange(8, 60), "small": rng.randrange(3, 8), "h": rng.randrange(2, 9),
        "g": rng.randrange(2, 6), "m": rng.randrange(40, 900), "k": rng.randrange(20, 300),
        "y": rng.randrange(2, 15), "c": rng.randrange(2, 9), "age": rng.randrange(68, 93),
        "date_cn": f"5月{day}日",
    }


def _article(site: str, index: int, traditional: bool) -> Article:
    rng = random.Random(f"{site}-{index}")
    day = 3 + index * 3
    ctx = _context(rng, day, traditional)
    if traditional:
        first = _fill(rng, rng.choice(T_OPENINGS), ctx)
        middle = [_fill(rng, p, ctx) for p in rng.sample(T_MIDDLES, 3)]
        last = _fill(rng, rng.choice(T_CLOSINGS), ctx)
        title = f"{ctx['place']}志願者{['走進社區', '堅守一線', '送菜上門', '就地轉化'][index % 4]}（第{index + 1}期）"
    else:
        first = _fill(rng, rng.choice(OPENINGS), ctx)
        middle = [_fill(rng, p, ctx) for p in rng.sample(MIDDLES, rng.randrange(2, 5))]
        last = _fill(rng, rng.choice(CLOSINGS), ctx)
        title = f"{ctx['place']}志愿者{ctx['act']}"
    if site == "wenming" and index == 0:  # 喆 and 堃 are in GBK but not in GB2312
        middle.append(f"志愿者代表李喆、张堃分别介绍了{ctx['place']}各小组的服务经验。")
    hour, minute = rng.randrange(7, 20), rng.randrange(0, 60)
    published = f"2024-05-{day:02d}T{hour:02d}:{minute:02d}:00+08:00"
    slug = f"{site[0]}{index + 1:03d}"
    return Article(
        site=site, path=f"/{site}/2024/05/{slug}.html", title=title, published=published,
        author=rng.choice(T_NAMES if traditional else NAMES),
        origin={"news": "地方日报", "wenming": "市文明办", "gongyi": "公益时报社", "corp": "集團黨群部",
                "blog": "聚合资讯"}[site],
        paragraphs=(first, *middle, last), clicks=rng.randrange(100, 9000),
        annotated=traditional and index % 2 == 0,
    )


SITES = ("news", "wenming", "gongyi", "corp", "blog")


def all_articles() -> list[Article]:
    """Every demo article, 7 per sub-site, in a fixed order (titles made unique)."""
    articles, seen = [], set()
    for site in SITES:
        for i in range(7):
            article = _article(site, i, site == "corp")
            while article.title in seen:
                article = replace(article, title=article.title + "（续）")
            seen.add(article.title)
            articles.append(article)
    return articles
