"""Chinese health portals and their machine-translated English editions (a fourth review of invented pages):
WeChat-editor bodies, article containers of classes trafilatura does not know, the portals' URL dates and
script dates, their ranking blocks and template lines. Small written pages, one class each."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from cleaning.extract import extract

NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
HEAD = '<html lang="en"><head><title>Young people get high blood pressure too</title></head><body>'
SENTENCES = [
    "Many people think that only old people get high blood pressure, but in recent years the patients are younger.",
    "Staying up late for a long time and drinking a lot of sweet drinks are important reasons for the rise.",
    "Doctors remind that when the blood pressure is high, the patient should measure it at home every morning.",
    "Eat less salt, less pickled food and less processed meat, and keep exercising for half an hour every day.",
    "If the pressure is still high after three months, please go to the hospital and take medicine as the doctor says.",
    "Do not stop the medicine by yourself when the numbers are normal, because the pressure will rise again.",
]


def test_a_wechat_editors_section_and_span_body_is_read():
    body = "".join(f'<section style="margin:8px"><span style="font-size:15px">{s}</span></section>' for s in SENTENCES)
    html = (HEAD +
            '<div class="rich_media_area"><h1 class="rich_media_title">Young people get high blood pressure too</h1>'
            f'<div class="rich_media_content" id="js_content">{body}'
            '<p style="text-align:center">END</p><p>Click the blue words to follow us</p></div></div></body></html>')
    ex = extract(html, "https://mp.example.com/s/AbCdEf")
    assert all(s in ex.body for s in SENTENCES) and "END" not in ex.body.split("\n\n")
    assert "Click the blue words to follow us" not in ex.body


def test_subheadings_and_lists_in_an_unknown_container_are_kept():
    html = ('<html lang="en"><head><title>How to lower blood pressure</title></head><body><div class="nav">'
            '<a href="/">Home</a></div><div class="art_con"><h1>How to lower blood pressure</h1>'
            f'<p>{SENTENCES[0]}</p><p>{SENTENCES[1]}</p><h3>What to eat</h3><ul><li>{SENTENCES[3]}</li>'
            f'<li>{SENTENCES[2]}</li></ul><h3>When to see a doctor</h3><p>{SENTENCES[4]}</p></div></body></html>')
    lines = extract(html, "https://health.example.com/a/123.html").body.split("\n\n")
    assert "What to eat" in lines and "When to see a doctor" in lines and SENTENCES[3] in lines


def test_a_portals_year_folder_then_month_and_day_is_its_date():
    html = ('<html lang="zh"><head><title>高血压</title></head><body><article><h1>高血压年轻化</h1>'
            f'<p>{"很多人以为只有老年人才会得高血压，其实近年来患者越来越年轻。" * 6}</p></article></body></html>')
    ex = extract(html, "http://health.people.example.cn/n1/2023/0105/c14739-40015.html", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2023, 1, 5), "url")


def test_a_wechat_articles_script_time_is_its_date():
    html = ('<html lang="zh-CN"><head><title>高血压</title></head><body><div id="js_content">'
            f'<p>{"很多人以为只有老年人才会得高血压，其实近年来患者越来越年轻。" * 6}</p></div>'
            '<em id="publish_time"></em><script>var nickname = "健康"; var ct = "1686990300";</script></body></html>')
    ex = extract(html, "https://mp.example.com/s/AbCdEf", now=NOW)
    # 2023-06-17 08:25 UTC is 16:25 in Beijing, the same day
    assert (ex.published_date, ex.date_source) == (date(2023, 6, 17), "script")


PICKS = ["Eating garlic every day, what happens to the blood vessels",
         "Three foods that nourish the stomach most, many people eat wrong",
         "Sitting for a long time, the waist hurts? Do this set of movements"]


def _with_picks(heading: str, after_title: str = "") -> str:
    """An article and, after it, a block of the three PICKS under `heading` (`after_title` follows each link)."""
    items = "".join(f'<li><a href="/a/{i}.html">{t}</a>{after_title}</li>' for i, t in enumerate(PICKS))
    return (HEAD + '<article>'
            f'<h1>Young people get high blood pressure too</h1>{"".join(f"<p>{s}</p>" for s in SENTENCES)}</article>'
            f'<div class="box"><div class="hd">{heading}</div><ul>{items}</ul></div></body></html>')


@pytest.mark.parametrize("heading", ["24-hour ranking", "Ranking", "Related questions", "Other articles of Dr. Zhang Wei",
                                     "张伟医生的其他文章", "相关问题"])
def test_ranking_question_and_doctor_blocks_are_hot_picks(heading):
    picks = extract(_with_picks(heading), "https://health.example.com/a/1.html").hot_picks
    assert [p.title for p in picks] == PICKS


@pytest.mark.parametrize("line", ["END", "Read the original Read 100,000+", "Scan to follow us for more health tips",
                                  "长按识别二维码关注", "Share to let more people see", "Title picture source: Tuchong Creative"])
def test_a_portals_template_lines_are_no_body(line):
    html = (HEAD + '<article>'
            f'<h1>Young people get high blood pressure too</h1>{"".join(f"<p>{s}</p>" for s in SENTENCES)}'
            f'<p>{line}</p></article></body></html>')
    assert line not in extract(html, "https://health.example.com/a/1.html").body.split("\n\n")


def test_a_chinese_articles_subheadings_and_list_in_an_unknown_container_are_kept():
    """Chinese text is dense: a container's size counts a character as about three Latin letters."""
    html = ('<html lang="zh-CN"><head><title>夏天血压反而高？医生提醒：别自行停药</title></head><body><div class="col-1">'
            '<h1>夏天血压反而高？医生提醒：别自行停药</h1><div class="rm_txt_con">'
            '<p>进入夏季，不少高血压患者发现在家测的血压比冬天低，就觉得血压控制好了，自行停药。</p>'
            '<h3>夏天血压为何波动</h3><p>高温使血管扩张，出汗使血容量减少，因此白天血压往往偏低。</p>'
            '<h3>夏季血压管理建议</h3><ol><li>早晚各测一次血压，记录下来给医生看。</li><li>多喝水，避免在烈日下大量出汗。</li></ol>'
            '<p>如果血压总是低于正常值，或出现头晕，请及时到医院调整方案。</p><div class="edit">（责编：王芳、李明）</div>'
            '</div></div></body></html>')
    lines = extract(html, "http://health.people.example.cn/n1/2023/0702/c1-2.html").body.split("\n\n")
    assert "夏天血压为何波动" in lines and "早晚各测一次血压，记录下来给医生看。" in lines


def test_a_wechat_articles_bold_subheading_section_and_credit_lines():
    sections = "".join(f'<section style="margin:8px"><span style="font-size:15px">{t}</span></section>' for t in [
        "进入夏季，不少高血压患者发现在家测的血压比冬天低，就觉得血压控制好了，自行停药。",
        "<strong>夏天血压为何波动</strong>",
        "高温使血管扩张，出汗使血容量减少，因此白天血压往往偏低。但夏夜闷热，夜间血压反而会升高。"])
    html = ('<html lang="zh-CN"><head><title>夏天血压反而高</title></head><body><div id="js_content" '
            f'class="rich_media_content">{sections}<p>来源：心内科</p><p>编辑：陈静 | 审核：刘洋</p>'
            '<p>点个"在看"分享给更多人</p></div></body></html>')
    lines = extract(html, "https://mp.example.com/s/XyZ").body.split("\n\n")
    assert "夏天血压为何波动" in lines
    assert not {"来源：心内科", "编辑：陈静 | 审核：刘洋", '点个"在看"分享给更多人'} & set(lines)


@pytest.mark.parametrize("shown,now,expected", [("06-17", datetime(2024, 6, 20, tzinfo=timezone.utc), date(2024, 6, 17)),
                                                ("12-30 08:45", datetime(2024, 1, 5, tzinfo=timezone.utc), date(2023, 12, 30)),
                                                ("6月17日", datetime(2024, 6, 20, tzinfo=timezone.utc), date(2024, 6, 17))])
def test_a_hot_picks_day_without_a_year_is_the_last_such_day_before_the_fetch(shown, now, expected):
    html = _with_picks("Hot Picks", f'<span class="time">{shown}</span>')
    picks = extract(html, "https://health.example.com/a/1.html", now=now).hot_picks
    assert [p.published_date for p in picks] == [expected] * 3


def test_a_hot_picks_day_without_a_year_is_not_read_without_the_fetch_time():
    """The year would be the reader's (re-extracting next January would date June's picks a year early), as
    a relative date's day would: both are read only against the time the page was fetched."""
    html = _with_picks("Hot Picks", '<span class="time">06-17</span>')
    picks = extract(html, "https://health.example.com/a/1.html").hot_picks
    assert len(picks) == 3 and [p.published_date for p in picks] == [None] * 3


# --- what a review of these rules found them doing to other pages ----------------------------------------

_ARTICLE = "".join(f"<p>{s}</p>" for s in SENTENCES[:4])
_COMMENTS = "".join(f"<p>Reader {i}: thank you, this helped my father a lot, we will measure every morning now.</p>"
                    for i in range(9))


@pytest.mark.parametrize("after", [
    f'<div class="reader-responses"><h3>Your responses</h3>{_COMMENTS}</div>',
    f'<div class="product-reviews">{_COMMENTS}</div>',
])
def test_a_longer_list_of_comments_or_reviews_after_the_article_is_not_made_the_article(after):
    html = (HEAD + '<div class="wrap">'
            f'<h1>Young people get high blood pressure too</h1><div class="story-body">{_ARTICLE}</div>{after}'
            '</div></body></html>')
    body = extract(html, "https://health.example.com/a/1.html").body
    assert all(s in body for s in SENTENCES[:4])


def test_an_article_split_by_an_ad_row_is_read_whole():
    first = "".join(f"<p>{s} {s}</p>" for s in SENTENCES[:3])  # paragraphs long enough to be joined as one article
    second = "".join(f"<p>{s} {s}</p>" for s in SENTENCES[3:])
    html = (HEAD +
            f'<h1>Young people get high blood pressure too</h1><div class="content">{first}</div>'
            f'<div class="ad-row"><a href="/ad">Advertisement</a></div><div class="content">{second}</div></body></html>')
    body = extract(html, "https://health.example.com/a/1.html").body
    assert all(s in body for s in SENTENCES)


def test_a_wechat_page_with_a_large_script_still_has_its_sections_read():
    sections = "".join(f'<section><span>{s}</span></section>' for s in SENTENCES)
    html = (HEAD +
            f'<div id="js_content" class="rich_media_content">{sections}</div>'
            f'<script>var config = "{"x" * 6000}";</script></body></html>')
    body = extract(html, "https://mp.example.com/s/AbC").body
    assert all(s in body for s in SENTENCES)


def test_page_text_left_in_the_head_by_the_parser_is_still_read():
    html = ('<html lang="en"><head><title>Young people get high blood pressure too</title><amp-sidebar id="s">'
            f'<h1>Young people get high blood pressure too</h1>{"".join(f"<p>{s}</p>" for s in SENTENCES)}'
            '</amp-sidebar></head><body></body></html>')
    assert SENTENCES[0] in extract(html, "https://health.example.com/a/1.html").body


def test_a_wechat_post_after_midnight_in_beijing_has_beijings_day():
    html = ('<html><head><title>高温</title></head><body><div id="js_content">'
            f'<p>{"高温天气注意防暑，多喝水，避免中午外出，老人和孩子尤其要注意。" * 6}</p></div>'
            '<script>var ct = "1686933000";</script></body></html>')  # 2023-06-16 16:30 UTC, 00:30 on the 17th in Beijing
    assert extract(html, "https://mp.example.com/s/AbC", now=NOW).published_date == date(2023, 6, 17)
