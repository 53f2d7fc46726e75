"""Visible article text stays whatever its class says; widgets go on evidence, not on a class name.

Fixtures (hand-written, tests/fixtures/pages): body_paywall, body_text_classes, body_header_lead,
related_inside_article, body_sidebar_layout.
"""

from __future__ import annotations

import pytest

from cleaning.extract import extract
from cleaning.extract.body import preclean, widget_evidence
from cleaning.extract.core import _parse
from tests.cleaning.extract.fixture_pages import URL, fixture_tree, run_fixture

_run = run_fixture


def _paragraphs(name: str) -> list[str]:
    """The fixture's own article paragraphs (every <p> of 20+ words outside header/footer/nav)."""
    tree = fixture_tree(name)
    out = []
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        if len(text.split()) >= 20 and not any(a.tag in ("footer", "nav") for a in p.iterancestors()):
            out.append(text)
    return out


def test_paywall_classed_paragraphs_are_kept_and_the_prompt_goes():
    ex = _run("body_paywall")
    for para in _paragraphs("body_paywall"):
        if "Subscribe" not in para:
            assert para in ex.body
    assert len(ex.body.split("\n\n")) == 7
    for junk in ("Subscribe", "Log in", "subscriber"):
        assert junk not in ex.body


def test_non_paywall_read_more_and_subheading_classes_keep_their_text():
    ex = _run("body_text_classes")
    paras = ex.body.split("\n\n")
    for para in _paragraphs("body_text_classes"):
        assert para in paras
    assert "Strength takes the load off" in paras and "When to see a doctor" in paras
    assert "Read more about running injuries" not in ex.body


def test_lead_paragraph_in_the_article_header_is_body():
    ex = _run("body_header_lead")
    paras = ex.body.split("\n\n")
    lead = _paragraphs("body_header_lead")[0]
    assert paras[0] == lead
    assert "Anna Berg" not in ex.body and ex.title not in paras
    assert len(paras) == 5


def test_related_list_inside_the_article_takes_only_the_list():
    ex = _run("related_inside_article")
    for para in _paragraphs("related_inside_article"):
        assert para.split(" See ")[0] in ex.body
    assert [p.title for p in ex.hot_picks] == ["Shin splints: causes and a plan to recover",
                                              "Heel pain in the morning and what it means"]
    assert ex.hot_picks[0].block == "You may like"
    assert "You may like" not in ex.body and "Shin splints" not in ex.body
    assert "Where the pain comes from" in ex.body.split("\n\n")


def test_sidebar_classed_wrapper_holding_the_article_is_not_a_related_block():
    ex = _run("body_sidebar_layout")
    assert "link_list" not in ex.flags and ex.reason is None
    assert ex.body.split("\n\n") == _paragraphs("body_sidebar_layout")
    assert len(ex.hot_picks) == 28 and all(p.title not in ex.body for p in ex.hot_picks)


PROSE = ("Runners who add two short strength sessions a week report less knee pain after a month, "
         "according to a small trial that followed forty amateur athletes through a full season.")
CLASSES = ["paywall", "non-paywall", "article-paywall", "read-more", "readmore", "read-more-content", "subheading",
           "article-subheading", "sub-headline", "dek", "standfirst", "related-content", "share-text", "promo-copy",
           "sponsor-note", "newsletter-intro", "subscription-content", "social-proof", "trending-now", "also-read",
           "see-also", "recommended-text", "cookie-recipe", "consent-form-explained", "breadcrumb-trail-story"]


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("tag", ["p", "div"])
def test_no_class_name_alone_removes_visible_text(cls, tag):
    other = "".join(f"<p>{PROSE.replace('forty', str(n))}</p>" for n in (12, 13, 14))
    inner = PROSE if tag == "p" else f"<p>{PROSE}</p>"
    html = (f"<html><body><article><h1>Strength and knees</h1>{other}<{tag} class='{cls}'>{inner}</{tag}>"
            f"{other.replace('1', '2')}</article></body></html>")
    tree = _parse(html)
    preclean(tree)
    assert PROSE in " ".join(tree.text_content().split())
    assert PROSE in extract(html, URL).body


@pytest.mark.parametrize("html,is_widget", [
    ("<div class='newsletter'><p>Get our weekly newsletter.</p><input type='email'><button>Go</button></div>", True),
    ("<div class='share-bar'><a href='/f'>Facebook</a> <a href='/t'>Twitter</a> <a href='/m'>Email</a></div>", True),
    ("<div class='paywall'><p>Subscribe to continue reading. Already a subscriber? <a href='/l'>Log in</a></p></div>", True),
    ("<div class='ad-slot'><span>Advertisement</span></div>", True),
    ("<div class='promo' style='display:none'><p>" + PROSE + "</p></div>", True),
    ("<div class='author-bio'><img src='a.jpg'><p>Dr. Mei Chen writes about kidney health for our readers.</p></div>", True),
    ("<div class='paywall'><p>" + PROSE + "</p></div>", False),
    ("<p class='read-more'>" + PROSE + "</p>", False),
    ("<div class='related-story'><p>" + PROSE + " See <a href='/s'>the study</a>.</p></div>", False),
    # everyday words that are also calls to action, in a sentence of the article's
    ("<p class='paywall'>Patients can register for the trial through their family doctor.</p>", False),
    ("<p class='paywall'>Those who sign in to the study app record their symptoms each evening.</p>", False),
    ("<p class='paywall'>The researchers stress that nobody has to accept a place.</p>", False),
    ("<p class='paywall-content'>专家建议，高血压患者要关注天气变化，降温时及时添加衣物。</p>", False),
    ("<h2 class='paywall'>Next steps</h2>", False),
    # the same words as a prompt, also written as a sentence
    ("<div class='promo'><a href='/r'>Register</a> or <a href='/l'>sign in</a> to comment</div>", True),
    ("<div class='social'>关注我们</div>", True),
    ("<p class='paywall'>Continue reading</p>", True),
    ("<div class='social-follow'>Follow us on Facebook for daily health tips and news.</div>", True),
    ("<div class='newsletter'>Sign up for our free weekly letter on heart health.</div>", True),
    ("<div class='share-box'>Share this article with your friends and family today!</div>", True),
    ("<div class='promo'>Please sign in to read the full article and its references.</div>", True),
    ("<div class='cookie-note'>We use cookies to give you the best experience on our website.</div>", True),
    ("<div class='social'>关注我们的微信公众号。</div>", True),
    # short headings of widgets go; a paywalled passage's subheading stays (above)
    ("<h3 class='newsletter-title'>Stay informed</h3>", True),
    ("<h4 class='share-heading'>Spread the word</h4>", True),
    ("<h3 class='author-box-title'>About Dr. Lee</h3>", True),
    # hidden for every reader, or only on small screens
    ("<p class='hidden'>" + PROSE + "</p>", True),
    ("<p class='hidden md:block'>" + PROSE + "</p>", False),
    ("<div class='hidden lg:flex'><p>" + PROSE + "</p></div>", False),
    ("<div class='d-none d-md-block'><p>" + PROSE + "</p></div>", False),
    ("<div class='md:hidden'><p>" + PROSE + "</p></div>", True),  # the phone's copy
    ("<div class='d-md-none'><p>" + PROSE + "</p></div>", True),
])
def test_widget_evidence(html, is_widget):
    el = _parse(f"<html><body>{html}</body></html>").find(".//body")[0]
    assert widget_evidence(el) is is_widget


def test_section_headings_that_read_like_related_headings_stay_when_a_section_follows():
    para = ("Adults who walked for thirty minutes on most days lowered their blood pressure by several points "
            "within twelve weeks, the researchers found in their trial.")
    html = ("<html><body><article><h1>Walking and blood pressure</h1>"
            f"<p>{para}</p><h2>Recommendations</h2><p>{para.replace('thirty', 'forty')}</p>"
            f"<h2>More about the study</h2><p>{para.replace('twelve', 'ten')}</p>"
            "<ol><li>Measure your blood pressure at home</li><li>Share results with family</li>"
            "<li>Bring the readings to your doctor</li></ol>"
            "<h3>Trending</h3><ul><li>Ten foods for a healthy heart</li><li>Why sleep matters</li></ul>"
            "</article></body></html>")
    body = extract(html, URL).body
    for kept in ("Recommendations", "More about the study", "Share results with family"):
        assert kept in body.split("\n\n"), kept
    assert "Trending" not in body.split("\n\n")  # heads no section: what followed was a list of headlines


@pytest.mark.parametrize("line", ["Suscríbete a nuestro boletín de salud", "Suscribirse", "Newsletter abonnieren",
                                  "Abonnez-vous à notre newsletter", "Iscriviti alla newsletter"])
def test_subscribe_prompts_in_other_languages_are_no_body(line):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line, "A sentence of the article that stays where it is."], set()) == \
        ["A sentence of the article that stays where it is."]


def test_key_points_shown_from_a_width_on_are_body():
    """Tailwind's "css-k hidden md:block": hidden on phones, shown on a desktop (the extractor drops " hidden")."""
    html = (f"<html><body><main><article><h1>Strength and knees</h1><ul class='css-k hidden md:block'>"
            "<li>Two strength sessions a week halved knee pain</li><li>Experts want longer trials</li></ul>"
            f"<p>{PROSE}</p><p>{PROSE.replace('forty', 'fifty')}</p></article></main></body></html>")
    assert "Two strength sessions a week halved knee pain" in extract(html, URL).body


def test_a_passage_shown_on_phones_and_on_desktops_gives_its_text_once():
    html = (f"<html><body><article><h1>Strength and knees</h1><p>{PROSE}</p>"
            "<div class='hidden md:block'><p>Desktop copy of the key points of this article.</p></div>"
            "<div class='md:hidden'><p>Phone copy of the key points of this article.</p></div>"
            f"<p>{PROSE.replace('forty', 'fifty')}</p></article></body></html>")
    body = extract(html, URL).body
    assert "Desktop copy" in body and "Phone copy" not in body


@pytest.mark.parametrize("line", ["Share Tweet Pin Email", "Share Tweet", "Share 0", "Share Facebook Twitter",
                                  "View this post on Instagram", "View this profile on Instagram"])
def test_share_button_rows_are_no_body(line):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line, "A sentence of the article that stays where it is."], set()) == \
        ["A sentence of the article that stays where it is."]


@pytest.mark.parametrize("line", [
    "Actualizado el 7 de mayo de 2024 a las 10:12 | Publicado el 5 de mayo de 2024 a las 19:30",
    "18 settembre 2023 | 11:42", "Yayınlanma: 21.02.2024 - 10:34 Güncelleme: 22.02.2024 - 09:15",
    "Publié le 3 mars 2024 à 18h45", "09 Jun 2020, 02:32 PM IST", "14.10.2020 ∙ 14:00 Uhr"])
def test_datelines_with_times_and_two_dates_are_no_body(line):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line, "A sentence of the article that stays where it is."], set()) == \
        ["A sentence of the article that stays where it is."]


@pytest.mark.parametrize("line", ["On 12 May 2021 at 10:00 the hospital opened its new ward for children",
                                  "Open daily 9:00 to 17:00 since 12 May 2021",
                                  # an article's schedules, table rows, ranges and lists of dates
                                  "5 May 2024, 10:00-12:00", "| 12 January 2024 | 12.50 | 14.75 |",
                                  "1 March 2024 – 15 March 2024", "3 March 2024, 10 March 2024, 17 March 2024",
                                  "15/03/2024 8.30 9.15", "le 12 mars 2024 à 18h30", "am 5. Mai 2024 um 10:00",
                                  "29 November 2018 | 20 January 2019"])
def test_sentences_with_a_date_and_a_time_stay(line):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line, "A sentence of the article that stays where it is."], set())[0] == line


@pytest.mark.parametrize("line", ["Updated at 1:23 p.m.", "Aktualisiert um 14:05 Uhr", "Published 09:30 ET",
                                  "Updated 3 hours ago", "Posted yesterday",
                                  "Tell us what YOU think...", "SKIP ADVERTISEMENT", "0:00 / 24:13Subscribe on Apple Podcasts",
                                  "Listen to this article · 5 min",
                                  "[button link=\"https://x.test/submit/\" type=\"big\"] Send us YOUR kit review[/button]",
                                  "[caption id=\"attachment_5\" align=\"alignleft\"] A nurse at work[/caption]"])
def test_time_only_datelines_prompts_and_unrendered_widget_shortcodes_are_no_body(line):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line, "A sentence of the article that stays where it is."], set()) == \
        ["A sentence of the article that stays where it is."]


@pytest.mark.parametrize("line", ["The clinic opens at 9:00 and closes at noon on Saturdays",
                                  "Updated guidance at 10:00 tells patients to stay home",
                                  "[sourcecode language=\"bash\"]grep -x pattern file.txt[/sourcecode]",
                                  "Tell us what you think about the new rules and we will print the best letters"])
def test_sentences_with_a_time_and_code_shortcodes_stay(line):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line, "A sentence of the article that stays where it is."], set())[0] == line


def test_widgets_named_only_by_data_testid_or_data_component_go():
    """React sites' hashed classes say nothing; `data-testid`/`data-component` say "newsletter-insert", "paywall"."""
    html = (f"<html><body><main><article class='css-a1'><h1>Walking study</h1><div class='css-b1'><p>{PROSE}</p>"
            "<div data-component='newsletter-insert' class='dcr-nl1'><h2>Morning Pulse</h2><p>Get the Morning Pulse "
            "newsletter in your inbox every weekday.</p><form><input type='email'><button>Sign up</button></form></div>"
            f"<p>{PROSE.replace('forty', 'fifty')}</p><div data-testid='paywall' class='css-pw'><h2>Continue reading "
            "with a subscription</h2><p>Subscribe for unlimited access to trusted journalism. Cancel anytime.</p>"
            "<a href='/s'>Subscribe now</a></div></div></article></main></body></html>")
    body = extract(html, URL).body
    assert "Morning Pulse" not in body and "unlimited access" not in body and body.count("\n\n") == 1


@pytest.mark.parametrize("prompt", ["Jetzt weiterlesen mit Ledger+. Alle Artikel, jederzeit kündbar.",
                                    "Lisez la suite : abonnez-vous dès 1 € le premier mois.",
                                    "Suscríbete para seguir leyendo. Cancela cuando quieras.",
                                    "続きを読むには有料会員登録が必要です。"])
def test_a_paywalls_prompt_in_another_language_is_no_body(prompt):
    html = (f"<html><body><main><article><h1>Walking study</h1><div class='text'><p>{PROSE}</p>"
            f"<p>{PROSE.replace('forty', 'fifty')}</p><div class='paywall'><p>{prompt}</p><a href='/abo'>Abo</a></div>"
            "</div></article></main></body></html>")
    assert prompt[:12] not in extract(html, URL).body


_GUIDE = [f"Step {i}: walk for {i * 5} minutes after breakfast, at a pace that still lets you talk, and write down how "
          f"your knees felt the next morning before you plan the following day." for i in range(1, 11)]


def test_the_rest_of_an_article_hidden_until_read_more_is_its_body():
    """Portal templates ship the whole article and hide most of it behind "read more" (style and aria-hidden):
    held back by pre-cleaning as too large to be a widget, it was then dropped as hidden by the extractor."""
    shown = "".join(f"<p>{p}</p>" for p in _GUIDE[:3])
    rest = "".join(f"<p>{p}</p>" for p in _GUIDE[3:])
    html = (f"<html><body><article><h1>Walking after knee surgery</h1>{shown}<button>Read more</button>"
            f"<div class='read-more-content' style='display:none' aria-hidden='true'>{rest}</div></article>"
            f"<div class='newsletter' style='display:none'><p>Get our weekly letter.</p></div></body></html>")
    body = extract(html, URL).body
    assert all(p in body for p in _GUIDE) and "weekly letter" not in body, body


def test_a_slideshows_hidden_slides_are_the_article_together():
    """Each inactive slide is small; together they are the article (a "10 steps" gallery)."""
    hidden = ' style="display:none"'
    slides = "".join(f"<div class='slide'{'' if i == 0 else hidden}><h2>Step {i + 1}</h2><p>{p}</p></div>"
                     for i, p in enumerate(_GUIDE))
    html = (f"<html><body><article><h1>Ten steps back to walking</h1><div class='slides'>{slides}</div>"
            f"<button>Next slide</button></article></body></html>")
    body = extract(html, URL).body
    assert sum(p in body for p in _GUIDE) >= 9, body


def test_small_hidden_things_beside_the_article_still_go():
    article = "".join(f"<p>{p}</p>" for p in _GUIDE[:4])
    tips = "".join(f"<span style='display:none'>Tooltip {i}: tap to see the definition.</span>" for i in range(3))
    html = (f"<html><body><article><h1>Walking</h1>{article}<div>{tips}</div></article>"
            f"<div class='modal' style='display:none' aria-hidden='true'><p>Allow notifications?</p></div></body></html>")
    body = extract(html, URL).body
    assert "Tooltip" not in body and "notifications" not in body and all(p in body for p in _GUIDE[:4]), body


@pytest.mark.parametrize("hidden", [
    "<div class='print-version' style='display:none'>{all}</div>",  # a copy of what is shown
    "<div lang='de' style='display:none' aria-hidden='true'>{de}</div>",  # a translation
    "<div role='tabpanel' style='display:none'>{de}</div>",  # another tab's content
])
def test_a_large_hidden_element_that_is_not_the_rest_of_the_article_stays_hidden(hidden):
    article = "".join(f"<p>{p}</p>" for p in _GUIDE[:5])
    de = "".join(f"<p>Schritt {i}: nach dem Frühstück {i * 5} Minuten gehen und notieren, wie sich die Knie am nächsten "
                 f"Morgen anfühlen.</p>" for i in range(1, 9))
    html = (f"<html><body><article><h1>Walking</h1>{article}<button>Read more</button>"
            f"{hidden.format(all=article, de=de)}</article></body></html>")
    body = extract(html, URL).body
    assert body.count(_GUIDE[0]) == 1 and "Schritt" not in body, body
