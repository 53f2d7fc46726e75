"""Tag rules need evidence too: a nav/aside/footer/menu goes before body extraction, unless broken markup
wrapped the article in it. Promo lines ("SEE MORE: <headline>") inside a body go; sentences stay.

Fixtures (hand-written, tests/fixtures/pages): body_article_in_aside, body_promo_lines.
"""

from __future__ import annotations

import pytest

from cleaning.extract import extract
from cleaning.extract.body import drop_boilerplate_elements, element_paragraphs
from cleaning.extract.body_lines import is_promo_line
from cleaning.extract.body_holders import unwrap_article_holders
from cleaning.extract.core import _parse
from tests.cleaning.extract.fixture_pages import URL, fixture_tree, run_fixture

_run = run_fixture


def _article_paragraphs(name: str) -> list[str]:
    tree = fixture_tree(name)
    return [" ".join(p.text_content().split()) for p in tree.find(".//article").iter("p")]


def test_article_that_broken_markup_put_inside_an_aside_is_the_body():
    ex = _run("body_article_in_aside")
    assert ex.reason is None and "too_short" not in ex.flags
    assert ex.body.split("\n\n") == _article_paragraphs("body_article_in_aside")
    for widget in ("Newsletter", "weekly health letter", "Kidney stones", "Harbour Road", "everyday health"):
        assert widget not in ex.body


def _long(n: int, topic: str = "knee") -> str:
    return (f"Paragraph {n} about the {topic}: physiotherapists recommend cutting weekly distance by a third for "
            f"two weeks, then building it up again by no more than ten percent a week while pain stays low.")


ARTICLE = "<article><h1>Knees</h1>" + "".join(f"<p>{_long(n)}</p>" for n in range(4)) + "</article>"


@pytest.mark.parametrize("tag", ["aside", "nav", "footer"])  # lxml closes <menu> before any block
def test_a_tag_holding_the_article_is_unwrapped(tag):
    tree = _parse(f"<html><body><{tag} class='sidebar'><ul><li><a href='/a'>A</a></li></ul>{ARTICLE}</{tag}>"
                  f"</body></html>")
    assert unwrap_article_holders(tree) == 1
    assert tree.find(f".//{tag}") is None and len(tree.find(".//article")) == 5
    assert extract(f"<html><body><{tag}>{ARTICLE}</{tag}></body></html>", URL).body.count("Paragraph") == 4


def test_most_long_paragraphs_without_an_article_element_are_unwrapped():
    divs = "<div class='post'>" + "".join(f"<p>{_long(n)}</p>" for n in range(4)) + "</div>"
    tree = _parse(f"<html><body><aside>{divs}</aside><div><p>{_long(9, 'weather')}</p></div></body></html>")
    assert unwrap_article_holders(tree) == 1 and tree.find(".//aside") is None


@pytest.mark.parametrize("other", [
    # a sidebar of teaser cards, each an <article> with one long teaser
    "<aside>" + "".join(f"<article><h3><a href='/t{n}'>Teaser {n}</a></h3><p>{_long(n, 'hip')}</p></article>"
                        for n in range(3)) + "</aside>",
    # a footer with two long legal paragraphs
    f"<footer><p>{_long(1, 'publisher')}</p><p>{_long(2, 'publisher')}</p></footer>",
    # a nav with no paragraphs at all
    "<nav><ul><li><a href='/k'>Knees</a></li><li><a href='/h'>Hips</a></li></ul></nav>",
])
def test_ordinary_sidebars_footers_and_menus_still_go(other):
    html = f"<html><body>{ARTICLE}{other}</body></html>"
    tree = _parse(html)
    assert unwrap_article_holders(tree) == 0
    body = extract(html, URL).body
    assert body.count("Paragraph") == 4 and "hip" not in body and "publisher" not in body and "Hips" not in body


def test_profile_body_keeps_an_article_wrapped_in_an_aside():
    article = ARTICLE.replace("</article>", "<div class='promo-box'>Promo</div></article>")
    root = _parse(f"<html><body><div id='main'><aside class='sidebar'>{article}</aside><aside><p>Ad</p></aside>"
                  f"</div></body></html>").find(".//div")
    drop_boilerplate_elements(root, ("aside.sidebar", "aside .promo-box"))  # a profile's remove selectors
    paras = element_paragraphs(root)
    assert sum("Paragraph" in p for p in paras) == 4
    assert "Ad" not in paras and "Promo" not in paras


def test_promo_lines_go_and_sentences_starting_alike_stay():
    ex = _run("body_promo_lines")
    paras = ex.body.split("\n\n")
    assert len(paras) == 4
    for promo in ("SEE MORE", "Blood sugar and sleep", "Why fibre at breakfast", "Lesen Sie auch"):
        assert promo not in ex.body
    assert paras[2].startswith("See more of your doctor") and paras[3].startswith("Read more: the researchers")


@pytest.mark.parametrize("line,promo", [
    ("SEE MORE: Hong-style headline: a city under siege", True),
    ("Read more: Why fibre at breakfast keeps you full", True),
    ("READ MORE | Ten foods for your heart", True),
    ("Also read - How to sleep in a heatwave", True),
    ("Related: The 15 weirdest kidney facts", True),
    ("You may also like: Walking after meals", True),
    ("À lire aussi : Le sommeil des enfants", True),
    ("Lesen Sie auch: Warum Schlaf wichtig ist", True),
    ("相关阅读：睡眠的重要性", True),
    ("See more of the coast by train: a guide", False),
    ("Read more: the guidelines ask for 150 minutes a week.", False),
    ("Note: Walking after meals", False),
    ("Read more about it: here", False),
    ("Read more: " + " ".join(["word"] * 30), False),
    # labels that also open ordinary lines of an article, and a reference too short to be a headline
    ("Don't miss: take your medication with food", False),
    ("Featured: Dr. Jane Smith, MD, cardiologist at the clinic", False),
    ("See also: Table 2", False),
    # labels no sentence opens with, after a period or with no separator (the label in <b>, the headline a link)
    ("LIRE AUSSI. Les jardins partagés font le plein", True),
    ("Mehr zum Thema Wie Städte ihre Straßen neu verteilen", True),
    ("İLGİLİ HABER Tarihi hanın restorasyonu tamamlandı", True),
    ("Mehr zum Thema lesen Sie in unserem Dossier.", False),
    ("Lire aussi notre enquête sur les jardins?", False),
    ("Siehe auch Tabelle 2 unten", False),
    ("Dr. Smith says the trial was small", False),
    # instructions in a list, and labels a period ends only in prose (review of the session's diff)
    ("Lesen Sie auch die Packungsbeilage und fragen Sie Ihren Arzt oder Apotheker", False),
    ("Also read the label on the package before giving it to children", False),
    ("Recommendations. Adults should get at least 150 minutes a week", False),
    ("Also in Jan. 2024 the FDA approved a new drug", False),
    ("More about Dr. Jane Smith and her team", False),
])
def test_is_promo_line(line, promo):
    assert is_promo_line(line) is promo


def test_a_footer_of_long_disclaimers_beside_short_paragraphs_is_still_a_footer():
    """All the page's long paragraphs are in it, but no <article> is: health sites' legal text."""
    short = "<div class='post'>" + "".join(f"<p>Walk {n} minutes after dinner.</p>" for n in range(8)) + "</div>"
    legal = "<footer>" + "".join(f"<p>{_long(n, 'disclaimer')}</p>" for n in range(3)) + "</footer>"
    tree = _parse(f"<html><body>{short}{legal}</body></html>")
    assert unwrap_article_holders(tree) == 0 and tree.find(".//footer") is not None


def test_a_tables_rows_stay_and_the_rule_under_its_header_goes():
    rows = "".join(f"<tr><td>Drug {i}</td><td>{i} mg</td><td>twice a day</td></tr>" for i in range(4))
    prose = " ".join(["Patients with gout should follow the dose their doctor gives and drink water."] * 6)
    html = (f"<html><body><article><h1>Doses</h1><p>{prose}</p><table><tr><th>Drug</th><th>Dose</th>"
            f"<th>How often</th></tr>{rows}</table><p>{prose}</p></article></body></html>")
    paras = extract(html, URL).body.split("\n\n")
    assert "| Drug 3 | 3 mg | twice a day |" in paras and "| Drug | Dose | How often |" in paras
    assert not any(set(p) <= set("|-: ") for p in paras), paras


PORTAL_PARAS = ["Cold weather makes the blood vessels contract, and the blood pressure of older people rises easily in "
                "the morning, so the morning reading matters for them and for the doctor who adjusts the dose.",
                "Measure twice after getting up, before the medicine and before breakfast, and write the numbers in "
                "a notebook for the next visit, together with the time and the arm used for the reading."]


def test_an_article_in_a_layout_tables_cell_is_read_as_paragraphs():
    body = "".join(f"<p>{p}</p>" for p in PORTAL_PARAS)
    html = (f"<html><body><table width='960'><tr><td colspan='2'><a href='/'>Home</a> | <a href='/tcm/'>TCM</a></td>"
            f"</tr><tr><td width='660'><h1>Winter blood pressure</h1>{body}</td>"
            f"<td width='300'><a href='/a/1.html'>Another story</a></td></tr></table></body></html>")
    paras = extract(html, URL).body.split("\n\n")
    assert paras == PORTAL_PARAS, paras  # it was one row: "| Winter blood pressure Cold weather ... |"


@pytest.mark.parametrize("cell", [
    "<div>{p0}</div><div>{p1}</div>",  # a long block that is a div, not a paragraph
    "<h6>Winter readings</h6><span>{p0}</span>",  # a heading the first test's page did not have
])
def test_a_layout_cell_is_told_by_any_long_block_or_heading(cell):
    from lxml.html import fromstring

    from cleaning.extract.layout_tables import unwrap_layout_tables

    tree = fromstring("<html><body><table><tr><td>" + cell.format(p0=PORTAL_PARAS[0], p1=PORTAL_PARAS[1]) +
                      "</td><td><a href='/a/1.html'>Another story</a></td></tr></table></body></html>")
    assert unwrap_layout_tables(tree) == 1 and tree.find(".//table") is None


def test_prose_between_double_breaks_is_read_as_paragraphs_with_its_subheadings():
    text = "<br><br>".join(["&nbsp;&nbsp;" + PORTAL_PARAS[0], "<b>Why the morning reading</b>", PORTAL_PARAS[1]])
    html = (f"<html><body><div class='crumb'><a href='/'>Home</a> &gt; Text</div><h1>Winter blood pressure</h1>"
            f"<div id='text'><font face='Arial' size='3'>{text}</font><p>Responsible editor: Wang Fang</p></div>"
            f"</body></html>")
    paras = extract(html, URL).body.split("\n\n")
    assert paras == [PORTAL_PARAS[0], "Why the morning reading", PORTAL_PARAS[1]], paras


@pytest.mark.parametrize("line", [
    "2023-07-14 09:32 Source: XX Health Network Author: Li Hua Editor: Wang", "Release time: 2023年07月14日 Source：XX",
    "Responsible editor: Wang Fang", "Scan the QR code to follow us", "Previous article：Drinking hot water every day",
    "Next article: Astragalus soaked in water", "Share to: WeChat Weibo QQ", "Font size: large medium small",
    "Print this page Close window", "Disclaimer: The content of this article is for reference only and does not "
    "constitute medical advice; if you feel unwell, go to a regular hospital in time.",
])
def test_a_portals_template_lines_are_no_body_text(line: str):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line], set()) == []


@pytest.mark.parametrize("line", ["The editor said the study was small.", "Next, take the medicine after meals.",
                                  "Previous studies found the same effect in older adults."])
def test_sentences_that_open_like_template_lines_stay(line: str):
    from cleaning.extract.body_lines import clean_lines

    assert clean_lines([line], set()) == [line]


@pytest.mark.parametrize("card,headline,gone", [
    ('<div class="css-rel4"><span>Te puede interesar</span><a href="/r"><h3>Por qué crujen las rodillas al subir '
     'escaleras</h3></a></div>', "Por qué crujen las rodillas", True),
    ('<div><strong>Lesen Sie auch</strong><a href="/r"><h3>Warum Schlaf im Sommer so schwer fällt</h3></a></div>',
     "Warum Schlaf im Sommer", True),
    # a label of no read-also kind, and a label inside a sentence, stay
    ('<div><span>Study design</span><a href="/methods"><h3>How the cohort was followed for eleven years</h3></a></div>',
     "How the cohort was followed", False),
    ('<p><b>Te puede interesar</b> <a href="/r">el estudio de Madrid</a>, que siguió a dos mil adultos durante una '
     'década y encontró lo mismo.</p>', "el estudio de Madrid", False),
])
def test_a_read_also_card_of_one_linked_headline_is_no_body(card, headline, gone):
    first = "Researchers followed four thousand adults for eleven years and found fewer admissions for heart failure. "
    second = "The effect held after the team adjusted for smoking, income and body weight in the analysis. "
    html = (f'<html><body><main><article><h1>Walking study</h1><div class="text"><p>{first * 2}</p>{card}'
            f'<p>{second * 2}</p></div></article></main></body></html>')
    body = extract(html, "https://news.example/health/walking").body
    assert (headline not in body) is gone, body


CJK_PARAS = ["今年も春が来て、朝起きると目がかゆくて鼻水が止まりません。病院で薬をもらいましたが、眠くなるので仕事中は困っています。",
             "先生に相談したところ、眠くなりにくい薬に変えてもらいました。外から帰ったら顔を洗い、服をはらうようにしています。",
             "天気予報の花粉情報を見て、多い日は窓を開けないようにしました。少しずつですが、去年より楽に過ごせています。"]


def test_a_short_cjk_post_in_a_layout_tables_cell_is_read_as_paragraphs_and_a_list():
    """About 170 Japanese characters say what 500 English ones do: the cell is the page's article, not a data
    table's cell (it came out as one row, its list items lost)."""
    post = "<br><br>".join(CJK_PARAS[:2]) + "<ul><li>マスクをする</li><li>目薬をさす</li></ul>" + CJK_PARAS[2]
    html = ("<html><body><table width='760'><tr><td width='150'><a href='/'>Home</a><br><a href='/archive.html'>"
            f"Archive</a></td><td valign='top'><font size='2'>{post}</font></td></tr></table></body></html>")
    paras = extract(html, URL).body.split("\n\n")
    assert CJK_PARAS[0] in paras and CJK_PARAS[1] in paras and CJK_PARAS[2] in paras, paras
    assert any("マスクをする" in p and "|" not in p for p in paras), paras



def _portal(side: str, right: str = "", post: str = "") -> str:
    """A 2000s personal site: banner row, menu column, the post as <br>-separated prose in <font>, ad column."""
    post = post or (f"<font size='2'><b><font size='4'>Winter blood pressure</font></b><br><br>{PORTAL_PARAS[0]}"
                    f"<br><br><b>What helps</b><br><ul><li>A cuff that fits the arm</li><li>The same chair every "
                    f"morning</li></ul>{PORTAL_PARAS[1]}<br><br></font>")
    return (f"<html><body><table width='100%'><tr><td colspan='3'><font size='5'>Pebble Notes</font></td></tr>"
            f"<tr><td width='150'><font size='1'>{side}</font></td><td>{post}</td><td width='160'>{right}</td></tr>"
            f"<tr><td colspan='3'><font size='1'>Last modified: 07.04.2010 &copy; 2001-2010 Pebble Notes</font></td>"
            f"</tr></table></body></html>")


MENU = ("<a href='/'>Home</a><br><a href='/archive.html'>Archive</a><br><br><b>Recent</b><br>"
        "<a href='/o1.html'>Why I stopped weighing myself every day</a> (14.04.2009)")


def test_the_menu_ad_banner_and_footer_cells_around_a_layout_tables_article_go():
    """Read as blocks, they sat beside the article as lines of its own ("Home", "Archive", "You are visitor no.
    011578"): one cell holds the article, and the small or link-filled cells around it are the site's."""
    ads = ("<center>Sponsored links<br><a href='http://ads.example.net/c?1'><img src='/b.gif'></a><br><br>"
           "You are visitor no. 011578</center>")
    paras = extract(_portal(MENU, ads), URL).body.split("\n\n")
    assert PORTAL_PARAS[0] in paras and PORTAL_PARAS[1] in paras and "A cuff that fits the arm" in paras, paras
    assert not {"Pebble Notes", "Home", "Archive", "Sponsored links", "You are visitor no. 011578"} & set(paras), paras


def _unwrapped_text(html: str) -> str:
    from lxml.html import fromstring

    from cleaning.extract.layout_tables import unwrap_layout_tables

    tree = fromstring(html)
    assert unwrap_layout_tables(tree) == 1
    return " ".join(tree.text_content().split())


def test_a_cell_beside_the_article_with_its_own_photo_and_caption_stays():
    assert "The cuff I use every morning" in _unwrapped_text(_portal("<img src='/cuff.jpg'><br>The cuff I use every morning"))


def test_a_pull_quote_in_a_cell_beside_the_article_stays():
    quote = "<blockquote>I never thought a cuff could change my mornings.</blockquote>"
    assert "I never thought a cuff could change my mornings." in _unwrapped_text(_portal(quote))


def test_beside_two_articles_in_a_layout_table_no_cell_is_dropped():
    """Which cells are the site's is told only against one article cell (two may be an article in two columns)."""
    other = "<br><br>".join(p.replace("blood pressure", "heart rate") for p in PORTAL_PARAS)
    html = _portal(MENU).replace("<td width='160'></td>", f"<td><h2>Heart rate in winter</h2>{other}</td>")
    text = _unwrapped_text(html)
    assert "Archive" in text and "Pebble Notes" in text and "heart rate of older people" in text


_MENU = "".join(f"<li><a href='/{w.lower()}'>{w}</a></li>" for w in (
    "E-Paper", "Abo", "Anzeigen", "Kontakt", "Heidelberg", "Mannheim", "Sinsheim", "Wiesloch", "Sport", "Kultur",
    "Wirtschaft", "Politik", "Wetter", "Verkehr", "Service", "Leserreisen", "Archiv", "Impressum"))
_REPORT = ["Frankfurt (dpa) - Für einen Roman über die alte Bundesrepublik hat die Autorin den Buchpreis erhalten.",
           "Das Buch wurde in Frankfurt als beste literarische Neuerscheinung des Jahres ausgezeichnet.",
           "Der Preis, 2005 erstmals vergeben, gilt als wichtigste Auszeichnung der Branche."]


def _short_report_page(holder: str, headline: str = "Autorin erhält den Buchpreis") -> str:
    paras = "".join(f"<p>{p}</p>" for p in _REPORT)
    return (f"<html lang='de'><head><title>{headline} | Tageblatt</title></head><body><header><ul class='menu'>"
            f"{_MENU}</ul></header><main><{holder} class='direct-content'><section><header><h1>{headline}</h1>"
            f"</header>{paras}</section></{holder}><aside class='rail'><h3>Meistgelesen</h3><ul>{_MENU[:300]}</ul>"
            "</aside></main></body></html>")


@pytest.mark.parametrize("holder", ["aside", "nav"])
def test_a_short_report_a_site_puts_in_an_aside_with_its_headline_is_the_body(holder):
    """A news site's template holds its reports in `<aside class="...direct-content">`: three short paragraphs,
    none long enough for the long-paragraph evidence. Without them the extractor read the site's menu, and the
    page came out as a link list with no body."""
    ex = extract(_short_report_page(holder), "https://tageblatt.example/nachrichten/buchpreis-123.html")
    assert ex.body.split("\n\n") == _REPORT, (ex.body, ex.flags)


def test_an_aside_whose_h1_is_not_the_headline_still_goes():
    """A menu's logo <h1> (the site's name) says nothing: the aside holding it goes as before."""
    html = _short_report_page("div").replace(
        "<aside class='rail'><h3>Meistgelesen</h3>", "<aside class='rail'><h1>Tageblatt</h1><p>"
        + " ".join(_REPORT) + "</p>")
    tree = _parse(html)
    assert unwrap_article_holders(tree, "Autorin erhält den Buchpreis") == 0


def test_paragraphs_written_as_divs_are_read_beside_a_box_of_real_paragraphs():
    """A magazine writes its article's paragraphs as `<div class="absatz">` (no `<p>`), with a box of two real
    paragraphs (an editor's note) beside them: the extractor took the box for the article."""
    long = ("Die Redaktion hat die Vorwürfe in den vergangenen Wochen geprüft, mit Kollegen, Quellen und "
            "Dokumenten, und legt hier Absatz {n} ihres Berichts vor, der die Ereignisse der Reihe nach schildert.")
    divs = "".join(f"<div class='absatz'>{long.format(n=n)}</div>" for n in range(1, 9))
    note = ("Wir haben unsere Leserinnen und Leser über den Fall informiert und werden weiter berichten, sobald es "
            "Neues gibt; Fragen und Hinweise nimmt die Redaktion jederzeit entgegen, auch vertraulich, Nummer {n}.")
    box = "<div class='box'><h3>In eigener Sache</h3>" + "".join(f"<p>{note.format(n=n)}</p>" for n in range(4)) \
        + "</div>"
    html = (f"<html lang='de'><head><title>Ein Albtraum</title></head><body><div class='artikel'><h1>Ein Albtraum"
            f"</h1>{box}<div class='text'>{divs}</div></div></body></html>")
    ex = extract(html, "https://magazin.example/print/d-161500790.html")
    for n in (1, 4, 8):
        assert f"Absatz {n} ihres Berichts" in ex.body, ex.body


def test_teaser_cards_and_short_labels_in_divs_stay_divs():
    from cleaning.extract.body_structure import paragraphs_from_divs

    cards = "".join(f"<div class='card'><a href='/a{n}'>Ein langer verlinkter Titel des Artikels Nummer {n} über "
                    f"Gesundheit</a> kurz</div>" for n in range(5))
    labels = "".join(f"<div class='label'>Rubrik {n}</div>" for n in range(5))
    tree = _parse(f"<html><body><div>{cards}</div><div>{labels}</div></body></html>")
    assert paragraphs_from_divs(tree) == 0 and not tree.findall(".//p")


def test_a_post_written_into_a_noscript_for_readers_without_javascript_is_the_body():
    """Google's blogs put the post in a `<script type="text/template">` for their script and in a `<noscript>`
    for everyone else: removed with the other noscripts, the post went and the page came out empty."""
    paras = [f"Paragraph {n}: over the past few years we have seen threats on the web becoming increasingly "
             "sophisticated, with phishing sites rotating domains quickly to avoid being blocked by lists." for n in range(4)]
    post = "".join(f"<p>{p}</p>" for p in paras)
    html = ("<html lang='en'><head><title>Better protection | Security Blog</title></head><body><div class='post'>"
            "<h3 class='post-title'>Better protection</h3><div class='post-body'><div class='post-content'>"
            f"<script type='text/template'>{post}</script><noscript>{post}</noscript></div></div></div>"
            "<noscript><img src='/pixel.gif'>Please enable JavaScript.</noscript><ul class='menu'>"
            + "".join(f"<li><a href='/l{i}'>Label {i}</a></li>" for i in range(12)) + "</ul></body></html>")
    ex = extract(html, "https://security.example.com/2020/05/better-protection.html")
    assert ex.body.split("\n\n") == paras, (ex.body, ex.flags)
    assert "enable JavaScript" not in ex.body
