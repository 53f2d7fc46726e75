"""Ordinary English (and one Chinese) health-article text for the fault site, made deterministically.

Each article combines sentences written for its topic with general sentences
that name the topic, in an order drawn from a seeded generator: articles read as
plain prose, differ from each other (the deduplicator keeps them all), and the
same slug always gives the same text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

TOPICS: dict[str, tuple[str, list[str]]] = {
    "sleep": ("a regular sleep schedule", [
        "Adults who sleep seven to nine hours a night report fewer colds and better concentration at work.",
        "Going to bed and waking up at the same time every day, weekends included, steadies the body clock.",
        "A cool, dark and quiet bedroom makes it easier to fall asleep and to stay asleep until morning.",
        "Screens in the last hour before bed delay sleep, so a paper book is a better companion at night.",
        "A short nap after lunch can help, but naps longer than half an hour often leave people groggy.",
        "People who lie awake for a long time are advised to get up, read in dim light and return when sleepy.",
    ]),
    "water": ("drinking enough water", [
        "Thirst is a late signal, so people who wait until they are thirsty are often already a little dry.",
        "Pale yellow urine is a simple sign that the body is getting about as much fluid as it needs.",
        "Hot weather, fever and long walks all raise the amount of water a person should drink in a day.",
        "Fruit, soup and vegetables provide a surprising share of the water we take in with our meals.",
        "Sweet drinks add sugar without adding much benefit, which is why plain water remains the best choice.",
        "Older people feel thirst less sharply and may need a reminder to drink a glass every few hours.",
    ]),
    "walking": ("a daily walk", [
        "Thirty minutes of brisk walking on most days lowers blood pressure within a few weeks.",
        "Walking after dinner helps the body handle the rise in blood sugar that follows a meal.",
        "Comfortable shoes with a firm heel protect the knees and ankles on long walks over hard pavement.",
        "Walking with a friend makes it more likely that the habit lasts beyond the first enthusiastic month.",
        "Hills and stairs turn an easy stroll into real exercise for the heart and the large leg muscles.",
        "People who sit at a desk all day benefit from short walks every hour, even just around the office.",
    ]),
    "vitamin": ("vitamin D in winter", [
        "The skin makes vitamin D from sunlight, but in winter the sun is too low for much to be made.",
        "Oily fish, eggs and fortified milk are among the few foods that contain useful amounts of vitamin D.",
        "Doctors often suggest a modest daily supplement from October to March for people in northern countries.",
        "Very high doses taken for months can raise calcium levels in the blood, so more is not better.",
        "Children, pregnant women and people who rarely go outdoors are the groups most likely to run short.",
        "A simple blood test tells whether a person who feels tired and achy is actually low in vitamin D.",
    ]),
    "handwashing": ("washing hands properly", [
        "Washing hands with soap for twenty seconds removes most of the germs that cause colds and stomach bugs.",
        "The backs of the hands, the thumbs and the skin under the nails are the places people most often miss.",
        "Drying hands well matters too, because damp skin picks up and passes on germs more easily.",
        "Hand gel is useful when there is no sink nearby, but it does little against visible dirt or grease.",
        "Children learn the habit fastest when adults wash their hands with them before every meal.",
        "Washing hands after using the toilet and before cooking prevents many cases of food poisoning.",
    ]),
    "posture": ("good posture at a desk", [
        "The top of the computer screen should sit at eye level so that the neck does not bend forward all day.",
        "Feet should rest flat on the floor, with the knees at about the same height as the hips.",
        "A small cushion behind the lower back keeps the natural curve of the spine while sitting.",
        "Holding a phone between the ear and the shoulder strains the neck muscles more than most people expect.",
        "Standing up to stretch every half hour relieves the stiffness that builds up during long meetings.",
        "Wrists should stay straight while typing, with the keyboard close enough that the elbows stay bent.",
    ]),
    "breakfast": ("a balanced breakfast", [
        "Oats, yoghurt and fruit give steady energy that lasts until lunch without a mid-morning slump.",
        "Children who eat breakfast tend to pay better attention in class than those who skip it.",
        "A boiled egg or a handful of nuts adds protein, which keeps hunger away for longer than toast alone.",
        "Many breakfast cereals contain more sugar than a biscuit, so reading the label is worth the effort.",
        "People who are never hungry in the morning can start with something small, such as a banana.",
        "Eating breakfast slowly at a table, rather than on the way to the bus, helps digestion.",
    ]),
    "sunscreen": ("protecting skin from the sun", [
        "Sunburn in childhood raises the risk of skin cancer later in life, so shade and hats matter early.",
        "Sunscreen works best when a generous layer is applied twenty minutes before going outside.",
        "Water and sweat wash sunscreen away, so it should be put on again every two hours at the beach.",
        "Clouds block less ultraviolet light than people think, and many bad burns happen on grey days.",
        "The midday hours are the strongest, which makes them the best time to rest in the shade.",
        "Any mole that changes in size, shape or colour should be shown to a doctor without delay.",
    ]),
    "stress": ("coping with stress", [
        "Slow breathing, four seconds in and six seconds out, calms the heart rate within a couple of minutes.",
        "Regular exercise is one of the most reliable ways to reduce the feeling of being under pressure.",
        "Writing worries down in the evening helps many people stop turning them over in bed at night.",
        "Talking to a friend or a family member about a problem often makes it feel smaller and more manageable.",
        "Too much coffee can make anxiety worse, especially when it replaces meals during a busy day.",
        "When stress lasts for weeks and disturbs sleep or appetite, it is worth speaking to a doctor.",
    ]),
    "teeth": ("caring for teeth", [
        "Brushing twice a day for two minutes with a fluoride toothpaste prevents most tooth decay.",
        "Cleaning between the teeth once a day reaches the places a toothbrush cannot reach.",
        "Sugary snacks between meals give the bacteria in the mouth many chances to attack the enamel.",
        "A soft brush is kinder to the gums than a hard one and cleans just as well when used gently.",
        "Bleeding gums are a sign of inflammation and usually improve with more careful daily cleaning.",
        "A check-up with a dentist once or twice a year catches small problems before they become painful.",
    ]),
}

GENERAL = [
    "Doctors say that {topic} is one of the simplest habits to start and one of the easiest to forget.",
    "The advice on {topic} applies to most healthy adults, although people with a chronic illness should ask their own doctor first.",
    "Small changes made every day tend to matter more than large changes that last only a week.",
    "Researchers who followed thousands of volunteers for years found clear benefits linked to {topic}.",
    "Family members can support each other by making {topic} a shared routine rather than a private chore.",
    "None of this replaces a visit to a doctor when symptoms are new, severe or getting worse.",
    "Public health campaigns have promoted {topic} for decades because the evidence behind it is strong.",
    "It helps to keep a simple diary for a fortnight to see how well the new habit is really going.",
    "Children copy what they see at home, so parents who practise {topic} pass it on without a lecture.",
    "Cost is rarely a barrier, since {topic} needs little equipment and no special training.",
    "Many people notice a difference within a month, which makes it easier to keep going.",
    "Nurses at the local clinic are happy to answer questions about {topic} during routine appointments.",
]

# Windows-1252 only: curly quotes, dashes, accented letters, the fraction one half.
CP1252_PARAGRAPH = ("At the caf\u00e9 near the clinic, the nurse\u2019s advice was simple: \u201cDon\u2019t skip "
                    "breakfast \u2014 a na\u00efve plan that starts with \u00bd cup of oats is still a plan.\u201d "
                    "Her colleague added a note about cr\u00e8me fra\u00eeche and a r\u00e9sum\u00e9 of the week\u2019s menu.")

CHINESE_TITLE = "每天应该喝多少水？医生给出建议"
CHINESE_PARAGRAPHS = [
    "每天喝足够的水对身体健康非常重要。很多人直到口渴才想起喝水，其实这时身体已经有些缺水了。"
    "医生建议成年人每天喝一千五百到两千毫升的水，天气炎热或者运动出汗多的时候还要适当多喝一些。",
    "喝水也要讲究方法。早上起床后先喝一杯温开水，可以帮助身体补充夜间流失的水分。"
    "饭前半小时喝少量的水，有助于消化。睡前不宜喝太多水，以免夜里频繁起床影响睡眠。",
    "有些人喜欢用饮料代替白开水，这并不是一个好习惯。含糖饮料会增加热量的摄入，长期饮用容易导致肥胖和龋齿。"
    "浓茶和咖啡有利尿作用，也不能完全代替白开水。",
    "老年人对口渴的感觉比较迟钝，更容易出现缺水的情况。家人可以提醒老人定时喝水，每次喝一小杯，不要一次喝得太多。"
    "患有心脏病或肾脏疾病的人，应该按照医生的建议控制每天的饮水量。",
    "总之，养成良好的喝水习惯，少量多次，以白开水为主，是保持身体健康的简单方法。",
]


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    published: date
    paragraphs: tuple[str, ...]
    lang: str = "en"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def make_article(slug: str, topic: str | None = None, extra: str | None = None) -> Article:
    """A deterministic article of roughly 300 words; `topic` defaults to one chosen by the slug."""
    rng = random.Random(slug)
    names = sorted(TOPICS)
    topic = topic or names[rng.randrange(len(names))]
    phrase, facts = TOPICS[topic]
    general = [g.format(topic=phrase) for g in rng.sample(GENERAL, 8)]
    own = list(facts)
    rng.shuffle(own)
    sentences = own + general
    # Interleave: topic sentences lead each paragraph, general ones follow.
    paragraphs = []
    for i in range(4):
        chunk = sentences[i::4]
        rng.shuffle(chunk)
        paragraphs.append(" ".join(chunk))
    if extra:
        paragraphs.insert(2, extra)
    words = slug.replace("-", " ")
    title = f"{phrase[0].upper()}{phrase[1:]}: what to know ({words})"
    published = date(2024, 1, 1) + timedelta(days=rng.randrange(365))
    return Article(slug=slug, title=title, published=published, paragraphs=tuple(paragraphs))


def chinese_article(slug: str) -> Article:
    return Article(slug=slug, title=CHINESE_TITLE, published=date(2024, 6, 1),
                   paragraphs=tuple(CHINESE_PARAGRAPHS), lang="zh")


def article_html(article: Article, links: list[tuple[str, str]] = (), head: str = "") -> str:
    """A plain news-style page: navigation, the article, a share bar and a footer."""
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    body = "\n".join(f"<p>{p}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{article.lang}">
<head>{head}<title>{article.title}</title></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li>{nav}</ul></nav></header>
<main>
<article>
<h1>{article.title}</h1>
<p class="byline">By the health desk, <time datetime="{article.published.isoformat()}">{article.published:%B %d, %Y}</time></p>
{body}
</article>
<div class="share">Share this article</div>
</main>
<footer><p>Copyright 2024 Fault Site Health. All rights reserved.</p></footer>
</body>
</html>
"""
