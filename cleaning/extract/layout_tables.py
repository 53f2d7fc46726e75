"""Tables used for a page's layout, read as the blocks they hold (`unwrap_layout_tables`, before the body is read).

Old portals and personal sites put the whole page in table cells: a banner row, a menu column, the article's
cell, an ad column, a footer row. Read as data, the article came out as one row ("| Title Text ... |"), its
paragraphs and subheadings lost; read as blocks, the cells around it stayed beside it as lines of the body. So a
table whose cell holds the article becomes plain `div`s, and the cells around that one article cell that are
small or mostly links go first. Evidence is what the cells hold, never a class name.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from .body_structure import LONG_PARA, weighted_len


_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "div", "article", "section")
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")


def unwrap_layout_tables(root: HtmlElement) -> int:
    """Turns every table used for layout into plain blocks (`div`s); returns how many.

    Old portals put the whole page, article included, in table cells; read as data, the article came out as
    one row ("| Title Text ... |"), its paragraphs and subheadings lost. Evidence is what a cell holds, never a
    class name: a heading, or a block (a paragraph, a list, a div, another table) of a long paragraph's length
    (150+ characters, a CJK one counting three), or 400+ characters of text broken by `<br>`. A data table's
    cells hold a word, a number, a short phrase: its rows stay rows.
    """
    layout = 0
    for table in list(root.iter("table")):
        cells = _own_cells(table)
        content = [c for c in cells if _layout_cell(c)]  # judged once: for the unwrap and the side cells
        if not content:
            continue
        layout += 1
        _drop_side_cells(cells, content)
        for el in [table, *(e for e in table.iter(*_TABLE_PARTS) if _owner(e) is table)]:
            el.tag = "div"
            for attr in ("width", "cellpadding", "cellspacing", "border", "colspan", "rowspan", "valign", "align"):
                el.attrib.pop(attr, None)
    return layout


# A cell beside the one cell holding the article is the site's (its name, a menu column, an ad column, a
# visitor counter, the footer row) when its text is this small a share of the article's, or mostly link text.
_SIDE_SHARE = 0.15
_SIDE_LINK_SHARE = 0.5


def _drop_side_cells(cells: list[HtmlElement], content: list[HtmlElement]) -> None:
    """Removes the cells around a layout table's one article cell that are the site's, not the article's.

    Read as blocks, an old portal's menu column ("Home / Archive / Guestbook / Recent: ..."), its ad column
    ("Sponsored links", "You are visitor no. 011578") and its banner and footer rows sat beside the article as
    sibling blocks, and stayed in the body. Evidence is the layout itself: exactly one cell holds the article
    (a heading, a long paragraph); a cell beside it is dropped only if it is small next to it, or mostly links.
    A cell holding an unlinked picture (the article's photo and its caption) or a quotation (a pull quote) stays;
    with two article cells (an article in two columns, or two articles) nothing is dropped."""
    if len(content) != 1:
        return
    main = content[0]
    main_size = weighted_len(" ".join(main.text_content().split()))
    for cell in cells:
        if cell is main:
            continue
        text = " ".join(cell.text_content().split())
        if not text or cell.find(".//blockquote") is not None or cell.find(".//q") is not None or \
                any(not any(a.tag == "a" for a in img.iterancestors()) for img in cell.iter("img")):
            continue  # an unlinked picture (the article's photo and caption), a pull quote: the article's
        linked = sum(len(" ".join(a.text_content().split())) for a in cell.iter("a"))
        if weighted_len(text) <= _SIDE_SHARE * main_size or linked >= _SIDE_LINK_SHARE * len(text):
            tail = cell.tail
            cell.clear()
            cell.tail = tail


def _own_cells(table: HtmlElement) -> list[HtmlElement]:
    return [c for c in table.iter("td", "th") if _owner(c) is table]


def _owner(el: HtmlElement) -> HtmlElement | None:
    """The table an element of a table belongs to (its nearest `<table>` ancestor, or itself)."""
    if el.tag == "table":
        return el
    for anc in el.iterancestors("table"):
        return anc
    return None


def _layout_cell(cell: HtmlElement) -> bool:
    for el in cell.iter(*_BLOCKS):
        if el is cell:
            continue
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and el.text_content().strip():
            return True
        if weighted_len(el.text_content()) > LONG_PARA:
            return True
    return cell.find(".//br") is not None and weighted_len(cell.text_content()) > 400
