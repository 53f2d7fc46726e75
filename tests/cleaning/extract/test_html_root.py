"""A self-closed document root (`<html ... />`) opened for parsing (cleaning/extract/html_root.py)."""

from cleaning.extract.html_root import ROOT_WITHIN, open_root, open_root_bytes


def test_a_self_closed_root_is_opened_and_nothing_else_changes():
    page = '<!DOCTYPE html>\n<html xml:lang="de_DE" lang="de_DE" />\n<body><p>a<br/>b</p><img src="x" /></body></html>'
    assert open_root(page) == page.replace('lang="de_DE" />', 'lang="de_DE">', 1)
    assert open_root_bytes(page.encode()) == open_root(page).encode()
    assert open_root("<HTML/><body>x</body>") == "<HTML><body>x</body>"


def test_a_page_with_an_open_root_or_none_near_its_start_is_left_alone():
    assert open_root('<html lang="en"><body><br/></body></html>') is None
    assert open_root_bytes(b'<html lang="en"><body><br/></body></html>') is None
    late = "<!--" + "x" * ROOT_WITHIN + '--><html lang="en" /><body>y</body>'
    assert open_root(late) is None  # only where a root can start: not a quoted tag deep in the page
    assert open_root("") is None and open_root_bytes(b"") is None
