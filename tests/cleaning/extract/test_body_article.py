"""Which parts of a page are the article's own (cleaning/extract/body_article.py)."""

from __future__ import annotations

from cleaning.extract import extract


def test_a_paywalled_passage_in_a_container_of_its_own_after_the_text_is_body():
    """`<div class="article-body">` then `<div class="paywall-content">`: the extractor read one container; the
    passage, visible on the page, is the article's. A subscription hint after the text stays out."""
    first = "Cold weather narrows blood vessels, and blood pressure rises with it in most older adults. " * 2
    second = "Measure your blood pressure every morning and every evening, and write the numbers down. " * 2
    locked = "Doctors advise dressing in layers and keeping the bedroom warm through the coldest nights. " * 2
    html = ('<html><body><div class="main"><h1>Blood pressure in winter</h1>'
            f'<div class="article-body"><p>{first}</p><p>{second}</p></div>'
            f'<div class="paywall-content"><p>{locked}</p></div>'
            '<div class="paywall-hint"><p>Continue reading with Plus for only $0.99 in the first month</p></div>'
            '</div></body></html>')
    body = extract(html, "https://news.example/health/bp-winter").body
    assert "keeping the bedroom warm" in body and "Measure your blood pressure" in body
    assert "Continue reading" not in body


def test_a_teaser_of_another_story_after_the_text_is_not_joined():
    """`<div class="read-more-story">` with a heading and a teaser after the article: another story, not the rest
    of this one (review of the session's diff)."""
    first = "Cold weather narrows blood vessels, and blood pressure rises with it in most older adults. " * 2
    second = "Measure your blood pressure every morning and every evening, and write the numbers down. " * 2
    teaser = "Drinking two to three cups of coffee a day is linked to a lower risk of heart disease in adults. " * 2
    html = ('<html><body><div class="main"><h1>Blood pressure in winter</h1>'
            f'<div class="article-body"><p>{first}</p><p>{second}</p></div>'
            f'<div class="read-more-story"><h3>Coffee and your heart</h3><p>{teaser}</p></div>'
            '</div></body></html>')
    body = extract(html, "https://news.example/health/bp-winter").body
    assert "Measure your blood pressure" in body and "coffee" not in body


def test_a_headed_box_of_bullet_fragments_in_the_article_is_body():
    """A "Key facts" `<aside>` in the `<article>` whose items are fragments, not sentences, is the article's."""
    first = "Researchers followed four thousand adults for eleven years and found fewer admissions for heart failure. "
    second = "The effect held after the team adjusted for smoking, income and body weight in the analysis. "
    html = ('<html><body><main><article><h1>Walking study</h1><div class="text">'
            f'<p>{first * 2}</p><aside class="css-fb"><h3>Key facts</h3><ul><li>About 900,000 people live with heart '
            'failure</li><li>Half of cases are found in an emergency</li></ul></aside>'
            f'<p>{second * 2}</p></div></article></main></body></html>')
    body = extract(html, "https://news.example/health/walking").body
    assert "About 900,000 people live with heart failure" in body
