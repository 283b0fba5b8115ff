"""Scrapy settings of the archiver: every component enabled here (reference: docs/settings.md).

Every setting the project reads is documented in docs/settings.md with its default;
tests/test_docs.py fails when one is missing.
"""

BOT_NAME = "crawler"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SourceSpiderLoader"
COMMANDS_MODULE = "crawler.commands"

# --- project settings (docs/settings.md) ---
SEEDS_DIR = "seeds"
ARCHIVE_DIR = "archive"
DEMO_PORT = 8000  # `scrapy demo`: the demo site's port on 127.0.0.1 (the demo seeds' default)

WARC_ENABLED = True
WARC_DIR = ""  # empty: <ARCHIVE_DIR>/warc
WARC_PREFIX = "news"
WARC_MAX_SIZE = 1_000_000_000
WARC_DESCRIPTION = ""
WARC_INDEX = True

REPORT_ENABLED = True
STATE_ENABLED = True
# STATE_BACKEND: set by crawler.addons.DistributedAddon (SQLite, or Redis with REDIS_URL); a value here wins
STATE_RETRY_BASE = 600  # a failed URL waits 10 min, doubling per failed crawl
STATE_RETRY_MAX = 86400  # ... up to a day
STATE_CLOCK_OFFSET = 0  # seconds (or 8d, -1h) added to the clock of the incremental state

TEXT_ENABLED = True
TEXT_WORKERS = 0  # 0: one process per core
TEXT_MAX_DECOMPRESSED_SIZE = 20 * 1024 * 1024

# Distributed crawl (docs/operations.md): empty means one machine and no Redis anywhere.
REDIS_URL = ""
# the crawl's one Redis client (scrapy-redis' get_redis_from_settings): bounded waits on a lost server
REDIS_PARAMS = {"socket_timeout": 30, "socket_connect_timeout": 10, "retry_on_timeout": True}
REDIS_LEASE_SECONDS = 120
REDIS_STATE_KEY = "news-archiver:state"
REDIS_HOSTGATE_KEY = "news-archiver:hosts"
ADDONS = {"crawler.addons.DistributedAddon": 0, "crawler.addons.IdentityAddon": 0}
# who runs the crawls: a URL or e-mail address, put in the User-Agent and the warcinfo operator
ARCHIVER_CONTACT = ""

SCOPE_ENABLED = True
SCOPE_RESOLVE = True  # also check the address a name resolves to (DNS rebinding)
HOSTGUARD_ENABLED = True
HOSTGUARD_RETRY_AFTER_MAX = 300
HOSTGUARD_BREAKER_THRESHOLD = 10

DOWNLOADER_MIDDLEWARES = {
    # before OffsiteMiddleware (50) and RobotsTxtMiddleware (100): it decides first, for every request
    "crawler.downloadermiddlewares.scope.ScopeMiddleware": 40,
    # the address connected to: its process_response runs first, before any middleware acts on the response
    "crawler.downloadermiddlewares.scope.ConnectedAddressMiddleware": 950,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.downloadermiddlewares.robots.RobotsTxtMiddleware": 100,
    # above RetryMiddleware (550): sees every 429/503 and download error before a retry is scheduled
    "crawler.downloadermiddlewares.hostguard.HostGuardMiddleware": 560,
    # above HttpCompressionMiddleware (590): the archived page it returns for a 304 is decoded by it
    "crawler.downloadermiddlewares.incremental.IncrementalMiddleware": 595,
    # Scrapy's, with the public suffix list from tldextract's bundled snapshot (never downloaded)
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.downloadermiddlewares.cookies.CookiesMiddleware": 700,
    # Scrapy's, at its place, but a body it cannot decode goes on as received: the text pipeline says why
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.downloadermiddlewares.compression.HttpCompressionMiddleware": 590,
}
SPIDER_MIDDLEWARES = {
    # below DepthMiddleware (900) and OffsiteMiddleware (500): counts only what no other filter dropped
    "crawler.spidermiddlewares.incremental.IncrementalFilterMiddleware": 100,
}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    # the incremental state: opened first, closed last; the others ask for it (get_extension)
    "crawler.extensions.state.StateExtension": 50,
    "crawler.extensions.warc.WarcExtension": 100,
    "crawler.extensions.report.CrawlReport": 900,
}
ITEM_PIPELINES = {
    "crawler.pipelines.TextPipeline": 300,
}

# --- Scrapy settings chosen for an archiver ---
ROBOTSTXT_OBEY = True
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs code sent over HTTP: no listening code console either.
REMOTE_CONTROL_ENABLED = False
# Scrapy's 180 s x 3 retries lets one tarpit hold a slot for nine minutes.
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# page requisites (seed option `requisites`): at most this many requested for one page or stylesheet,
# and in one crawl (the rest counted as requisites/capped)
REQUISITES_PER_PAGE = 100
REQUISITES_MAX = 10_000
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
CONCURRENT_REQUESTS = 16
# Scrapy starts this many asyncio tasks for the output of every response (100 by default: ~5 ms of
# the crawl process a page); a page yields at most one item and a few links not seen before.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = True
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
# `-o items.jsonl` / `-o items.csv`: the columns of `scrapy export`, in its order (a Page that
# reaches a feed unconverted, with TEXT_ENABLED off, gives its url and source, never its bytes)
from crawler import export as _export  # noqa: E402  (a lowercase name: not a setting)

FEED_EXPORT_FIELDS = list(_export.COLUMNS)
