from __future__ import annotations

import re

from lxml import html

from cleaning.extract.attrs import index

_PAGE = """<html><body><ul class="menu"><li class="menu-item">a</li><li class="menu-item">b</li></ul>
<div id="share-box" class="Share"><p class="menu-item">c</p></div><div class="İnfo share">d</div>
<div class="plain">e</div></body></html>"""


def test_elements_sharing_a_class_are_all_found_in_document_order():
    tree = html.fromstring(_PAGE)
    found = index(tree).matching(("menu",), re.compile(r"menu-item"))
    assert [el.text for el in found] == ["a", "b", "c"]
    assert [el.get("class") for el in index(tree).matching(("share",), re.compile(r"share", re.I))] == ["Share", "İnfo share"]


def test_a_key_that_lower_case_lengthens_keeps_every_element_found():
    tree = html.fromstring(_PAGE.replace('class="plain"', 'class="İİ menu-item"'))
    found = index(tree).matching(("menu-item",), re.compile(r"menu-item"))
    assert [el.text for el in found] == ["a", "b", "c", "e"]


def test_a_key_that_lower_case_lengthens_does_not_shift_the_keys_after_it():
    """"İ" lower-cases to two characters: the keys after it must still be found where they are."""
    tree = html.fromstring('<html><body><div class="İİİİİİİİ">a</div><div class="share">b</div>'
                           '<div class="x">c</div></body></html>')
    assert [el.text for el in index(tree).matching(("share",), re.compile(r"share"))] == ["b"]
