"""Scrapy settings for the `health` crawler.

Scrapy's own settings are set here. The product's settings (OUTPUT_DIR and HEALTH_*) are declared,
with their defaults and docs, in crawler/config.py and cleaning/config.py, and merged in below; any of
them can be overridden with `-s NAME=VALUE` (docs/operations.md lists them all).
"""

from crawler.config import defaults as _product_defaults

BOT_NAME = "health"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Politeness -------------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = "health-crawl/0.1 (+https://github.com/health-crawl; polite research crawler)"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Scrapy starts this many asyncio tasks for every response's output, however little it holds (its default,
# 100, is 100 tasks per page); a page here yields one item, for a synchronous pipeline, and a few links.
# 100 -> 8: the crawl's process ~1 ms of CPU less a page, the 1,000-page crawl 4.6 -> 3.5 s (docs/benchmarks.md).
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # a health article is never this big; cap bombs and dumps
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
# The spider follows <meta http-equiv=refresh> itself (HealthSpider._follow_refresh): it stores the page
# and records the end; Scrapy's middleware dropped loops and refused targets without a trace.
METAREFRESH_ENABLED = False
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}  # http(s) only
DEPTH_LIMIT = 0  # the spider counts depth from the nearest listing instead (HEALTH_MAX_DEPTH, crawler/budgets.py)
COOKIES_ENABLED = False
# Both consoles run code sent to them: off unless an operator turns one on with -s NAME=True.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# The frontier forgets nothing that matters on SIGKILL: pages are skipped on resume only once
# they are durably in the pages dataset, so the duplicate filter is kept in memory.
DUPEFILTER_CLASS = "crawler.dupefilter.RunDupeFilter"
# The frontier in memory even with JOBDIR: resume rebuilds it from the stored pages, and a disk queue on a
# full disk stalled the crawl instead of stopping it (crawler/scheduler.py). The distributed add-on
# replaces it with its Redis scheduler.
SCHEDULER = "crawler.scheduler.MemoryScheduler"

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
    "crawler.middlewares.StartUrlAuthMiddleware": 310,  # user:password@ of a start URL, for its origin only
    # page budgets counted on what is really sent: after robots.txt (100) and the incremental skip (560)
    "crawler.budgets.BudgetMiddleware": 570,
    # sitemap batches: answered here, before robots.txt or any budget looks at them (crawler/sitemaps.py)
    "crawler.sitemaps.SitemapBatchMiddleware": 40,
}
ITEM_PIPELINES = {
    "crawler.pipelines.PagesPipeline": 300,
}
EXTENSIONS = {
    # first, before the engine opens the scheduler: Scrapy's JOBDIR state set aside, the frontier rebuilt
    "crawler.jobdir.JobdirRepair": 0,
    # spider.state written atomically, a failed write failing the run; before the run's end (200) judges it
    "scrapy.extensions.spiderstate.SpiderState": None,
    "crawler.jobdir.AtomicSpiderState": 5,
    "crawler.runs.RunContext": 10,
    "crawler.interrupts.Interrupts": 11,  # which Ctrl-C / SIGTERM came: a graceful stop or a forced one
    "crawler.failures.InternalErrors": 20,  # exceptions in our callbacks and pipelines fail the run
    "crawler.budgets.CrawlBudgets": 21,  # budgets and traps (crawler/budgets.py); its close runs before the run's end
    "crawler.politeness.CrawlDelay": 50,  # after AutoThrottle (0): robots.txt Crawl-delay has the last word
    # the first cleaning steps while fetching; at close it waits for them, before the run's end (200) cleans
    "crawler.prepare.PrepareWhileCrawling": 150,
    "crawler.heap.TrimHeap": 160,  # parsed pages' memory given back as the crawl grows (real pages: ~160 KB each)
    # manifest at start; at close the run's end (crawler/run_end.py): clean, judge, manifest, report
    "crawler.extensions.RunManifest": 200,
    "crawler.extensions.Progress": 300,
    # after the run's end (200), which hands it the committed articles (crawler/feeds.py) before it closes
    "scrapy.extensions.feedexport.FeedExporter": 250,
}
# HEALTH_REDIS_URL set: this crawl is one worker of a distributed crawl (docs/distributed.md)
ADDONS = {
    "crawler.distributed.DistributedCrawl": 0,
    "crawler.feeds.ArticleFeeds": 10,  # -o / FEEDS: the cleaned articles, not raw pages
}

# --- Product settings (declared in crawler/config.py and cleaning/config.py) ---
globals().update(_product_defaults())

LOG_LEVEL = "INFO"
# The crawl's stats are in the run manifest (crawl_stats) and the debug log; dumped at INFO they would
# bury the run's summary line under sixty lines at the end of every crawl.
STATS_DUMP = False
FEED_EXPORT_ENCODING = "utf-8"
