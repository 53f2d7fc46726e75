from cleaning.language.sample import chunks, clean, count_letters, windows

EN = "Regular exercise helps lower blood pressure and improves heart health for most adults. "
ZH = "定期锻炼有助于降低血压，改善心脏健康。医生建议每周大部分时间进行适度运动。"


def test_short_text_is_read_whole():
    assert windows("a few words", 200, 6) == ["a few words"]


def test_long_text_is_read_through_evenly_spread_windows():
    words = [f"w{i:05d}" for i in range(20000)]
    text = " ".join(words)
    got = windows(text, 200, 6)
    assert len(got) == 6 and all(len(w) <= 200 for w in got)
    for w in got:  # whole words only: no word cut at either end
        assert all(tok in words[int(tok[1:])] for tok in w.split())
    firsts = [int(w.split()[0][1:]) for w in got]
    assert firsts == sorted(firsts)
    assert firsts[0] < 20000 / 6 and firsts[-1] > 20000 * 5 / 6  # beginning and end both read


def test_text_without_spaces_is_cut_anyway():
    got = windows(ZH * 400, 200, 6)
    assert len(got) == 6 and all(0 < len(w) <= 200 for w in got)


def test_chunks_follow_paragraphs_and_scripts():
    text = f"{EN}\n\n{ZH}\n\n{EN}{ZH}"
    got, total = chunks([text], 200, 20)
    texts = [c for c, _ in got]
    assert texts[:2] == [EN.strip(), ZH]
    assert texts[2].startswith("Regular") and texts[2].endswith("adults") and texts[3] == ZH.rstrip("。")
    assert [n for _, n in got] == [count_letters(t) for t in texts] == [count_letters(EN), count_letters(ZH)] * 2
    assert total == count_letters(text)


def test_heading_joins_the_next_paragraph():
    got, _ = chunks([f"Symptoms\n\n{EN}"], 200, 20)
    assert [c for c, _ in got] == [f"Symptoms {EN.strip()}"]


def test_short_latin_run_stays_inside_chinese():
    got, _ = chunks([f"{ZH[:20]} MRI {ZH[20:]}"], 200, 20)
    assert len(got) == 1 and "MRI" in got[0][0]


def test_chunks_are_bounded_single_lines():
    got, _ = chunks(["\n".join([EN] * 10)], 200, 20)
    assert len(got) > 1 and all(len(c) <= 200 and "\n" not in c for c, _ in got)


def test_tiny_pieces_are_left_out_but_counted():
    got, total = chunks(["Hi.\n\nOk.\n\nYes."], 200, 20)
    assert got == [] and total == 7


def test_clean_removes_what_cannot_be_encoded():
    assert clean("a\x00b\ud800c\ue000d") == "a b c d"
    assert clean("line\nnext\ttab") == "line\nnext\ttab"
