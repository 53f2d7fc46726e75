"""Bytes to text: declared charsets checked, UTF-8 judged segment by segment, legacy pages detected."""

from __future__ import annotations

import codecs

import pytest

from cleaning.extract.encoding import decode, detect_encoding, looks_binary, looks_binary_text

QUOTED = "‘Quoted’ — 中医"
PARAS = ["Walking backwards strengthens the muscles that hold the lumbar spine in place.",
         "Doctors say ten minutes a day on flat ground is enough for most adults.",
         "People with balance problems should hold a rail or walk with a partner."]


def _page(body: str, meta: str = '<meta charset="utf-8">') -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in PARAS)
    return f"<!DOCTYPE html>\n<html><head>{meta}<title>t</title></head>\n<body>\n<p>{body}</p>\n{paras}\n</body></html>"


def test_one_stray_byte_in_utf8_replaces_only_that_byte():
    good = _page(QUOTED).encode("utf-8")
    broken = good.replace("中医".encode(), "中医".encode() + b"\xff", 1)
    text, used, flags = decode(broken, "text/html; charset=utf-8")
    assert used == "utf-8"
    assert QUOTED + "\ufffd" in text
    assert text.replace("\ufffd", "") == good.decode("utf-8")
    assert "invalid_bytes_replaced" in flags
    assert detect_encoding(broken, "text/html; charset=utf-8") == "utf-8"


def test_stray_bytes_without_any_declaration_stay_utf8():
    broken = _page(QUOTED, meta="").encode("utf-8").replace(b"</title>", b"\xfe\xff</title>", 1)
    text, used, _ = decode(broken, None)
    assert used == "utf-8" and QUOTED in text and text.count("\ufffd") == 2


def test_cp1252_bytes_declared_utf8():
    body = "“Two cups a day is fine,” says the naïve café owner – really."
    data = _page(body).encode("cp1252")
    text, used, flags = decode(data, "text/html; charset=utf-8")
    assert used == "cp1252" and body in text
    assert "charset_mismatch" in flags
    assert detect_encoding(data, "text/html; charset=utf-8") == "cp1252"


def test_utf8_bytes_declared_latin1_stay_utf8():
    data = _page(QUOTED, meta='<meta charset="iso-8859-1">').encode("utf-8")
    text, used, flags = decode(data, "text/html; charset=ISO-8859-1")
    assert used == "utf-8" and QUOTED in text and "charset_mismatch" in flags


def test_gbk_without_charset():
    body = "倒着走路对腰椎间盘突出有好处吗？医生说，每天在平地上倒走十分钟就够了，但有平衡问题的人要小心。" * 3
    data = _page(body, meta="").encode("gbk")
    text, used, flags = decode(data, "text/html")
    assert used == "gb18030" and body in text and "charset_guessed" in flags
    assert detect_encoding(data, "text/html") == "gb18030"


@pytest.mark.parametrize("charset,codec", [("shift_jis", "shift_jis"), ("windows-1251", "cp1251"),
                                           ("euc-kr", "euc_kr"), ("gb2312", "gb18030")])
def test_declared_legacy_charsets(charset, codec):
    body = {"shift_jis": "腰痛には後ろ向きに歩くのが良いですか", "windows-1251": "Ходьба спиной вперёд полезна для спины",
            "euc-kr": "뒤로 걷기는 허리에 좋은가요", "gb2312": "倒着走路对腰椎有好处吗"}[charset]
    data = _page(body, meta=f'<meta charset="{charset}">').encode(codec)
    text, used, _ = decode(data, None)
    assert body in text and used == codec
    assert detect_encoding(data, None) == codec


def test_a_legacy_line_inside_a_utf8_page():
    page = _page(QUOTED).encode("utf-8")
    pasted = "<p>Le café du coin sert un thé très doux à l’après-midi.</p>".encode("cp1252")
    data = page.replace(b"</body>", pasted + b"\n</body>")
    text, used, flags = decode(data, "text/html; charset=utf-8")
    assert used == "utf-8" and QUOTED in text
    assert "Le café du coin sert un thé très doux à l’après-midi." in text
    assert "mixed_encoding" in flags


def test_byte_order_marks_and_bogus_utf16_label():
    text, used, _ = decode(_page(QUOTED).encode("utf-16"), None)
    assert used.startswith("utf-16") and QUOTED in text
    data = _page(QUOTED, meta='<meta charset="utf-16">').encode("utf-8")
    text, used, _ = decode(data, None)
    assert used == "utf-8" and QUOTED in text


def test_ascii_page_reports_its_declared_charset():
    assert decode(_page("plain").encode(), "text/html; charset=windows-1252")[1] == "cp1252"


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00\x00\x00",
    b"\xff\xd8\xff\xe0\x00\x10JFIF", b"GIF89a\x01\x00", bytes(range(256)) * 8, b"wOF2\x00\x01\x00\x00",
])
def test_binary_bodies(data):
    assert looks_binary(data)
    assert looks_binary_text(data.decode("utf-8", errors="replace"))


def test_text_is_not_binary():
    for data in (_page(QUOTED).encode("utf-8"), _page(QUOTED).encode("utf-16"), _page("x").encode("cp1252")):
        assert not looks_binary(data)
    assert not looks_binary_text(_page(QUOTED))


def test_binary_means_more_than_one_control_byte_in_twenty() -> None:
    text = b"<html><body>" + b"a" * 2036
    for controls, binary in ((102, False), (103, True)):
        data = bytearray(text)
        for i in range(controls):  # spread over the head: tabs and newlines are text, the rest are not
            data[20 + i * 19] = (0, 1, 8, 14, 27, 31, 127)[i % 7]
        assert looks_binary(bytes(data)) is binary
    assert not looks_binary(b"\t\n\r\x0b\x0c" * 400)


def test_a_charset_declared_only_in_the_xml_declaration():
    body = "Astma mám od dětství a dlouho jsem si myslel, že hory nejsou pro mě. Před cestou jsem se poradil s lékařkou."
    data = ('<?xml version="1.0" encoding="windows-1250"?>\n' + _page(body, meta="")).encode("cp1250")
    text, used, _ = decode(data, "text/html")
    assert used == "cp1250" and body in text
    assert detect_encoding(data, "text/html") == "cp1250"
    # a byte-order mark still wins over it
    text, used, _ = decode(codecs.BOM_UTF8 + data.decode("cp1250").encode("utf-8"), "text/html")
    assert used == "utf-8" and body in text


@pytest.mark.parametrize("body,codec", [
    # Polish in Windows-1250 with no declaration: its cp1252 reading has ³ ¿ ¹ inside words ("obni¿y³am")
    ("Kiedy lekarz zmierzył mi ciśnienie w październiku, wynik był wysoki. Najtrudniejsze było odstawienie soli. "
     "Teraz chodzę codziennie na spacer i piję mniej kawy, a ciśnienie spadło.", "cp1250"),
    # Western pages in Windows-1252 keep decoding as it (charset_normalizer may call them cp1250 too)
    ("Jeg har hatt diabetes type 1 siden jeg var ni år. I sommer gikk jeg over fjellet, først med søsteren min, "
     "og målte blodsukkeret før og etter hver økt.", "cp1252"),
    ("Heuschnupfen in den Bergen: Für mich war der Frühling früher die schlimmste Zeit. Größere Höhen helfen, "
     "weil dort weniger Pollen fliegen – sagt mein Arzt.", "cp1252"),
    ("Mon cœur battait trop vite après le burn-out ; ma sœur m’a conseillé de marcher. Où trouver le sommeil ? "
     "Voilà ce qui a marché pour moi, même l’été.", "cp1252"),
    # a Spanish forum that glues "¿" to the word before, three times: one kind of symbol is no code page
    ("Hola a todos, llevo dos meses corriendo y me duele la rodilla. Y tu¿has probado el hielo? Mi compañero "
     "dice que sí, pero yo¿debería parar? El año pasado nadie¿sabía qué hacer con el menisco. Gracias, señoras.",
     "cp1252"),
])
def test_undeclared_central_european_and_western_code_pages(body, codec):
    data = f"<html><head><title>t</title></head><body><p>{body}</p><p>{body}</p></body></html>".encode(codec)
    text, used, _ = decode(data, "text/html")
    assert body in text and used == codec
