"""The headline wins over the site's, the blog's or the section's name."""

from __future__ import annotations

import pytest

from cleaning.extract import extract

BODY = "".join(f"<p>Paragraph {i} of the story about knees, running and the tendon below the kneecap, "
               f"with enough words to count as running text for the extractor.</p>" for i in range(5))
HEADLINE = "Runners' knee: what helps and when to see a doctor"


def _page(head: str, top: str, url: str = "https://www.politico.com/news/2023/knees") -> str:
    return f"<html><head>{head}</head><body>{top}<article>{BODY}</article></body></html>"


@pytest.mark.parametrize("head,top,url", [
    # the logo is the only <h1>; og:title and <title> carry the site name
    (f'<title>{HEADLINE} - POLITICO</title><meta property="og:title" content="{HEADLINE} - POLITICO">',
     '<header><h1><a href="/">POLITICO</a></h1></header>', "https://www.politico.com/news/2023/knees"),
    # a section name in an <h1> before the headline's <h1>; <title> = headline | section | site
    (f"<title>{HEADLINE} | News | Daily Runner</title>", f"<h1>News</h1><h1>{HEADLINE}</h1>",
     "https://dailyrunner.example/news/knees"),
    # a one-word blog name as <h1>, the post title in <title> and og:title
    (f'<title>{HEADLINE} | Julia</title><meta property="og:site_name" content="Julia">'
     f'<meta property="og:title" content="{HEADLINE}">', f"<h1>Julia</h1><h2>{HEADLINE}</h2>",
     "https://julia.blogspot.com/2023/04/knees.html"),
    # blog name, menu and headline as three <h1>s, no metadata but <title>
    (f"<title>{HEADLINE} – Julias Lesewelt</title>", f"<h1>Menu</h1><h1>Julias Lesewelt</h1><h1>{HEADLINE}</h1>",
     "https://example.org/2023/knees/"),
    # a kicker in its own element inside the <h1>
    (f'<title>{HEADLINE}</title><meta property="og:title" content="{HEADLINE}">',
     f'<h1><span class="roofline">Sports medicine</span> {HEADLINE}</h1>', "https://example.org/a/1"),
    # the site name only in JSON-LD publisher, the headline in JSON-LD and <title>
    ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "' + HEADLINE.replace("'", "\\u0027")
     + '", "publisher": {"@type": "Organization", "name": "Stride"}}</script><title>Stride</title>',
     "<h1>Stride</h1>", "https://stride.example.net/a/1"),
])
def test_headline_not_site_name(head, top, url):
    assert extract(_page(head, top), url).title == HEADLINE


def test_h1_agreeing_with_stated_title_is_kept_as_shown():
    head = f'<title>{HEADLINE} | Stride</title><meta property="og:title" content="{HEADLINE} | Stride">'
    assert extract(_page(head, f"<h1>{HEADLINE}</h1>"), "https://stride.example.net/a").title == HEADLINE
    # a plain-text h1 longer than og:title is the headline as the reader sees it
    longer = HEADLINE + " (and why rest alone fails)"
    head = f'<title>{HEADLINE}</title><meta property="og:title" content="{HEADLINE}">'
    assert extract(_page(head, f"<h1>{longer}</h1>"), "https://stride.example.net/a").title == longer


@pytest.mark.parametrize("head,top,url,expected", [
    # the logo <h1> spells the site's name as one word, the host with a hyphen; the headline is a titled <h2>
    (f"<title>{HEADLINE} | MedizinTransparent</title>",
     f'<h1 class="logo"><a href="/">MedizinTransparent</a></h1><h2 class="article-title">{HEADLINE}</h2>',
     "https://www.medizin-transparent.at/knees", HEADLINE),
    # og:title and the <h1> are the site's name in words, the host has it in one
    (f'<title>The Wellness Corner | {HEADLINE}</title><meta property="og:title" content="The Wellness Corner">',
     f"<h1>The Wellness Corner</h1><h2>{HEADLINE}</h2>", "https://thewellnesscorner.example/knees", HEADLINE),
    # no <h1>: the site's name (accented, the host without the accent) comes off <title>, the headline's own
    # spaced colon and dash stay
    ("<title>Méditation : 10 minutes par jour – contre le stress | SantéVie</title>", "",
     "https://www.santevie.fr/meditation", "Méditation : 10 minutes par jour – contre le stress"),
    # a site named for its subject: every part reads as its name, the first is the headline
    ("<title>Sleep Apnea | Sleep-Apnea.org</title>", "", "https://sleep-apnea.org/what-is-it", "Sleep Apnea"),
    # Turkish dotless i folds as the host writes it
    ("<title>Diz ağrısı için egzersizler | İstanbul Sağlık</title>", '<h1 class="logo">İstanbul Sağlık</h1>',
     "https://www.istanbulsaglik.example/diz", "Diz ağrısı için egzersizler"),
    # a site name that holds separators itself, after the headline in og:title and <title>
    ('<title>Knee pain - By Dr. Lee - Stride Magazine - Positive News for Runners</title>'
     '<meta property="og:title" content="Knee pain - By Dr. Lee - Stride Magazine - Positive News for Runners">'
     '<meta property="og:site_name" content="Stride Magazine - Positive News for Runners">',
     '<h1 class="entry-title">Knee pain &#8211; By Dr. Lee</h1>', "https://stride.example/2023/knee", "Knee pain – By Dr. Lee"),
    # what is left after the site's name is still parts: the longest is the headline
    ("<title>Disfunctions.de » Blog Archiv » Podcasts in Plex einbinden</title>", "",
     "https://disfunctions.de/2014/05/podcasts", "Podcasts in Plex einbinden"),
])
def test_site_names_however_spelled(head, top, url, expected):
    assert extract(_page(head, top), url).title == expected


def test_a_line_break_in_the_headline_separates_its_words():
    html = ('<html><head><title>Riverbend Health</title></head><body><article>'
            '<h1>Living with long COVID:<br>three patients tell their <!-- x -->stories</h1>'
            '<p>' + 'Three people describe a year of fatigue and recovery. ' * 8 + '</p></article></body></html>')
    assert extract(html, "https://x.test/a/long-covid").title == "Living with long COVID: three patients tell their stories"


def test_a_hidden_modals_heading_is_not_the_headline():
    html = ('<html><head><title>Riverbend Health</title></head><body>'
            '<div class="modal" style="display: none"><h1>Get our free health newsletter</h1></div>'
            '<article><h1>Knee pain after running: causes and fixes</h1>'
            '<p>' + 'Runners feel knee pain for many reasons, most of them simple to fix. ' * 6 + '</p></article></body></html>')
    assert extract(html, "https://x.test/knee-pain").title == "Knee pain after running: causes and fixes"


def test_an_h1_naming_the_section_gives_way_to_the_titles_headline():
    """A hospital's "Health Library" template: its <h1> is the section, a later part of <title>."""
    html = ('<html><head><title>Shingles: Symptoms and Treatment | Health Library | Riverbend Health</title></head>'
            '<body><h1>Health Library</h1><article><h2 class="hl-heading">Shingles: Symptoms and Treatment</h2>'
            '<p>' + 'Shingles is a painful rash caused by the chickenpox virus waking up again. ' * 6 + '</p>'
            '</article></body></html>')
    assert extract(html, "https://www.riverbend.example.org/health-library/shingles").title == \
        "Shingles: Symptoms and Treatment"


def test_a_blogs_titled_h3_is_the_headline_not_the_blog_name_before_it():
    """Blogger's classic template: no <h1>, no og:title, the headline in `h3.post-title`, the <title> "Blog: post";
    a related post's titled <h3> that the page's title does not name is no headline."""
    words = "The last six miles were the hardest, and the crowd carried me home. " * 6
    html = ('<html><head><title>Running Old Man: Finished my first marathon</title></head><body>'
            '<div class="post hentry"><h3 class="post-title entry-title">Finished my first marathon</h3>'
            f'<div class="post-body entry-content">{words}<br><br>{words}</div></div>'
            '<div class="related"><h3 class="entry-title"><a href="/p/2">Training in winter</a></h3></div></body></html>')
    assert extract(html, "https://runningoldman.blogspot.com/2023/05/finished.html").title == "Finished my first marathon"
    other = html.replace("Finished my first marathon</h3>", "Race day</h3>")
    assert extract(other, "https://runningoldman.blogspot.com/2023/05/finished.html").title == \
        "Running Old Man: Finished my first marathon"


def test_a_kicker_in_its_own_element_is_parted_as_the_title_parts_it():
    """`<h1><span class="kicker">Analysis</span> Why ...</h1>` reads "Analysis Why ..." glued; the page's <title>
    parts it: "Analysis: Why ..."."""
    words = "The reservoir was due in spring, but contracts were signed late and rain delayed the work. " * 5
    html = ('<html><head><title>Analysis: Why the new reservoir is months late | Daily Post</title>'
            '<meta property="og:site_name" content="Daily Post"></head><body><article>'
            f'<h1><span class="kicker">Analysis</span> Why the new reservoir is months late</h1><p>{words}</p>'
            '</article></body></html>')
    assert extract(html, "https://dailypost.example/news/reservoir").title == \
        "Analysis: Why the new reservoir is months late"


@pytest.mark.parametrize("head,top,url", [
    # Blogger: "Blog: Post" (a colon with no space before it), the post's short title in `h3.post-title`
    ('<title>Small Steps Blog: Na horách</title>', '<h1 class="title"><a href="http://smallsteps.blogspot.com/">'
     'Small Steps Blog</a></h1><h3 class="post-title entry-title"><a href="#">Na horách</a></h3>',
     "http://smallsteps.blogspot.com/2020/08/na-horach.html"),
    # WordPress at `/?p=17`: "Post | Blog", the logo <h1> linking to "/", the post in `h2.entry-title`
    ('<title>Úszás ellen | Small Steps Blog</title>', '<h1><a href="/">Small Steps Blog</a></h1>'
     '<h2 class="entry-title">Úszás ellen</h2>', "http://uszas.example.hu/?p=17"),
])
def test_a_heading_that_only_links_home_is_the_blogs_name(head, top, url):
    """A logo heading (`<h1><a href="/">Blog name</a></h1>`) names the site even with no meta tag saying so; a short
    post title does not lose to it for "agreeing" less with the <title>."""
    assert extract(_page(head, top), url).title in ("Na horách", "Úszás ellen")


def test_a_heading_linking_to_the_page_itself_at_the_root_is_no_logo():
    """On the root page, a heading linking to "/" is the page's own permalink, not a site name."""
    html = _page('<title>Knee Care Guide</title>', '<h1><a href="/">Knee Care Guide</a></h1>')
    assert extract(html, "https://kneecare.example.org/").title == "Knee Care Guide"


def test_a_blogs_archive_page_with_no_post_heading_keeps_the_blogs_name():
    """"Old Blog: 2011" on a year archive: no heading or stated title gives a headline, so the logo's name stays
    the title rather than "2011"."""
    html = _page('<title>Old Blog: 2011</title>', '<h1 class="title"><a href="http://unexpecteduser.blogspot.com/">Old Blog'
                 '</a></h1><h3 class="post-title entry-title"><a href="/2011/03/x.html">This Is My Old Blog</a></h3>')
    assert extract(html, "http://unexpecteduser.blogspot.com/2011/").title == "Old Blog"


@pytest.mark.parametrize("head", [
    f'<meta name="DC.title" content="{HEADLINE}"><title>Stride</title>',
    f'<meta name="dcterms.title" content="{HEADLINE}">',
    f'<meta itemprop="headline" content="{HEADLINE}">',
])
def test_a_title_stated_in_dublin_core_or_microdata_meta(head):
    """No <h1>, no og:title: Dublin Core's title (government and academic sites) or a microdata headline."""
    assert extract(_page(head, "<h2>Menu</h2>"), "https://stride.example/a/1").title == HEADLINE


def test_a_title_part_that_is_a_host_name_is_the_sites_name():
    """Without the page's URL (a stored page read alone) a <title> that is a host name still names the site."""
    page = _page("<title>stride-magazine.co.uk</title>", f"<h1>{HEADLINE}</h1><h1>Comments</h1>")
    assert extract(page).title == HEADLINE
    assert extract(_page(f"<title>stride.example - {HEADLINE}</title>", "")).title == HEADLINE
    # what a headline may be about, as written, is no host name
    assert extract(_page("<title>Node.js | Notes</title>", "")).title == "Node.js"


@pytest.mark.parametrize("thread", ['<h2 class="comments-title">25 thoughts on “{t}”</h2>',
                                    '<h2 class="vhb-headline">3 Kommentare zu "{t}"</h2>',
                                    '<h3 class="post-title">One response to “{t}”</h3>'])
def test_a_comment_threads_heading_quoting_the_title_is_not_the_headline(thread):
    """No <h1>: the headline is a titled <h2>; the comment thread's heading quotes the whole title, longer."""
    t = "How to Grow a Lemon Tree from Seed | Step-by-Step Guide"
    body = "".join(f"<p>Step {i}: soak the seeds overnight, then plant them half an inch deep in moist soil.</p>"
                   for i in range(4))
    html = (f"<html lang='en'><head><title>{t}</title><meta property='og:title' content='{t}'></head><body>"
            f"<h2 class='hero__title'>{t}</h2>"
            f"{body}<div id='comments'>{thread.format(t=t)}<p>Great guide, it worked for me.</p></div></body></html>")
    assert extract(html, "https://garden.example/lemon-tree").title == t


def _german_page(title: str, og_title: str, heading: str) -> str:
    body = "".join(f"<p>Absatz {i}: Die Einstufung widerspricht den Kriterien für nachhaltige Investitionen.</p>"
                   for i in range(4))
    return (f"<html lang='de'><head><title>{title}</title><meta property='og:title' content='{og_title}'></head>"
            f"<body>{heading}{body}</body></html>")


def test_a_headline_written_with_the_sites_name_after_it_loses_the_name():
    """A federal agency's template writes its name into the <h1> as into the <title>."""
    t = "EU-Taxonomie: Atomkraft und Erdgas sind nicht nachhaltig"
    html = _german_page(f"{t} | Umweltbundesamt", t, f"<h1>{t} | Umweltbundesamt</h1>")
    assert extract(html, "https://www.umweltbundesamt.de/themen/eu-taxonomie").title == t


@pytest.mark.parametrize("site", ["brand eins online", "Brandeins Magazin"])
def test_the_sites_name_with_a_word_for_its_kind_is_the_sites_name(site):
    """The host says "brandeins"; the title's last part says "brand eins online": still the site, not the headline's."""
    t = "Rutger Bregman: Unser wahres Ich"
    html = _german_page(f"{t} - {site}", f"{t} - {site}", "<h2 class='teaser'>Unser wahres Ich</h2>")
    assert extract(html, "https://www.brandeins.de/magazine/unser-wahres-ich").title == t
