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
