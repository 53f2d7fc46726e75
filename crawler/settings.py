"""Scrapy settings for the `health` crawler.

Every product setting starts with HEALTH_ (or is OUTPUT_DIR) and can be
overridden with `-s NAME=VALUE`; docs/operations.md lists them all.
"""

BOT_NAME = "health"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Where the datasets go -------------------------------------------------
OUTPUT_DIR = "outputs"

# --- Politeness -------------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = "health-crawl/0.1 (+https://github.com/health-crawl; polite research crawler)"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # a health article is never this big; cap bombs and dumps
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
HEALTH_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each further one
HEALTH_RETRY_BACKOFF_MAX = 60.0
HEALTH_RETRY_AFTER_MAX = 120.0  # longest Retry-After honoured; a longer one: not retried this run, listed for the next
HEALTH_CRAWL_DELAY_MAX = 30.0  # longest robots.txt Crawl-delay honoured
HEALTH_SAFE_RESOLVE = True  # refuse names that a public page links to when they resolve to private addresses
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}  # http(s) only
DEPTH_LIMIT = 0  # the spider bounds generic crawls with HEALTH_GENERIC_DEPTH instead
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# The frontier forgets nothing that matters on SIGKILL: pages are skipped on resume only once
# they are durably in the pages dataset, so the duplicate filter is kept in memory.
DUPEFILTER_CLASS = "crawler.dupefilter.RunDupeFilter"

SPIDER_MIDDLEWARES = {
    "crawler.middlewares.CanonicalUrlMiddleware": 600,
    "crawler.safety.SafeLinksMiddleware": 610,  # before CanonicalUrlMiddleware; links: http(s), allowed domains, no public -> private
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.safety.SafeRequestMiddleware": 60,  # after OffsiteMiddleware (50), before robots.txt (100)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,  # backoff and Retry-After
    "crawler.safety.RedirectGuardMiddleware": 610,  # before RedirectMiddleware (600)
    "crawler.middlewares.DemoRoutingMiddleware": 740,  # before HttpProxyMiddleware (750)
    "crawler.middlewares.IncrementalFetchMiddleware": 560,
}
ITEM_PIPELINES = {
    "crawler.pipelines.PagesPipeline": 300,
}
EXTENSIONS = {
    # spider_closed handlers run in this order: clean first, then the manifest records the outcome
    "crawler.extensions.CleanOnClose": 100,
    "crawler.extensions.RunManifest": 200,
    "crawler.extensions.Progress": 300,
    "crawler.politeness.CrawlDelay": 50,  # after AutoThrottle (0): robots.txt Crawl-delay has the last word
}
# HEALTH_REDIS_URL set: this crawl is one worker of a distributed crawl (docs/distributed.md)
ADDONS = {
    "crawler.distributed.DistributedCrawl": 0,
}

# --- Product settings -------------------------------------------------------
HEALTH_PAGES_FLUSH_ITEMS = 50  # pages buffered before a part file is written
HEALTH_INCREMENTAL = True  # skip or conditionally fetch articles stored by earlier runs
HEALTH_CLEAN_ON_CLOSE = True  # run the cleaning chain over the run's pages when the crawl ends
HEALTH_GENERIC_DEPTH = 3  # link depth for `-a start_urls=...` crawls
HEALTH_KEEP_LANGUAGES = "en"  # comma list; other languages are written but not grammar-fixed
HEALTH_GRAMMAR_BACKEND = "auto"  # auto, languagetool, offline, none
HEALTH_PROGRESS_INTERVAL = 30.0  # seconds between progress lines
# Distributed crawl (docs/distributed.md): off while HEALTH_REDIS_URL is empty
HEALTH_REDIS_URL = ""  # e.g. redis://10.0.0.5:6379/0: share one Redis frontier with other workers
HEALTH_REDIS_PREFIX = "health"  # Redis key prefix; PREFIX:start_urls takes pushed start URLs
HEALTH_REDIS_IDLE_TIMEOUT = 10.0  # seconds the whole crawl must be idle before the workers close
HEALTH_REDIS_WORKER_TIMEOUT = 30.0  # a worker silent this long is dead: its in-flight requests are re-queued
HEALTH_REDIS_ACK_INTERVAL = 10.0  # seconds a finished request waits for its page to reach disk before a flush

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
