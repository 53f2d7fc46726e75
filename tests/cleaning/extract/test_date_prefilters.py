"""Cheap scans in front of the date code's costly ones: each must find what the costly one finds."""

from __future__ import annotations

import re

from cleaning.extract.attrs import keywords_cover
from cleaning.extract.date_order import NUMERIC_DATE, numeric_dates
from cleaning.extract.patterns import LOWER_ODD_RE, MODIFIED_LABEL_KEYS, MODIFIED_LABEL_RE


# Every word MODIFIED_LABEL_RE knows, as pages write it (each also upper-cased and capitalised below)
_UPDATE_LABELS = ("updated", "modified", "last updated", "last\u00a0modified", "last reviewed", "revised", "aktualisiert",
                  "zuletzt geändert", "zuletzt geandert", "mis à jour", "mis a jour", "modifié", "modifiee", "actualizado",
                  "actualización", "actualizacion", "atualizado", "atualização", "atualizacao", "aggiornato",
                  "aggiornamento", "bijgewerkt", "zaktualizowano", "aktualizacja", "güncellendi", "guncellenme",
                  "güncelleme", "diperbarui", "обновлено", "оновлено", "uppdaterad", "opdateret", "oppdatert",
                  "aktualizováno", "aktualizovano", "frissítve", "frissitve", "actualizat", "päivitetty", "paivitetty",
                  "ενημερώθηκε", "ενημέρωση", "עודכן", "تحديث", "cập nhật", "수정", "อัปเดต", "更新")


def test_every_update_label_holds_a_key_of_the_prefilter():
    """A page whose text holds no key is not scanned for an update label: every label must hold one."""
    samples = [f"Seite {form}: 14.02.2023" for label in _UPDATE_LABELS
               for form in (label, label.upper(), label.capitalize())]
    assert all(MODIFIED_LABEL_RE.search(s) for s in samples)
    assert keywords_cover(MODIFIED_LABEL_RE, MODIFIED_LABEL_KEYS, samples) == []
    # lower() and re.IGNORECASE read these apart: their texts are scanned whatever the keys say
    for odd in ("MODİFİED", "modıfıed", "revıſed", "обнᲂвлено"):
        assert MODIFIED_LABEL_RE.search(odd) and LOWER_ODD_RE.search(odd)


def test_numeric_dates_start_at_a_word_boundary():
    """NUMERIC_DATE tests the boundary behind its first digit: the matches of a leading (?=\\d)\\b, and one search
    of a text serves every caller."""
    reference = re.compile(r"(?=\d)\b(\d{1,2})\s?([./-]|\s\|\s)\s?(\d{1,2})\s?\2\s?(\d{4})\b")
    text = ("12/04/2023 a12/04/2023 _1.2.2023 1.2.2023x ١٢/٠٤/٢٠٢٣ 12 | 04 | 2023 123/04/2023 1/2/20233 (7-8-2021) "
            "x5 / 6 / 2022 ٣1/2/2020")
    spans = [(m.span(), m.groups()) for m in reference.finditer(text)]
    assert [(m.span(), m.groups()) for m in NUMERIC_DATE.finditer(text)] == spans and len(spans) == 5
    assert NUMERIC_DATE.fullmatch("4/5/2023") and not NUMERIC_DATE.search("A4/5/2023")
    assert numeric_dates(text) is numeric_dates(text) and [m.span() for m in numeric_dates(text)] == [s for s, _ in spans]


def test_the_page_is_searched_for_a_shown_day_only_when_it_could_move_a_utc_instant():
    from datetime import date

    from cleaning.extract.date_sources import parse_stamp
    from cleaning.extract.date_local import local_stamp

    asked = []

    def shown() -> date:
        asked.append(1)
        return date(2023, 6, 19)

    noon = parse_stamp("2023-06-20T12:00:00Z", "json-ld", key="datePublished")  # 03:00 to 21:00 the same day
    assert local_stamp([noon], [], "en", "https://x.test/a", shown).day == date(2023, 6, 20) and not asked
    early = parse_stamp("2023-06-20T02:00:00Z", "json-ld", key="datePublished")  # the evening before, in America
    assert local_stamp([early], [], "en", "https://x.test/a", shown).day == date(2023, 6, 19) and asked
