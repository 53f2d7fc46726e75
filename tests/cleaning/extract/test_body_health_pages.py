"""Health pages' own furniture (a third review of invented pages): closed accordion and tab panels, cookie
banners in any language, an SEO title that is not the headline, reviewer bylines, step counters, a callout
box in the article. Small written pages, one class each."""

from __future__ import annotations

import pytest

from cleaning.extract import extract

URL = "https://www.riverbend.example.org/conditions/gout"
INTRO = ("<p>Gout is a kind of arthritis that causes sudden, severe pain and swelling in a joint, most often "
         "the big toe, and it tends to come back in attacks that last a few days.</p>")
CAUSES = ("Gout happens when uric acid builds up in the blood and forms sharp crystals in and around a joint, "
          "which the body then attacks with inflammation.")
TREATMENT = ("Attacks are treated with anti-inflammatory medicines, and a daily medicine that lowers uric acid "
             "prevents new attacks when they keep coming back.")


MORE = "".join(f"<p>{t}</p>" for t in (
    "Men get gout more often than women, and the risk grows with age, weight, high blood pressure and some "
    "medicines that make the kidneys keep uric acid.",
    "An attack often starts at night: the joint becomes hot, red and so tender that even a bed sheet on it hurts, "
    "and the pain is worst in the first day.",
    "Between attacks most people feel well, but without treatment the attacks tend to come more often and to "
    "reach more joints over the years.",
))


def _page(article: str, head: str = "", after: str = "", h1: str = "Gout", before: str = "",
          title: str | None = None, soup: bool = False) -> str:
    """The article in an <article>, or (`soup`) in plain divs, as many portals and page builders write it."""
    opening, closing = ('<div class="wrap"><div class="post-content">', "</div></div>") if soup else ("<article>",
                                                                                                  "</article>")
    return (f'<html lang="en"><head><title>{title or h1 + " | Riverbend Clinic"}</title>{head}</head><body>{before}'
            f'{opening}<h1>{h1}</h1>{INTRO}{MORE}{article}{closing}{after}</body></html>')


@pytest.mark.parametrize("panels", [
    f'<h2>Causes</h2><div role="tabpanel" hidden><p>{CAUSES}</p></div>'
    f'<h2>Treatment</h2><div role="tabpanel" hidden><p>{TREATMENT}</p></div>',
    f'<div class="acc"><h2>Causes</h2><div class="acc__content" hidden="until-found"><p>{CAUSES}</p></div>'
    f'<h2>Treatment</h2><div class="acc__content" hidden="until-found"><p>{TREATMENT}</p></div></div>',
    f'<button aria-expanded="false" aria-controls="p1 p2">Show all</button><div id="p1" hidden><p>{CAUSES}</p></div>'
    f'<div id="p2" hidden><p>{TREATMENT}</p></div>',
    f'<h3><button aria-expanded="false">Causes</button></h3><div class="Acc_panel__x1" hidden><p>{CAUSES}</p></div>'
    f'<h3><button aria-expanded="false">Treatment</button></h3><div class="Acc_panel__x1" hidden><p>{TREATMENT}</p></div>',
])
def test_closed_accordion_and_tab_panels_are_article_text(panels):
    body = extract(_page(panels), URL).body
    assert CAUSES in body and TREATMENT in body


def test_an_accordions_question_in_its_headings_button_is_kept():
    panels = (f'<h3><button aria-expanded="false">What causes gout?</button></h3><div hidden><p>{CAUSES}</p></div>'
              f'<p>{TREATMENT}</p>')
    assert "What causes gout?" in extract(_page(panels), URL).body.split("\n\n")


def test_hidden_text_nothing_opens_still_goes():
    hidden = '<div hidden><p>Internal editor notes: check the sources list against the new guideline.</p></div>'
    body = extract(_page(f"<p>{CAUSES}</p>{hidden}<p>{TREATMENT}</p>"), URL).body
    assert "editor notes" not in body and CAUSES in body


ZH_ARTICLE = ("<h1>春季过敏高发，医生提醒做好防护</h1><div class='text'>"
              "<p>每年春天花粉浓度升高，过敏性鼻炎和哮喘的患者明显增多。医生提醒，外出时佩戴口罩，回家后及时清洗面部和鼻腔。</p>"
              "<p>症状较重时应在医生指导下使用抗过敏药物，不要自行长期使用激素类喷剂。</p>"
              "<p>保持室内空气清洁，雨后和傍晚花粉较少时再开窗通风。</p></div>")


@pytest.mark.parametrize("text", ["本网站使用Cookie以改善您的浏览体验，继续浏览即表示您同意。",
                                  "当サイトではサービス向上のためにCookieを使用しています。"])
def test_a_cookie_banner_in_any_language_goes_by_its_button(text):
    """Its class only nominates it; its button is the evidence, so controls stay until pre-cleaning has looked."""
    html = (f'<html lang="zh"><head><title>春季过敏高发</title></head><body><div class="cookie-banner"><p>{text}</p>'
            f'<button>OK</button><a href="/privacy">Privacy</a></div><div class="container"><div class="left">'
            f'{ZH_ARTICLE}</div></div></body></html>')
    body = extract(html, "http://health.example.cn/n1/2024/0318/c1.html").body
    assert "Cookie" not in body and "花粉浓度升高" in body


def test_the_headline_is_no_body_line_when_the_seo_title_says_something_else():
    html = ('<html lang="en"><head><title>Age-related hearing loss</title>'
            '<meta property="og:title" content="Age-related hearing loss"></head><body><main><article>'
            '<h1>Age-related hearing loss: signs and solutions</h1><div class="date">Posted Nov. 20, 2023</div>'
            f'<div class="body-copy">{INTRO}{MORE}<p>{CAUSES}</p></div></article></main></body></html>')
    ex = extract(html, URL)
    assert "Age-related hearing loss: signs and solutions" not in ex.body.split("\n\n") and CAUSES in ex.body


@pytest.mark.parametrize("line", [
    "Medically reviewed by Daniel Ortiz, MD on July 1, 2024",
    "Par Claire Dumas · Relu par le Dr Marc Petit · Mis à jour le 5 mars 2024",
    "Next review due: 12 March 2027",
])
def test_reviewer_and_review_cycle_lines_are_no_body(line):
    body = extract(_page(f"<p>{line}</p><p>{CAUSES}</p>"), URL).body
    assert line not in body.split("\n\n") and CAUSES in body


@pytest.mark.parametrize("line", [
    "The guideline was reviewed by a panel of twelve doctors on July 1, 2024, and it changed the first treatment.",
    "The vaccine was updated on March 5, 2024 for the new variant",
])
def test_a_sentence_naming_a_review_or_an_update_stays(line):
    assert line in extract(_page(f"<p>{line}</p><p>{CAUSES}</p>"), URL).body.split("\n\n")


def test_step_counters_are_no_body_lines():
    """trafilatura gives a step's number in an element of its own as a line of its own."""
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines(["1", CAUSES, "2.", TREATMENT, "3)", "Call 911 at once."], set()) == \
        [CAUSES, TREATMENT, "Call 911 at once."]


def test_a_callout_box_in_the_article_is_its_text_and_a_related_aside_is_not():
    callout = ('<aside class="callout"><h3>When to call 911</h3><p>Call 911 if the joint is hot and red and you '
               'also have a fever or chills, because that can be an infection rather than gout.</p></aside>')
    related = ('<aside class="more"><h3>More on joints</h3><ul><li><a href="/a">Five stretches for stiff knees</a>'
               '</li><li><a href="/b">Why hips ache at night and what helps</a></li></ul></aside>')
    body = extract(_page(f"<p>{CAUSES}</p>{callout}{related}<p>{TREATMENT}</p>"), URL).body
    assert "Call 911 if the joint is hot" in body and "Five stretches" not in body


# --- what a review of the rules above found them doing to other pages ----------------------------------


def test_a_paywalled_passage_with_its_button_keeps_its_text():
    passage = (f'<div class="paywall"><p>{CAUSES}</p><p>Participants who cooked at home five days a week lowered '
               'their pressure.</p><button>Subscribe</button></div>')
    body = extract(_page(passage + f"<p>{TREATMENT}</p>"), URL).body
    assert CAUSES in body and "cooked at home" in body


@pytest.mark.parametrize("line", [
    "American Heart Association. High Blood Pressure. Updated March 16, 2023",
    "FDA Advisory Panel Reviewed Lecanemab Data, June 9, 2023",
    "Neue Leitlinie zur Behandlung von Bluthochdruck veröffentlicht am 12. März 2023",
])
def test_references_and_headings_with_a_date_are_no_bylines(line):
    assert line in extract(_page(f"<p>{line}</p><p>{CAUSES}</p>"), URL).body.split("\n\n")


def test_a_pull_quote_a_bio_and_teasers_in_article_asides_stay_out():
    quote = f'<aside class="inline-note"><p>{CAUSES}</p></aside>'  # the article's own sentence again
    bio = ('<aside class="author-box"><p>Jane Smith is a registered nurse who has written about heart health '
           'for twelve years and lives in Ohio with her family.</p></aside>')
    teasers = ('<aside><h3>More from our experts</h3><p>Why some people get headaches when their blood pressure '
               'rises, and when that is an emergency.</p></aside>')
    body = extract(_page(f"<p>{CAUSES}</p>{quote}{bio}{teasers}<p>{TREATMENT}</p>"), URL).body
    assert body.count(CAUSES) == 1 and "registered nurse" not in body and "headaches" not in body


def test_hidden_modals_and_tools_stay_hidden_whatever_opens_them():
    tools = ('<div class="tools"><button aria-expanded="false">Cite</button></div>'
             '<div hidden><p>To cite this article, copy the reference below into your paper.</p></div>')
    modal = ('<button aria-expanded="false" aria-controls="m1">Sign in</button>'
             '<div id="m1" class="modal" hidden><p>Sign in to save articles and follow topics you like.</p></div>')
    body = extract(_page(f"<p>{CAUSES}</p>{tools}{modal}<p>{TREATMENT}</p>"), URL).body
    assert "cite this article" not in body and "save articles" not in body


def test_a_figure_on_its_own_line_is_no_step_counter():
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines(["90", "percent of adults will develop high blood pressure by the age of 80."], set()) == \
        ["90", "percent of adults will develop high blood pressure by the age of 80."]


def test_a_toggle_beside_a_headings_own_text_is_dropped():
    panels = (f'<h3>Causes<button aria-expanded="false">Show</button></h3><div hidden><p>{CAUSES}</p></div>')
    lines = extract(_page(panels), URL).body.split("\n\n")
    assert "Causes" in lines and CAUSES in lines and "CausesShow" not in lines


def test_an_h1_section_inside_the_body_stays():
    html = ('<html><head><title>Walking and your heart | Riverbend</title></head><body><article>'
            '<h2 class="entry-title">Walking and your heart</h2>'
            f'{INTRO}{MORE}<h1>Why it matters</h1><p>{CAUSES}</p></article></body></html>')
    assert "Why it matters" in extract(html, URL).body.split("\n\n")


@pytest.mark.parametrize("heading", ["Hot spots", "Popular in Korea", "Keep reading"])
def test_a_section_heading_like_a_related_heading_stays_over_its_text(heading):
    lines = extract(_page(f"<h2>{heading}</h2><p>{CAUSES}</p>"), URL).body.split("\n\n")
    assert heading in lines


def test_a_numbered_accordion_question_keeps_its_text():
    panels = (f'<h3>1. <button aria-expanded="false">What causes gout?</button></h3><div hidden><p>{CAUSES}</p></div>')
    assert "1. What causes gout?" in extract(_page(panels), URL).body.split("\n\n")
