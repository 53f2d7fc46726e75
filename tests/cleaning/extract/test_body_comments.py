"""Readers' comments named in another language go from the body as English-named ones do."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from cleaning.extract import extract

FIRST = "Die Stadt hat den Marktplatz neu gestaltet, und die Händler sind mit dem Ergebnis zufrieden. " * 3
SECOND = "Im Sommer sollen Bänke und Bäume folgen, sagt die Bürgermeisterin bei der Eröffnung am Samstag. " * 3
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)


def _page(comments: str, article_class: str = "metin", lang: str = "de") -> str:
    return (f'<html lang="{lang}"><head><title>Der neue Marktplatz</title></head><body><main><article>'
            f'<h1>Der neue Marktplatz</h1><p class="date">Veröffentlicht am 12. Mai 2024</p>'
            f'<div class="{article_class}"><p>{FIRST}</p><p>{SECOND}</p></div>{comments}</article></main></body></html>')


@pytest.mark.parametrize("name,lang", [("yorumlar", "tr"), ("kommentare-box", "de"), ("comentarios", "es"),
                                       ("reacties", "nl"), ("komentarze", "pl")])
def test_a_comment_section_named_in_another_language_is_not_body(name, lang):
    comments = (f'<div class="{name}"><h3>Leserstimmen</h3><p>Ein Leser schrieb am 14. Mai 2024: endlich ist der Platz '
                'schön geworden, danke an alle, die daran mitgearbeitet haben.</p></div>')
    ex = extract(_page(comments, lang=lang), "https://zeitung.example/stadt/marktplatz", now=NOW)
    assert "Ein Leser schrieb" not in ex.body and "Händler" in ex.body and "Bürgermeisterin" in ex.body
    assert ex.published_date == date(2024, 5, 12)


def test_a_singular_name_is_an_opinion_column_and_stays():
    """A German "Kommentar" is an opinion piece: the article itself, not readers' comments."""
    ex = extract(_page("", article_class="kommentar"), "https://zeitung.example/meinung/marktplatz", now=NOW)
    assert "Händler" in ex.body and "Bürgermeisterin" in ex.body



@pytest.mark.parametrize("classes", ["post type-post category-kommentare", "post tag-yorumlar", "post category-comentarios"])
def test_an_articles_wrapper_named_for_an_opinion_section_is_the_article(classes):
    """WordPress puts the post's categories on its wrapper ("category-kommentare": an opinion section's slug), here
    with the headline in an <h2>: it is the article, and its date the article's."""
    html = (f'<html lang="de"><head><title>Der neue Marktplatz - Zeitung</title></head><body><div class="{classes}">'
            '<h2 class="entry-title">Der neue Marktplatz</h2><div class="meta"><time datetime="2024-05-12">12. Mai 2024</time>'
            f'</div><div class="entry-content"><p>{FIRST}</p><p>{SECOND}</p></div></div></body></html>')
    ex = extract(html, "https://zeitung.example/stadt/marktplatz", now=NOW)
    assert "Händler" in ex.body and "Bürgermeisterin" in ex.body and ex.body_source == "generic"
    assert ex.published_date == date(2024, 5, 12)
