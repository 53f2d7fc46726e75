"""A "not found" page served with status 200 (a soft 404) is no article; articles that mention such words stay."""

from __future__ import annotations

import pytest

from cleaning.extract import extract

APOLOGY = ("<p>It looks like the link pointing here was faulty. Maybe try searching?</p><p>The article you are "
           "looking for may have been moved, renamed or deleted. You can go back to the home page, or look at the "
           "most popular articles in the list on the right.</p>")
PROSE = " ".join(["Public health officers counted new cases of the illness in every district this week, and the "
                  "figures will guide where the vaccination teams go next."] * 12)


def _page(title: str, h1: str, body: str, body_class: str = "") -> str:
    return (f"<html lang='en'><head><title>{title}</title></head><body class='{body_class}'><header><a href='/'>"
            f"Health Notes</a></header><main><h1>{h1}</h1>{body}</main><footer>© 2024</footer></body></html>")


@pytest.mark.parametrize("title,h1,body_class", [
    ("Page not found – Health Notes", "This page doesn't seem to exist.", "error404"),
    ("Health Notes", "Oops! That page can't be found.", ""),
    ("Error 404 | Health Notes", "Sorry", ""),
    ("Seite nicht gefunden", "Hoppla", ""),
    ("健康笔记", "页面不存在", ""),
    ("Health Notes", "Sorry", "page-template error404"),
])
def test_a_soft_404_is_no_article(title: str, h1: str, body_class: str):
    ex = extract(_page(title, h1, APOLOGY, body_class), "https://notes.example.org/2022/11/20/spring-allergy/")
    assert ex.body == "" and ex.reason == "not_found" and "not_found" in ex.flags


@pytest.mark.parametrize("title", ["Measles: 404 new cases this week", "Why the cause was not found for years"])
def test_articles_whose_titles_sound_alike_stay(title: str):
    ex = extract(_page(title, title, f"<article><p>{PROSE}</p></article>"), "https://notes.example.org/a/")
    assert ex.body and "not_found" not in ex.flags
