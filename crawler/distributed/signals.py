"""Signals of a distributed crawl, sent through the crawler's signal manager (`crawler.signals`)."""

# The scheduler took a request from the shared frontier into this worker's in-flight hash.
# Arguments: token (str, its key in the hash), request.
request_popped = object()

# This worker's Redis link failed; the worker stops. Arguments: message (str, says what failed and what to do).
redis_failed = object()
