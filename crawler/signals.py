"""The crawl's own signals (sent with `crawler.signals.send_catch_log`)."""

# PagesPipeline wrote part files of the pages dataset: handlers get `paths` (absolute Paths, complete files).
pages_written = object()
