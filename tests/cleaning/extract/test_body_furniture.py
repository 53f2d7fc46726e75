"""Health publishers' furniture inside the article's own container (an eighth review of invented pages):
reader feedback widgets, appointment and coupon calls to action, medical disclaimers without a label. Small
written pages, one class each; the article's own sentences that share their words stay."""

from __future__ import annotations

import pytest

from cleaning.extract import extract

URL = "https://www.riverbend.example.org/conditions/gout"
PARAS = [
    "Gout is a kind of arthritis that causes sudden, severe pain and swelling in a joint, most often the big toe, "
    "and it tends to come back in attacks that last a few days.",
    "Gout happens when uric acid builds up in the blood and forms sharp crystals in and around a joint, which the "
    "body then attacks with inflammation.",
    "Attacks are treated with anti-inflammatory medicines, and a daily medicine that lowers uric acid prevents new "
    "attacks when they keep coming back.",
    "Between attacks most people feel well, but without treatment the attacks tend to come more often and to reach "
    "more joints over the years.",
]


def _body(lines: list[str], lang: str = "en") -> list[str]:
    article = "".join(f"<p>{line}</p>" for line in lines)
    html = (f'<html lang="{lang}"><head><title>Gout | Riverbend Clinic</title></head><body><article><h1>Gout</h1>'
            f'{article}</article></body></html>')
    return extract(html, URL).body.split("\n\n")


@pytest.mark.parametrize("widget", [
    "Was this page helpful?", "Was this article helpful? Yes No", "Did you find this information useful?",
    "War dieser Artikel hilfreich?", "Cet article vous a-t-il été utile ?", "¿Te ha resultado útil este artículo?",
    "Esta informação foi útil?", "Czy ten artykuł był pomocny?", "Heeft deze informatie u geholpen?",
    "この記事は役に立ちましたか？", "이 기사가 도움이 되셨나요?", "这篇文章对您有帮助吗？", "क्या यह लेख उपयोगी था?",
])
def test_a_feedback_widget_in_the_article_goes(widget):
    body = _body([*PARAS[:2], widget, *PARAS[2:]])
    assert body == PARAS


@pytest.mark.parametrize("cta", [
    "Request an appointment", "Schedule an appointment", "Find a doctor", "Find a pediatrician near you",
    "Browse our providers or call 555-0199", "Start a free symptom assessment…",
    "Save up to 80% on your prescriptions. Get free coupon",
])
def test_an_appointment_or_coupon_call_to_action_goes(cta):
    assert _body([*PARAS[:2], cta, *PARAS[2:]]) == PARAS


@pytest.mark.parametrize("sentence", [
    "Find a doctor you trust and ask whether your uric acid should be checked once a year.",
    "Schedule an appointment with your doctor if a joint stays swollen for more than a week.",
    "Make an appointment with your doctor if you notice:",  # a heading over a list of symptoms
    "Find a doctor who accepts your insurance",  # a section heading
    "Book an appointment with your GP within two weeks",  # a step of a list
])
def test_the_articles_own_advice_with_those_words_stays(sentence):
    assert sentence in _body([*PARAS[:2], sentence, *PARAS[2:]])


@pytest.mark.parametrize("disclaimer,lang", [
    ("This article is for general information only and is not a substitute for professional medical advice, "
     "diagnosis or treatment.", "en"),
    ("Dieser Beitrag ersetzt keine ärztliche Beratung oder Behandlung.", "de"),
    ("Cet article ne remplace en aucun cas l'avis d'un médecin.", "fr"),
    ("Este contenido no sustituye la consulta con un profesional de la salud.", "es"),
    ("Wichtiger Hinweis: Dieser Artikel ersetzt keine ärztliche Beratung und darf nicht zur Selbstdiagnose "
     "verwendet werden.", "de"),
    ("本文内容仅供参考，不能替代医生的诊断和治疗。", "zh"),
    ("अस्वीकरण: यह लेख केवल सामान्य जानकारी के लिए है।", "hi"),
])
def test_a_medical_disclaimer_under_the_article_goes_labelled_or_not(disclaimer, lang):
    assert _body([*PARAS, disclaimer], lang) == PARAS


def test_the_same_sentence_inside_the_article_stays():
    """Said in the middle of the article, it is the article's point, not the publisher's disclaimer."""
    sentence = ("A symptom checker is not a substitute for medical advice, so a hot, swollen joint with fever "
                "needs a doctor the same day.")
    assert sentence in _body([PARAS[0], sentence, *PARAS[1:]])


@pytest.mark.parametrize("line,lang", [
    ("Remember that iron tablets are not a substitute for treatment of the cause of the bleeding.", "en"),
    ("Experts say chatbots are not a substitute for professional medical advice, and a wrong answer can delay "
     "care.", "en"),
    ("Homöopathie ersetzt keine ärztliche Behandlung, sagen die Autoren der Studie.", "de"),
    ("专家提醒，保健品不能替代医生的治疗，出现症状应及时就医。", "zh"),
    ("Wichtiger Hinweis: Bei akuter Atemnot sofort den Notruf 112 wählen.", "de"),
    ("Avvertenze: non usare in gravidanza e non superare la dose indicata.", "it"),
    ("Avertissement : ne pas dépasser 3 g par jour chez l'adulte.", "fr"),
])
def test_the_articles_own_last_advice_and_safety_notes_stay(line, lang):
    """What the article says of something else (tablets, chatbots, homeopathy) is its content, and a drug's
    or an emergency's safety note under a label is no publisher's disclaimer."""
    assert line in _body([*PARAS, line], lang)


def test_a_related_blocks_unlinked_items_go_with_its_heading():
    """"More about allopurinol" over "Check interactions / Compare alternatives / Pricing & coupons" (a drug page's
    tools, not linked in this copy): the heading went, and its items stayed without it."""
    items = "<h2>More about allopurinol</h2><ul><li>Check interactions</li><li>Compare alternatives</li>" \
            "<li>Pricing &amp; coupons</li></ul>"
    html = (f'<html lang="en"><head><title>Gout | Riverbend Clinic</title></head><body><article><h1>Gout</h1>'
            f'{"".join(f"<p>{line}</p>" for line in PARAS)}{items}</article></body></html>')
    assert extract(html, URL).body.split("\n\n") == PARAS


def test_an_everyday_section_heading_over_the_articles_own_short_list_keeps_the_list():
    """"Recommendations" over short steps may be the article's own list (it reads like a related heading too)."""
    steps = "<h2>Recommendations</h2><ul><li>Drink more water</li><li>Cut down on beer</li><li>Eat less red meat</li></ul>"
    html = (f'<html lang="en"><head><title>Gout | Riverbend Clinic</title></head><body><article><h1>Gout</h1>'
            f'{"".join(f"<p>{line}</p>" for line in PARAS)}{steps}</article></body></html>')
    body = extract(html, URL).body
    assert "Drink more water" in body and "Eat less red meat" in body


def test_a_chinese_line_after_a_related_heading_is_counted_by_its_characters():
    """A Chinese line is one whitespace "word" however long: counted by its characters, a sentence of the article
    under a related heading that went is no related item."""
    line = "高尿酸血症患者应当定期复查血尿酸水平并且遵照医嘱长期服药控制病情"
    html = ('<html lang="zh"><head><title>痛风</title></head><body><article><h1>痛风</h1>'
            f'{"".join(f"<p>{p}</p>" for p in PARAS)}<h2>相关阅读</h2><p>{line}</p></article></body></html>')
    assert line in extract(html, URL).body


def test_every_line_the_disclaimer_sentence_matches_passes_its_cheap_word_check():
    """The word check only spares the sentence's regex on lines it cannot match: every line it matches, each
    subject with each verb of every language, in any casing (letters re.I folds to ASCII, "İ" and "ſ", too),
    passes the check."""
    from cleaning.extract.body_furniture import DISCLAIMER_SENTENCE_RE, _may_be_disclaimer

    subjects = ["this information is", "dieser Artikel", "cet article", "este contenido", "questo articolo",
                "este artigo", "ten artykuł", "deze informatie", "この記事は", "本文内容"]
    verbs = ["not a substitute for advice", "not intended as a replacement for care", "ersetzt keine Beratung",
             "ne remplace pas", "ne se substitue pas", "no sustituye", "no reemplaza", "no pretende", "non sostituisce",
             "non intende", "não substitui", "nao pretende", "nie zastępuje", "nie zastepuje", "vervangt geen",
             "医師の診断に代わるものではありません", "不能替代", "不能取代"]
    matched = 0
    for subject in subjects:
        for verb in verbs:
            line = f"{subject} {verb}."
            for variant in (line, line.upper(), line.title(), line.upper().replace("I", "İ"), line.replace("s", "ſ")):
                if DISCLAIMER_SENTENCE_RE.search(variant):
                    matched += 1
                    assert _may_be_disclaimer(variant), variant
    assert matched > 40
    assert not _may_be_disclaimer("Drink water through the day; it keeps blood pressure steady.")


COMMENTS = ["Anna, 3. Juni 2024: Bei mir hat das auch geholfen, danke für den Bericht.",
            "Tom, 4. Juni 2024: Ich mache das seit Jahren und kann es nur empfehlen.",
            "Lea, 5. Juni 2024: Wie lange hat es gedauert, bis du etwas gemerkt hast?"]


@pytest.mark.parametrize("heading", ["12 Kommentare", "Comments (3)", "Was unsere Leser sagen (25)",
                                     "Leave a Reply", "Hinterlasse einen Kommentar"])
def test_a_comment_thread_named_by_no_class_goes_from_its_heading(heading):
    """Plain paragraphs under a plain heading, in the post's own container: only the heading says they are
    readers' comments, and the article came first (a review of invented pages found 8 of 12 such posts kept whole)."""
    form = ["Your email address will not be published. Required fields are marked *", "Name *", "Email *"]
    assert _body([*PARAS[:2], heading, *(form if heading.startswith(("Leave", "Hinterlasse")) else COMMENTS)]) == PARAS[:2]


@pytest.mark.parametrize("lines", [
    ["3 Comments", *PARAS],  # a byline's comment count above the article
    [*PARAS[:2], "Reactions", *PARAS[2:]],  # a section of the article (no count, no form)
    [*PARAS[:2], "Doctors' comments on the new guideline were mixed, and 12 comments came from patients.", *PARAS[2:]],
])
def test_a_comment_count_before_the_article_or_a_section_without_a_count_cuts_nothing(lines):
    body = _body(lines)
    assert all(p in body for p in PARAS), body


def test_a_q_and_a_pages_answers_under_their_count_stay():
    """"2 Antworten" heads a question's answers, the page's content, as often as a comment thread."""
    body = _body([*PARAS[:2], "2 Antworten", *PARAS[2:]], "de")
    assert all(p in body for p in PARAS), body


def test_a_comment_count_between_the_lead_and_the_rest_of_the_article_cuts_nothing():
    """A count in the article's meta line, after its lead, has no comment's day or time under it."""
    body = _body([PARAS[0], "12 Kommentare", *PARAS[1:]], "de")
    assert all(p in body for p in PARAS), body


@pytest.mark.parametrize("line", ["Leave a comment", "Kommentar schreiben", "Leave a reply"])
def test_a_form_heading_with_the_article_going_on_after_it_cuts_nothing(line):
    """A byline's "Leave a comment", a share bar's "Kommentar schreiben", a how-to's step: no form's fields follow."""
    body = _body([PARAS[0], line, *PARAS[1:]])
    assert all(p in body for p in PARAS), body


def test_an_articles_meta_line_with_its_day_after_a_comment_count_cuts_nothing():
    body = _body([PARAS[0], "12 Kommentare", "3. Juni 2024 · 5 Min. Lesezeit", *PARAS[1:]], "de")
    assert all(p in body for p in PARAS), body


RELATIVE_COMMENTS = [
    ["Hace 28 minutos", "Vaya comportamiento tan poco ejemplar, como para que los ciudadanos lo creamos.",
     "Hace una hora", "Lo importante no es si lo hacen o no, sino quién lo paga al final."],
    ["2 hours ago", "My father had the same attacks for years until his doctor changed his medicine.",
     "an hour ago", "Does anyone know whether cherries really help? I read it somewhere."],
    ["vor 3 Stunden", "Bei mir hat das auch geholfen, danke für den ausführlichen Bericht.",
     "vor einer Stunde", "Wie lange hat es gedauert, bis du etwas gemerkt hast?"],
]


@pytest.mark.parametrize("heading,comments", [
    ("Comentar", RELATIVE_COMMENTS[0]), ("Add a comment", RELATIVE_COMMENTS[1]), ("Kommentieren", RELATIVE_COMMENTS[2]),
    ("12 Kommentare", RELATIVE_COMMENTS[2]), ("Leave a Reply", RELATIVE_COMMENTS[1]),
])
def test_a_call_to_comment_with_comments_stamped_how_long_ago_under_it_ends_the_article(heading, comments):
    """A comment button's word over the site's comment policy and readers' comments, each under how long ago it
    was written ("Hace 28 minutos", "2 hours ago"): the comments are no part of the article."""
    policy = ["Comments are the opinion of their authors, not of this site."]
    assert _body([*PARAS[:2], heading, *policy, *comments]) == PARAS[:2]


@pytest.mark.parametrize("after", [
    # an opinion column's label, then the article, whose sentences hold years
    [("In 2019 the guideline changed, and by 2021 most clinics had followed it, so the advice you read may differ "
      "from what your doctor learned."),
     ("A study from 2020 found the same in older patients, and another in 2022 confirmed it in a larger group of "
      "people with the disease.")],
    # a share bar's button, then the article going on
    PARAS[2:],
])
def test_a_call_to_comment_without_comments_name_lines_under_it_cuts_nothing(after):
    body = _body([*PARAS[:2], "Comment", *after])
    assert all(p in body for p in [*PARAS[:2], *after]), body


def test_how_long_ago_counts_as_a_comments_stamp_in_the_languages_of_the_thread_headings():
    from cleaning.extract.body_furniture import _STAMP

    for stamp in ["Hace 28 minutos", "hace una hora", "2 hours ago", "an hour ago", "vor 3 Stunden",
                  "vor einer Stunde", "il y a 3 jours", "há 2 dias", "5 ore fa", "3 uur geleden", "Juan · hace 2 días"]:
        assert _STAMP.search(stamp), stamp
    for text in ["Gout comes back in attacks", "The dose was halved", "Take it for a week"]:
        assert not _STAMP.search(text), text
