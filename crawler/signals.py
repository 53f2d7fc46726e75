"""The crawl's own signals (sent with `crawler.signals.send_catch_log`)."""

# PagesPipeline wrote part files of the pages dataset: handlers get `paths` (absolute Paths, complete files).
pages_written = object()

# Requests another process had taken were put back in a shared frontier (a distributed worker died, or was
# restarted): pages it stored before it died may be on disk now; IncrementalFetchMiddleware looks again.
requests_requeued = object()
