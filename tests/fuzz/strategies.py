"""Hypothesis strategies: article pages with boilerplate around them, mutations of them, hostile text and URLs."""

from __future__ import annotations

import string

from hypothesis import strategies as st

WORDS = ("health patients doctor sleep water heart blood pressure exercise daily walking children vitamin "
         "study research hospital treatment symptoms pain back knee diet fruit vegetables sugar risk older "
         "adults week month years people often should could may help reduce improve body muscles").split()

# Boilerplate an article page carries that must never come out as a body paragraph.
NOISE = ("Share this article", "Share", "Copyright 2024 Example Health. All rights reserved.", "Advertisement",
         "Read more", "Follow us on Weibo", "We use cookies to improve your experience.", "Subscribe to our newsletter",
         "Back to top", "分享到微信")

NOISE_BLOCKS = (
    '<div class="share-bar"><a href="#">Share</a> <a href="#">Share this article</a></div>',
    '<footer><p>Copyright 2024 Example Health. All rights reserved.</p></footer>',
    '<div class="ad-slot">Advertisement</div>',
    '<div class="cookie-consent"><p>We use cookies to improve your experience.</p><button>Accept</button></div>',
    '<aside class="newsletter"><p>Subscribe to our newsletter</p></aside>',
    '<nav><a href="/">Home</a> <a href="/health">Health</a></nav>',
    '<div class="social"><span>Follow us on Weibo</span> <span>分享到微信</span></div>',
    '<p class="read-more"><a href="/next">Read more</a></p>',
    '<a class="back-to-top" href="#top">Back to top</a>',
)

sentence = st.lists(st.sampled_from(WORDS), min_size=6, max_size=18).map(
    lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=2, max_size=5).map(" ".join)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%B %d, %Y")),
    st.sampled_from(["2024-02-30", "0000-00-00", "9999-12-31", "yesterday", "3 days ago", "1970-01-01T00:00:00Z",
                     "2024-13-45", "", "N/A", "2025/07/04 12:00", "今天", "2023年5月6日"]),
    st.text(max_size=30),
)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def article_pages(draw) -> tuple[str, list[str]]:
    """A news-style page: (html, its article paragraphs), boilerplate blocks in random places."""
    title = draw(sentence)
    paragraphs = draw(st.lists(paragraph, min_size=3, max_size=8))
    noise = draw(st.lists(st.sampled_from(NOISE_BLOCKS), max_size=6))
    date = draw(dates)
    hot = draw(st.lists(sentence, max_size=6))
    body = [f"<p>{_esc(p)}</p>" for p in paragraphs]
    for block in noise[: len(noise) // 2]:
        body.insert(draw(st.integers(0, len(body))), block)
    hot_block = ""
    if hot:
        items = "".join(f'<li><a href="/a/{i}.html">{_esc(t)}</a></li>' for i, t in enumerate(hot))
        hot_block = f'<div class="hot-picks"><h3>Hot Picks</h3><ul>{items}</ul></div>'
    html = (f'<!DOCTYPE html><html lang="en"><head><title>{_esc(title)}</title>'
            f'<meta property="article:published_time" content="{_esc(date)}"></head><body>'
            f'{"".join(noise[len(noise) // 2:])}<article><h1>{_esc(title)}</h1>'
            f'<time datetime="{_esc(date)}">{_esc(date)}</time>{"".join(body)}</article>{hot_block}</body></html>')
    return html, paragraphs


@st.composite
def mutated_pages(draw) -> str | bytes:
    """An article page, then damaged: cut, spliced with garbage, tags duplicated or unclosed, bytes flipped."""
    html, _ = draw(article_pages())
    data = html.encode("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "insert", "flip", "repeat", "nest", "entity", "nul"]))
        pos = draw(st.integers(0, len(data)))
        if op == "cut":
            data = data[:pos]
        elif op == "insert":
            data = data[:pos] + draw(st.binary(max_size=64)) + data[pos:]
        elif op == "flip" and data:
            i = min(pos, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
        elif op == "repeat":
            chunk = data[pos: pos + draw(st.integers(1, 200))]
            data = data[:pos] + chunk * draw(st.integers(2, 50)) + data[pos:]
        elif op == "nest":
            depth = draw(st.integers(10, 3000))
            data = data[:pos] + b"<div><span>" * depth + b"deep" + data[pos:]
        elif op == "entity":
            data = data[:pos] + draw(st.sampled_from([b"&#0;", b"&#xD800;", b"&#99999999;", b"&nbsp" * 50,
                                                      b"<![CDATA[", b"<!--", b"<?php", b"<script>"])) + data[pos:]
        elif op == "nul":
            data = data[:pos] + b"\x00" * draw(st.integers(1, 100)) + data[pos:]
    if draw(st.booleans()):
        return data
    return data.decode(draw(st.sampled_from(["utf-8", "latin-1", "cp1252"])), errors="replace")


hostile_text = st.one_of(
    st.text(max_size=2000),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=500),
    st.lists(st.sampled_from(WORDS + ["\n\n", "。", "的", "健康", "é", "\u200b", "\ufeff", "\x00", "  "]),
             max_size=400).map(" ".join),
    st.binary(max_size=500).map(lambda b: b.decode("latin-1")),
)

url_parts = st.text(alphabet=string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@/?#[] \\\t\n\u00e9\u4e2d",
                    max_size=60)
hostile_urls = st.one_of(
    st.text(max_size=200),
    st.builds(lambda s, h, p, q, f: f"{s}://{h}{p}?{q}#{f}",
              st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", "file", "data", "", "hTtPs"]),
              st.one_of(st.sampled_from(["example.org", "EXAMPLE.org:443", "xn--bcher-kva.example", "[::1]:80",
                                         "127.0.0.1:8080", "user:pw@example.org", "例子.中国", "a..b", ""]),
                        url_parts),
              url_parts, st.sampled_from(["", "utm_source=x&b=2&a=1", "jsessionid=1", "a=%zz", "q=é&&"]) | url_parts,
              url_parts),
)
