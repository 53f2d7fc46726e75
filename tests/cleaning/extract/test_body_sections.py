"""An article body that the page split into sibling sections (mid-article ad rows between same-class
`<div class="article-body">` chunks) is read whole, in document order; structure is the evidence, so
comments, teaser cards and separate articles are not joined.

Fixture (hand-written, tests/fixtures/pages): body_split_sections.
"""

from __future__ import annotations

from pathlib import Path

from cleaning.extract import extract
from cleaning.extract.body_structure import merge_split_sections
from cleaning.extract.core import _parse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
URL = "https://stride.example.net/a/body-split-sections"


def _long(n: int, topic: str = "heel") -> str:
    return (f"Paragraph {n} about the {topic}: physiotherapists recommend cutting weekly distance by a third for "
            f"two weeks, then building it up again by no more than ten percent a week while pain stays low.")


def _section(*ns: int, cls: str = "layout-item article-body", topic: str = "heel") -> str:
    return (f"<div class='layout'><div class='{cls}'>" + "".join(f"<p>{_long(n, topic)}</p>" for n in ns)
            + "</div><div class='layout-item rail'></div></div>")


AD_ROW = "<div class='row wide-ad'><span class='ad-label'>Advertisement</span><div class='slot'></div></div>"


def _texts(tree) -> list[str]:
    return [" ".join(p.text_content().split()) for p in tree.iter("p")]


def test_sections_split_by_ad_rows_are_all_read_in_order():
    html = (FIXTURES / "body_split_sections.html").read_bytes()
    ex = extract(html, URL)
    tree = _parse(html.decode("utf-8"))
    paras = [t for t in _texts(tree.find(".//article")) if len(t) > 150]
    assert len(paras) == 7
    assert ex.body.split("\n\n") == paras
    assert "Advertisement" not in ex.body and "magazine about running" not in ex.body


def test_merge_moves_later_sections_and_the_rows_between_into_the_first():
    tree = _parse(f"<html><body><main>{_section(0, 1)}{AD_ROW}{_section(2, 3)}{AD_ROW}{_section(4, 5)}"
                  f"</main></body></html>")
    before = _texts(tree)
    assert merge_split_sections(tree) == 2
    first, *rest = tree.find_class("article-body")
    assert [" ".join(p.text_content().split()) for p in first.iter("p")] == before
    assert all(len(s) == 0 for s in rest)


def test_sections_that_are_siblings_themselves_are_joined():
    tree = _parse("<html><body><div class='body'>" + "".join(f"<p>{_long(n)}</p>" for n in (0, 1))
                  + "</div><div class='ad'></div><div class='body'>" + "".join(f"<p>{_long(n)}</p>" for n in (2, 3))
                  + "</div></body></html>")
    assert merge_split_sections(tree) == 1


def test_one_long_paragraph_each_is_a_comment_or_a_card_not_a_section():
    comments = "".join(f"<div class='comment'><div class='who'>reader{n}</div><div class='text'><p>{_long(n)}</p>"
                       f"</div></div>" for n in range(5))
    tree = _parse(f"<html><body><main>{_section(0, 1)}</main><div class='comments'>{comments}</div></body></html>")
    assert merge_split_sections(tree) == 0


def test_what_is_between_must_be_filler():
    between = {
        "a long paragraph": f"<div class='other'><p>{_long(9, 'weather')}</p></div>",
        "a headline": "<div class='next'><h1>The next story</h1></div>",
        "a smaller headline": "<div class='next'><h2>The next story</h2></div>",
        "a date": "<div class='meta'><time datetime='2024-05-02'>2 May</time></div>",
        "much text": "<div class='promo'>" + "Sign up for our weekly running newsletter today. " * 8 + "</div>",
    }
    for name, row in between.items():
        tree = _parse(f"<html><body><main>{_section(0, 1)}{row}{_section(2, 3)}</main></body></html>")
        assert merge_split_sections(tree) == 0, name


def test_different_classes_and_separate_articles_are_not_joined():
    tree = _parse(f"<html><body><main>{_section(0, 1)}{AD_ROW}{_section(2, 3, cls='layout-item teaser')}"
                  f"</main></body></html>")
    assert merge_split_sections(tree) == 0
    art = "<article class='story'>" + "".join(f"<p>{_long(n)}</p>" for n in (0, 1)) + "</article>"
    tree = _parse(f"<html><body><main>{art}{AD_ROW}{art}</main></body></html>")
    assert merge_split_sections(tree) == 0


def test_a_stacked_next_story_is_not_glued_onto_this_one():
    """'Next article' preloaded below, in a container like this one's: its own title and byline come
    before its body, so it is another story, not a section of this one."""
    def post(title: str, tag: str, topic: str) -> str:
        body = "<div class='entry-content'>" + "".join(f"<p>{_long(n, topic)}</p>" for n in range(5)) + "</div>"
        return f"<div class='post'><{tag}>{title}</{tag}><div class='byline'>By Ann Lee</div>{body}</div>"
    html = (f"<html><head><title>Heel pain</title></head><body><main>{post('Heel pain', 'h1', 'heel')}"
            f"{AD_ROW}<div class='next'>Next article</div>{post('Knee pain', 'h2', 'knee')}</main></body></html>")
    assert merge_split_sections(_parse(html)) == 0
    body = extract(html.encode(), "https://stride.example.net/heel", None).body
    assert "about the heel" in body and "about the knee" not in body
