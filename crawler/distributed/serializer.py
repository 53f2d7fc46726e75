"""JSON (not pickle) for requests kept in Redis.

scrapy-redis pickles requests by default; anything that can write to the Redis
server could then run code in every worker. Requests are stored as JSON
instead: bytes become {"__b64__": ...} and dicts with non-string keys (request
headers) a list of pairs, so `loads(dumps(request.to_dict()))` round-trips.

Usable as scrapy-redis's SCHEDULER_SERIALIZER (a module with loads and dumps);
`encode_request` and `decode_request` do the whole round trip with Scrapy's public
`Request.to_dict` and `request_from_dict`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

_B64 = "__b64__"
_PAIRS = "__pairs__"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_B64: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and _B64 not in value and _PAIRS not in value:
            return {k: _encode(v) for k, v in value.items()}
        return {_PAIRS: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a Redis request: {value!r}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_B64}:
            return base64.b64decode(value[_B64])
        if set(value) == {_PAIRS}:
            return {_decode(k): _decode(v) for k, v in value[_PAIRS]}
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(obj: Any) -> bytes:
    return json.dumps(_encode(obj), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def loads(data: bytes | str) -> Any:
    return _decode(json.loads(data))


def encode_request(request: Request, spider: Spider | None) -> bytes:
    """A request as stored in Redis (callbacks by name: they must be methods of `spider`)."""
    return dumps(request.to_dict(spider=spider))


def decode_request(data: bytes | str, spider: Spider | None) -> Request:
    return request_from_dict(loads(data), spider=spider)
