"""Bad input never raises: it comes back as an empty Extraction with a reason."""

from __future__ import annotations

import gzip

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaning.document import Extraction
from cleaning.extract import extract


def _empty(ex: Extraction) -> bool:
    return ex.body == "" and ex.hot_picks == [] and ex.body_source == "" and ex.reason


def test_empty_documents():
    for html in ("", b"", "   \n", b"\x00\x00"):
        ex = extract(html)
        assert _empty(ex), html
    assert extract(None).reason == "empty"  # type: ignore[arg-type]


def test_non_html_bytes():
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    for data in (pdf, png, gzip.compress(b"<html><body><p>hi</p></body></html>")):
        ex = extract(data, "http://x.test/f")
        assert _empty(ex) and ex.reason == "not_html"
    assert extract(b"<html></html>", content_type="application/pdf").reason == "not_html"
    assert extract("just some plain words, no markup at all").reason == "not_html"


def test_binary_served_as_html_is_not_an_article():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.html", "<html><body><p>" + "Article text inside a zip. " * 50 + "</p></body></html>")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    pdf = b"%PDF-1.7\n" + b"<html><body><p>" + b"Words that look like an article. " * 50 + b"</p></body></html>"
    for data in (buf.getvalue(), png, pdf, bytes(range(256)) * 40):
        ex = extract(data, "https://x.test/a.html", content_type="text/html; charset=utf-8")
        assert _empty(ex) and ex.reason == "not_html"
        # the same bytes decoded upstream (binary turns into U+FFFD and control characters)
        text = data.decode("utf-8", errors="replace")
        ex = extract(text, "https://x.test/a.html")
        assert _empty(ex) and ex.reason == "not_html"


def test_ten_megabyte_page():
    para = "<p>" + "Health news sentence that repeats to fill the page with text. " * 20 + "</p>\n"
    big = "<html><body><article>" + para * (10_000_000 // len(para)) + "</article></body></html>"
    ex = extract(big.encode())
    assert isinstance(ex, Extraction)
    assert ex.reason == "too_large"
    junk = "<html><body><script>" + "x" * 10_000_000 + "</script><p>" + "Real text here. " * 40 + "</p></body></html>"
    ex = extract(junk)  # big only because of a script: stripped, then extracted
    assert ex.reason is None and "Real text here." in ex.body


def test_deeply_nested_markup():
    deep = "<html><body>" + "<div>" * 50_000 + "<p>" + "Deep text. " * 50 + "</p>" + "</div>" * 50_000 + "</body></html>"
    ex = extract(deep)
    assert isinstance(ex, Extraction)
    unclosed = "<html><body>" + "<span><b><i>" * 30_000 + "text"
    assert isinstance(extract(unclosed), Extraction)


def test_page_with_no_article():
    html = "<html><head><title>Login</title></head><body><nav><a href='/'>Home</a></nav><form><input></form></body></html>"
    ex = extract(html, "http://x.test/login")
    assert ex.body == "" and ex.reason == "no_article" and ex.body_source == ""


def test_weird_declarations():
    xml = '<?xml version="1.0" encoding="utf-8"?><html><body><article><p>' + "Some words. " * 60 + "</p></article></body></html>"
    assert "Some words." in extract(xml).body
    assert "Some words." in extract(xml.encode("utf-16")).body


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_fuzz_never_raises(data):
    ex = extract(data, "http://fuzz.test/a")
    assert isinstance(ex, Extraction)
    assert ex.reason is None or isinstance(ex.reason, str)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<ul><li>", "<a href='/x'>", "</a>", "<h2>",
                                 "Hot Picks", "Related", "1", "April 12, 2023", "text words here ", "<table><tr><td>",
                                 "<aside>", "<script>", "&amp;", "<time datetime='2023-04-12'>"]), max_size=200))
def test_fuzz_markup_never_raises(parts):
    ex = extract("<html><body>" + "".join(parts) + "</body></html>", "http://fuzz.test/a")
    assert isinstance(ex, Extraction)


def test_a_page_of_links_is_not_an_article():
    from cleaning.extract import extract

    html = '<html lang="en"><body><ul>' + "".join(
        f'<li><a href="/p{i}">Health news item number {i}</a></li>' for i in range(42)) + "</ul></body></html>"
    ex = extract(html, "http://127.0.0.1:8000/")
    assert ex.body == "" and ex.reason == "no_article" and "link_list" in ex.flags


def test_an_article_with_links_in_its_prose_is_kept():
    from cleaning.extract import extract

    prose = ("Regular walking for {n} minutes strengthens the muscles of the lower back, improves balance "
             "and helps patient number {n} sleep better, doctors in ward {n} reported after a year of follow-up "
             "visits with careful measurements of pain, posture and mobility in every season.")
    html = ('<html lang="en"><body><article><h1>Walking and the lower back</h1>'
            + "".join(f'<p>{prose.format(n=i + 10)} See <a href="/r{i}">this study</a> for details.</p>'
                      for i in range(6))
            + "</article></body></html>")
    ex = extract(html, "https://example.org/walking")
    assert len(ex.body.split()) > 200 and "link_list" not in ex.flags


def test_an_xhtml_root_written_as_an_empty_element_still_gives_the_page():
    """`<html xml:lang="de_DE" />` (an old CMS template): libxml2 closes the document at it and keeps nothing."""
    body = "".join(f"<p>Absatz {i}: Der Verein trainiert jeden Samstag auf dem Platz am Stadtrand, bei jedem "
                   "Wetter und mit Hunden aller Rassen.</p>" for i in range(4))
    page = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/'
            'xhtml1-strict.dtd" />\n<html xml:lang="de_DE" />\n<head><title>Training | Hundesportverein</title>'
            '<meta name="Creation_Date" content="01/11/2010" /></head>\n<body><div id="content"><h1>Training</h1>'
            f'{body}</div></body></html>')
    for html in (page, page.encode("iso-8859-1")):
        ex = extract(html, "http://hundeverein.example/index.php?id=54")
        assert not ex.reason, ex.reason
        assert ex.title == "Training" and "jeden Samstag" in ex.body
