"""Boilerplate and page-structure patterns, as data (like trafilatura's xpaths.py).

Everything site-independent that decides "this is not article text" lives here, so a new
pattern is a one-line change that tests can pin down.
"""

from __future__ import annotations

import re

# --- dates ----------------------------------------------------------------------------------
META_PUBLISHED = frozenset({
    "article:published_time", "og:published_time", "og:article:published_time", "published_time",
    "datepublished", "datecreated", "pubdate", "publishdate", "publish-date", "publish_date", "date",
    "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article.published", "article_date_original", "originalpublicationdate",
    "cxenseparse:recs:publishtime", "citation_publication_date", "citation_date", "release_date", "creation_date",
    "bt:pubdate", "pub_date", "timestamp", "ptime", "publication_date",
})
META_MODIFIED = frozenset({
    "article:modified_time", "og:updated_time", "og:modified_time", "datemodified", "dc.date.modified",
    "dcterms.modified", "last-modified", "lastmod", "article.updated", "modified_time", "updated_time",
    "utime", "revised",
})
DATE_CLASS_RE = re.compile(r"date|time|publish|posted|byline|article[-_]?meta|post[-_]?meta|entry[-_]?meta|"
                           r"dateline|pubinfo|info|timestamp|source", re.I)
# The labels of a publication date: the byline's own words, and in PUBLISHED_LABEL_RE also the generic ones ("date",
# 时间) that label any date
_PUBLISHED_WORDS = (r"published|posted|ver[öo]ffentlicht|erschienen|erstellt|publi[ée]e?|publicado|publicada|"
                    r"publicaci[óo]n|publica[çc][ãa]o|pubblicato|pubblicazione|gepubliceerd|opublikowano|diterbitkan|"
                    r"yay[ıi]nlanma|yay[ıi]nland[ıi]|опубликовано|опубліковано|publicerad|publiceret|publisert|"
                    r"publikov[áa]no|publicat|julkaistu|megjelent|k[öo]zz[ée]t[ée]ve|δημοσιε[υύ]θηκε|δημοσίευση|פורסם|"
                    r"نشر|đăng|입력|เผยแพร่")


def _words_first(words: str) -> str:
    r"""`\b(?:words)\b` behind a look-ahead for their first letters: the scan of a page's whole text skips every
    other position at once (a third of its time; the alternation alone is tried at each one)."""
    firsts: set[str] = set()
    for alt in words.split("|"):  # (a nested group's "|" only adds letters: a wider look-ahead, never a narrower)
        firsts.update(alt[1:alt.index("]")] if alt.startswith("[") else alt[0])
    return rf"(?=[{''.join(sorted(c.lower() for c in firsts))}])\b(?:{words})\b"


PUBLISHED_BYLINE_RE = re.compile(_words_first(_PUBLISHED_WORDS) + r"|发布|发表|公開|게시", re.I)
PUBLISHED_LABEL_RE = re.compile(_words_first(_PUBLISHED_WORDS + r"|released|date|datum|дата") + r"|发布|发表|时间|公開|게시",
                                re.I)
_BY_NAME = r"[^:;|·\n\d]{2,60}?"  # "Dr. Jane Smith, MD" between a review word and its date
MODIFIED_LABEL_RE = re.compile(_words_first(
    r"updated|modified|last\s+(?:updated?|modified|reviewed)|revised|aktualisiert|zuletzt\s+ge[äa]ndert|"
    # a footer's day the page was last changed or generated, never the post's ("Page generated 25.12.2005")
    r"page\s+generated|mise?\s+[àa]\s+jour|modifi[ée]e?|actualizado|actualizaci[óo]n|atualizado|"
    r"atualiza[çc][ãa]o|aggiornato|aggiornamento|"
    r"bijgewerkt|zaktualizowano|aktualizacja|g[üu]ncellen(?:di|me)|g[üu]ncelleme|diperbarui|обновлено|оновлено|"
    r"uppdaterad|opdateret|oppdatert|aktualizov[áa]no|friss[íi]tve|actualizat|p[äa]ivitetty|ενημερώθηκε|ενημέρωση|"
    r"עודכן|تحديث|cập\s+nhật|수정|อัปเดต") + r"|更新", re.I)
# A health page's review ("Medically reviewed by Dr. X on <date>", "Relu par ... le", "Geprüft am") is a later
# date than its publication, said first: an update label too, so the byline's publication date beside it is
# looked for. Its own pattern: in MODIFIED_LABEL_RE's alternation it doubled the time of every page's scan.
REVIEW_LABEL_RE = re.compile(
    # byline-shaped only: the reviewer named ("... reviewed by <name> on"), or a label with its colon; a sentence
    # ("The FDA reviewed the application on June 9, 2023") is no label
    rf"(?<![-\w])(?:(?:medically|clinically|fact[- ]?checked\s+and|expert|medical(?:ly)?)\s*reviewed"
    rf"(?:\s+by\s+{_BY_NAME}\s+on|\s+on|\s*:)|reviewed\s*:|(?-i:Reviewed)(?:\s+by\s+{_BY_NAME}\s+on|\s+on))"
    rf"|\b(?:(?:medizinisch\s+|fachlich\s+)?geprüft(?:\s+von\s+{_BY_NAME}\s+am|\s*:)"
    rf"|relu(?:\s+et\s+valid[ée])?(?:\s+par\s+{_BY_NAME}\s+le|\s*:)"
    rf"|revisado(?:\s+(?:por|médicamente)\s+{_BY_NAME}\s+(?:el|em)|\s*:)"
    rf"|revisionato(?:\s+da\s+{_BY_NAME}\s+il|\s*:)|revisto(?:\s+por\s+{_BY_NAME}\s+em|\s*:))", re.I)
REVIEW_WORDS = ("review", "geprüft", "relu", "revis")  # one is in every text REVIEW_LABEL_RE matches (lower case)
# One of these is in every text MODIFIED_LABEL_RE matches, lower-cased: a page holding none is not scanned (the
# scan costs 0.1 ms on a 2 KB page, every page). No key has a letter that re.IGNORECASE equates with a character
# str.lower() does not turn into it, but i and s (ı, ſ) and Cyrillic о and в (ᲂ, ᲀ): LOWER_ODD_RE finds those.
MODIFIED_LABEL_KEYS = ("update", "generated", "modif", "reviewed", "revised", "aktuali", "zuletzt", "jour", "actualiza",
                       "atualiza", "aggiorna", "bijgewerkt", "ncelle", "diperbarui", "новлено", "pdater", "friss", "ivitetty", "νη",
                       "עודכן", "تحديث", "cập", "수정", "อัปเดต", "更新")
# Characters a case-insensitive pattern reads as a Latin or Cyrillic letter while str.lower() keeps them apart (İ
# becomes two characters): in a text holding one, a missing key proves nothing
LOWER_ODD_RE = re.compile("[\u0130\u0131\u017f\u1c80-\u1c88]")
COPYRIGHT_RE = re.compile(r"©|&copy;|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|版权", re.I)

# --- related-article blocks -----------------------------------------------------------------
# Heading text of a related-articles block (matched against the whole, short heading).
RELATED_HEADING_RE = re.compile(
    r"^\W*(?:"
    r"hot\s*picks?|hot\s+(?:articles?|news|topics|reads?|stories)|everyone\s+is\s+(?:watching|reading)|"
    r"(?:most\s+)?popular(?:\s+(?:articles?|posts?|stories|news|now|reads|this\s+week|today|on\s+\w+))?|"
    r"most\s+(?:read|viewed|shared|emailed|commented|watched|recent)(?:\s+\w+){0,3}|trending(?:\s+\w+){0,2}|"
    r"related(?:\s+(?:articles?|posts?|stories|reading|content|news|links|topics|coverage))?|"
    r"recommended(?:\s+(?:for\s+you|articles?|reading|posts?|stories))?|recommendations?|"
    r"(?:you\s+)?(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|"
    r"(?:you\s+)?(?:may|might)\s+also\s+want\s+to\s+read|"
    r"(?:read|see)\s+(?:also|more|next)|more\s+(?:from|on|in|about|stories|articles|news|to\s+read|like\s+this)(?:\s+\w+){0,4}|"
    r"also\s+(?:read|on|in)(?:\s+\w+){0,3}|editor'?s?\s+(?:picks?|choice)|top\s+(?:stories|picks|articles|reads|news)|"
    r"(?:our\s+)?(?:latest|recent)\s+(?:articles?|news|posts?|stories)|latest\s+from(?:\s+[\w.&'-]+){1,4}|what\s+to\s+read\s+next|up\s+next|"
    r"don'?t\s+miss|further\s+reading|in\s+case\s+you\s+missed\s+it|featured(?:\s+(?:articles?|posts?|stories))?|"
    r"(?:people\s+(?:also|are)\s+read(?:ing)?|keep\s+reading|readers\s+also\s+(?:read|liked))|"
    r"popular\s+in(?:\s+\w+){1,3}|related\s+(?:health\s+)?topics|(?:\w+\s+){0,2}news\s+you\s+may\s+have\s+missed|"
    # machine-translated Chinese portals: 热点推荐, 精彩推荐, 猜你喜欢, 相关推荐, 推荐阅读
    r"hot\s*spots?(?:\s+recommendations?)?|wonderful\s+recommendations?|guess\s+(?:you|what\s+you)\s+(?:like|love)|"
    r"(?:24[-\s]?hours?\s+|weekly\s+|monthly\s+|click\s+|hot\s+)?ranking(?:\s+list)?|hot\s+list|related\s+questions|"
    r"other\s+articles\s+(?:of|by|from)\s+.{2,40}|相关问题|(?:\S{1,12})?(?:医生|大夫)的其他文章|"
    r"related\s+recommendations?|recommended\s+reading|"
    r"热门(?:推荐|文章|阅读|资讯)?|相关(?:文章|阅读|推荐|资讯|新闻)?|推荐(?:阅读|文章)?|猜你喜欢|大家都在看|热点(?:推荐|新闻|文章)?|"
    r"精彩推荐|为你推荐|(?:一周|本周|本月|24小时|今日|热文|点击|阅读)?排行榜?|最新(?:文章|资讯)?|"
    # the same headings in the other languages of our users' sites (de, fr, es, it, pt, nl, pl, ru, tr, id, ja)
    r"(?:das\s+)?k[öo]nnte\s+sie\s+(?:auch\s+)?interessieren|meistgelesene?(?:\s+artikel)?|am\s+meisten\s+gelesen|"
    r"(?:beliebte|[äa]hnliche|verwandte|weitere|neueste|mehr)\s+(?:artikel|beitr[äa]ge|nachrichten|meldungen|news)|"
    r"mehr\s+zum\s+thema|auch\s+lesenswert|"
    r"auch\s+interessant|lesen\s+sie\s+(?:auch|mehr)|"
    r"(?:[àa]\s+)?lire\s+aussi|les\s+plus\s+(?:lus|populaires|partag[ée]s)|articles?\s+(?:similaires|li[ée]s|populaires|r[ée]cents)|"
    r"sur\s+le\s+m[êe]me\s+sujet|vous\s+aimerez\s+aussi|derni[èe]res?\s+(?:actualit[ée]s|infos|nouvelles|articles)|"
    r"lo\s+m[áa]s\s+(?:le[íi]do|visto|popular)|m[áa]s\s+le[íi]d[oa]s|art[íi]culos\s+(?:relacionados|populares|recientes)|"
    r"noticias\s+relacionadas|(?:tambi[ée]n\s+)?te\s+puede\s+interesar|(?:art[íi]culos\s+)?que\s+te\s+pueden\s+interesar|[úu]ltimas\s+noticias|lee\s+tambi[ée]n|te\s+recomendamos|"
    r"(?:i\s+)?pi[ùu]\s+(?:letti|lette|visti|popolari)|articoli\s+(?:correlati|simili|popolari|recenti)|"
    r"(?:ti\s+)?potrebbe(?:ro)?\s+interessarti(?:\s+anche)?|"
    r"leggi\s+anche|ultime\s+notizie|da\s+non\s+perdere|"
    r"mais\s+lid[oa]s|(?:leia|veja)\s+tamb[ée]m|voc[êe]\s+(?:tamb[ée]m\s+)?(?:pode|vai)\s+gostar|(?:not[íi]cias|artigos)\s+relacionad[oa]s|[úu]ltimas\s+not[íi]cias|"
    r"meest\s+gelezen|lees\s+ook|gerelateerde\s+artikelen|laatste\s+nieuws|"
    r"najcz[ęe][śs]ciej\s+czytane|zobacz\s+(?:te[żz]|tak[żz]e)|czytaj\s+(?:te[żz]|tak[żz]e)|podobne\s+artyku[łl]y|"
    r"популярное|читайте\s+также|вам\s+(?:также\s+)?может\s+быть\s+интересно|похожие\s+статьи|самое\s+читаемое|последние\s+новости|"
    r"en\s+[çc]ok\s+okunanlar|ilgili\s+haberler|baca\s+juga|terpopuler|(?:berita|artikel)\s+terkait|"
    r"関連記事|人気記事|おすすめ記事|最新記事|よく読まれている記事|(?:こちらも|あわせて読みたい)(?:おすすめ)?|"
    r"많이\s*본\s*(?:뉴스|기사)|인기\s*(?:기사|뉴스)|관련\s*(?:기사|뉴스)|추천\s*기사|"
    r"اقرأ\s+أيضا|اقرأ\s+أيضاً|مقالات\s+(?:ذات\s+صلة|مشابهة)|الأكثر\s+(?:قراءة|مشاهدة)|أخبار\s+ذات\s+صلة"
    r")\W*$", re.I)
# A heading over a list of comments ("Recent Comments", "Letzte Kommentare", "Derniers commentaires",
# "Últimos comentarios", ...): its links are the commented articles, its names the commenters, so it is
# no related-articles block. Whole words only: "Most commented" is a block of articles.
COMMENTS_HEADING_RE = re.compile(
    r"(?<!\w)(?:comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|commento|reacties|"
    r"kommentarer|kommentit|komentarze|komentáře|komentari|yorumlar|reageer|комментари\w*|"
    r"коментар\w*)(?!\w)|最新评论|热门评论|最新留言|最近のコメント|最新のコメント|최근\s*댓글", re.I)
COMMENT_FRAGMENT_RE = re.compile(r"comment|respond|disqus", re.I)  # a link to a comment: page#comment-123
# Class/id hints of related blocks and of things that are never related articles.
RELATED_CLASS_RE = re.compile(r"related|recommend|popular|hot[-_]?(?:picks?|news|list)|most[-_]?(?:read|viewed|popular)|"
                              r"trending|you[-_]?may|also[-_]?like|more[-_]?stories|read[-_]?next|top[-_]?stories|"
                              r"editors?[-_]?picks?|rank|sidebar", re.I)
# Plain words one of which every RELATED_CLASS_RE match contains (attrs.AttrIndex prefilter).
RELATED_CLASS_KEYWORDS = ("related", "recommend", "popular", "hot", "most", "trending", "you", "also", "more", "read",
                          "top", "editor", "rank", "sidebar")
NOT_RELATED_CLASS_RE = re.compile(r"\b(?:nav|navbar|menu|breadcrumbs?|pagination|pager|pages|tags?|tag[-_]?cloud|"
                                  r"keywords|categories|footer|header|social|share|sharing|lang(?:uage)?s?|"
                                  r"toc|table[-_]of[-_]contents|comments?)\b|[-_](?:nav|menu|tags|pagination)\b", re.I)
PAGINATION_TEXT_RE = re.compile(r"^(?:\d+|«|»|‹|›|<|>|…|\.\.\.|prev(?:ious)?|next|first|last|older|newer|"
                                r"上一页|下一页|首页|尾页)(?:\s+(?:page|posts?|entries|»|›))?$", re.I)
ITEM_TITLE_CLASS_RE = re.compile(r"title|headline|heading|name|subject", re.I)
ITEM_TEASER_CLASS_RE = re.compile(r"teaser|summary|excerpt|desc|intro|abstract|snippet|dek|blurb|lede|text", re.I)
ITEM_DATE_CLASS_RE = re.compile(r"date|time|ago|publish", re.I)
ITEM_RANK_CLASS_RE = re.compile(r"rank|num|index|order|position|count|no\b|^no[-_]|idx", re.I)

# --- boilerplate inside a body ----------------------------------------------------------------
# Elements removed from a profile-selected body (class/id tokens). Generic extraction gets the
# same treatment from trafilatura's own rules plus BOILERPLATE_LINE_RE below.
BOILERPLATE_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|sns|addthis|sharethis|share[-_]?bar|print|author[-_]?(?:box|bio|info|card)|"
    r"about[-_]?the[-_]?author|breadcrumbs?|crumbs|cookie|consent|gdpr|newsletter|subscribe|signup|advert\w*|ads?|"
    r"ad[-_]?(?:slot|unit|label|container|wrapper)|sponsor\w*|promo|banner|copyright|disclaimer|tags?|tag[-_]?list|"
    r"related\w*|recommend\w*|comments?|nav|navigation|menu|pagination|pager|rating|reactions?|"
    r"read[-_]?more|toolbar|icons?)(?:$|[\s_-])", re.I)
BOILERPLATE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
                    "input", "textarea", "nav", "aside", "footer", "object", "embed", "canvas", "dialog")
# A whole body line that is boilerplate (only short lines are tested).
BOILERPLATE_LINE_RE = re.compile(
    r"^\W*(?:"
    r"share(?:\s+(?:this|on|via|to|article|story|post)(?:\s+\w+){0,3}|(?:\s+(?:tweet|pin|email|e-mail|mail|facebook|"
    r"twitter|x|whatsapp|linkedin|reddit|telegram|print|link|copy|\d+))+)?|shares?|icon|print(?:\s+this)?(?:\s+\w+)?|"
    r"tweet|email|e-mail|like|comment|comments|\d+\s+comments?|pin\s*it|whatsapp|facebook|twitter|weibo|wechat|qq|"
    r"follow\s+us(?:\s+on)?(?:\s+\w+){0,4}|like\s+us\s+on\s+\w+|subscribe(?:\s+\w+){0,6}|sign\s+up(?:\s+\w+){0,8}|"
    r"(?:suscr[íi]b(?:ete|irse)|abonn(?:ieren|ez-vous)|s'abonner|iscriviti|inscreva-se|assine|"
    r"newsletter\s+(?:abonnieren|bestellen))(?:\s+[\w']+){0,6}|"
    r"read\s+more|continue\s+reading|click\s+here(?:\s+\w+){0,6}|see\s+more|view\s+more|load\s+more|show\s+more|"
    r"view\s+this\s+(?:post|profile|photo|video)\s+on\s+(?:instagram|facebook|tiktok|threads)|"  # an embed's own label
    # a widget's CMS shortcode the site left unrendered (not [code] or [quote]: their text is the article's)
    r"\[(?P<shortcode>button|caption|gallery|embed|video|audio|ads?|adsense|newsletter|subscribe|contact-form(?:-7)?|"
    r"mc4wp_form|wpforms|gravityform|related(?:_posts)?|share\w*|social\w*)\b[^\]]{0,300}\].{0,200}\[/(?P=shortcode)\]|"
    r"tell\s+us\s+what\s+you\s+think.{0,40}|skip\s+(?:advertisement|ad)|"
    # an audio player's controls and links: "0:00 / 24:13", "Subscribe on Apple Podcasts", "Listen to this article"
    r"(?:\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}(?::\d{2})?\s*)?(?:(?:subscribe|listen|follow)\s+on\s+(?:apple\s+podcasts|spotify|"
    r"google\s+podcasts|youtube\s+music|pocket\s+casts)\W*)+|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}(?::\d{2})?|"
    r"listen\s+to\s+(?:this\s+)?(?:article|story)(?:\s*[·|•-]?\s*\d+\s*min(?:utes?)?)?|"
    r"advertisement|advertising|ad|ads|sponsored(?:\s+content)?|promoted|"
    r"(?:copyright\s*)?(?:©|\(c\)).{0,80}|copyright\b.{0,80}|all\s+rights\s+reserved\.?|"
    r"(?:we|this\s+site)\s+uses?\s+cookies.{0,160}|accept(?:\s+(?:all|cookies))?|"
    r"home\s*[>»/›].{0,120}|tags?\s*:.{0,120}|source\s*:.{0,60}|"
    r"(?:like|liked|enjoy(?:ed)?)\s+this\s+(?:story|article|post)\?.{0,80}|"
    r"previous(?:\s+(?:article|post))?|next(?:\s+(?:article|post))?|back\s+to\s+top|"
    r"分享(?:到)?.{0,20}|点击.{0,20}|阅读全文|查看更多|返回顶部|责任编辑.{0,20}|广告|"
    # the fixed lines of a Chinese portal's template, in its English edition too
    r"responsible\s+editors?\s*[:：].{0,40}|(?:editor|editors|author|reporter|correspondent|proofreader|translator)"
    r"\s*[:：][^.!?。！？]{0,40}|"
    r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*)?(?:(?:source|author|editor|reporter|from|"
    r"(?:release|publish(?:ed)?|post(?:ed)?)\s+(?:time|date|on)|review(?:er)?|来源|作者|编辑|发布时间|审核|审校|校对|责编)"
    r"\s*[:：][^:：]{0,60}?\s*){2,}|来源\s*[:：].{0,30}|"
    r"scan\s+(?:the\s+)?qr\s*code.{0,80}|(?:long\s+)?press\s+(?:and\s+hold\s+)?(?:to\s+)?(?:identify|recogni[sz]e)\s+.{0,40}qr.{0,40}|"
    r"(?:previous|next)\s+(?:article|post|page|chapter|story)\s*[:：].{0,150}|[上下]一篇\s*[:：]?.{0,80}|"
    r"share\s+to\s*[:：].{0,60}|original\s+title\s*[:：].{0,150}|font\s*size\s*[:：]?.{0,40}|"
    r"print\s+this\s+page(?:\s+close\s+(?:this\s+)?window)?|close\s+(?:this\s+)?window|打印本页|关闭窗口|字号.{0,20}|"
    r"扫(?:描|一扫)?.{0,10}二维码.{0,40}|"
    # WeChat public-account articles' tail and their English machine translations
    r"scan\s+(?:the\s+code\s+)?to\s+follow.{0,80}|扫码关注.{0,40}|关注我们.{0,20}|(?-i:END)|read\s+the\s+original\s+text|"
    r"read\s+the\s+original.{0,30}|阅读原文.{0,20}|(?:click|tap)\s+(?:the\s+)?blue\s+words?.{0,60}|点击蓝字.{0,30}|"
    r"长按.{0,10}(?:识别|关注).{0,40}|(?:click\s+)?[\"“']?(?:watching|looking|wow)[\"”']?\s+and\s+share.{0,40}|"
    r"share\s+to\s+let\s+more\s+people\s+see.{0,20}|举报|点个?\s*[\"“']?在看[\"”']?.{0,20}|分享给更多人.{0,10}|"
    r"(?:title\s+)?(?:picture|image|photo)\s+source\s*[:：].{0,60}|(?:题图|图片)来源\s*[:：].{0,60}"
    r")\W*$", re.I)
# A publisher's disclaimer under the article ("Disclaimer: the content is for reference only ..."): long, so
# apart from the short lines above.
# (not "Wichtiger Hinweis:", "Avvertenze:", "Avertissement :": a drug leaflet's or an article's own safety notes)
DISCLAIMER_RE = re.compile(r"^\W*(?:(?:medical\s+)?disclaimer|免责声明|haftungsausschluss|aviso\s+legal|zastrze[żz]enie|"
                           r"अस्वीकरण|면책\s*(?:조항|공고)?|إخلاء\s+المسؤولية)\s*[:：]", re.I)
DISCLAIMER_MAX = 800
BOILERPLATE_LINE_MAX = 200
# A promo line in a body: a label, a separator, then a related headline ("SEE MORE: <headline>",
# "Read more | <headline>", "Lesen Sie auch: <headline>"). The label is a RELATED_HEADING_RE heading
# or one of PROMO_LABEL_RE's other languages' forms; body_lines.is_promo_line checks the headline's shape.
PROMO_LINE_RE = re.compile(
    r"^\W*(?P<label>[^\W\d][^:：|»›>–—]{1,38}?)\s*(?P<sep>[:：|»›>]+|\.(?=\s)|\s[-–—]+\s)\s*(?P<rest>\S.*)$")
# Labels no article sentence opens with: a promo line may give them without a separator ("<b>Mehr zum Thema</b>
# <a>headline</a>", "LIRE AUSSI. headline", "İLGİLİ HABER headline")
_PROMO_ONLY_LABELS = (
    r"lesen\s+sie\s+auch|lies\s+auch|mehr\s+zum\s+thema|(?:[àa]\s+)?lire\s+(?:aussi|[eé]galement)|voir\s+aussi|"
    r"l[eé][ea]\s+tambi[eé]n|te\s+puede\s+interesar|leia\s+tamb[eé]m|leggi\s+anche|lees\s+ook|czytaj\s+(?:te[zż]|tak[zż]e)|"
    r"читайте\s+(?:также|тоже)|[iİ]̇?lgili\s+haber(?:ler)?|bunlar\s+da\s+ilginizi\s+[cç]ekebilir|"
    r"延伸阅读|相关阅读|推荐阅读")
PROMO_LABEL_RE = re.compile(
    r"^\W*(?:(?:" + _PROMO_ONLY_LABELS + r"|lesen\s+sie\s+mehr|mehr\s+dazu|siehe\s+auch|auch\s+interessant|"
    r"(?:[àa]\s+)?lire\s+la\s+suite|l[eé][ea]\s+m[aá]s|leer\s+m[aá]s|ver\s+tambi[eé]n|leia\s+mais|"
    r"leggi\s+di\s+pi[uù]|lees\s+meer|czytaj\s+wi[eę]cej|更多阅读|阅读更多)\W*)$", re.I)
PROMO_PREFIX_RE = re.compile(r"^\W*(?P<label>" + _PROMO_ONLY_LABELS + r")\s+(?P<rest>\w.*)$", re.I)

# Removed from the whole page before generic extraction, when small relative to the page AND the
# element itself shows it is not article text (body.widget_evidence: hidden, form controls, mostly
# links, a call to action, a picture in a bio card, next to no text). A class name alone removes
# nothing: sites put "paywall", "non-paywall", "read-more" or "subheading" on visible article text.
PRECLEAN_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:newsletter|subscribe|subscription|signup|sign-up|optin|opt-in|share|sharing|social|"
    r"sharebar|addthis|sharethis|outbrain|taboola|promo|advert\w*|ad-slot|adslot|ad-unit|adunit|sponsor\w*|"
    r"related|recommend\w*|most-popular|popular-posts|trending|read-next|more-stories|author-bio|author-box|"
    r"about-author|breadcrumbs?|cookie\w*|consent|gdpr|paywall|read-?more|also-read|see-also)(?:$|[\s_-])",
    re.I)
PRECLEAN_CLASS_KEYWORDS = ("newsletter", "subscri", "signup", "sign-up", "optin", "opt-in", "shar", "social", "addthis",
                           "outbrain", "taboola", "promo", "advert", "ad-slot", "adslot", "ad-unit", "adunit", "sponsor",
                           "related", "recommend", "popular", "trending", "read", "more-stories", "author", "crumb",
                           "cookie", "consent", "gdpr", "paywall", "see-also")
# Classes that say an element is not shown on screen.
HIDDEN_CLASS_RE = re.compile(r"(?:^|\s)(?:screen-reader-text|sr-only|visually-hidden|visuallyhidden|hidden|hide|d-none|"
                             r"element-hidden|invisible|print-only)(?:$|\s)", re.I)
# The text of a widget that asks the reader to do something (only counts in short elements). The weak words
# ("register", "sign in", "accept", "cookies", 关注 "pay attention to", 分享 "share") are also everyday words of
# health news: in a sentence they count only when the site speaks to the reader about itself ("Sign up for our
# newsletter", "Follow us", 关注我们), not in "Patients can register for the trial through their family doctor."
CALL_TO_ACTION_RE = re.compile(
    r"\b(?:subscribe|subscription|newsletter|already\s+a\s+(?:subscriber|member)|continue\s+reading|read\s+more|"
    r"keep\s+reading|(?:read|see)\s+the\s+full\s+(?:article|story)|unlock|free\s+trial|advertis\w*|sponsored|"
    r"follow\s+us|share\s+(?:this|on|via)|download\s+(?:the|our)\s+app|"
    # a paywall's or a newsletter's prompt in our users' other languages
    r"jetzt\s+(?:weiterlesen|abonnieren|testen)|weiterlesen\s+mit|abo\s+abschlie(?:ß|ss)en|bereits\s+abonnent|"
    r"lire\s+la\s+suite|abonnez-vous|d[ée]j[àa]\s+abonn[ée]|je\s+m'abonne|"
    r"suscr[íi]bete|ya\s+eres\s+suscriptor|contin[úu]a\s+leyendo|sigue\s+leyendo|"
    r"continua\s+a\s+leggere|abbonati|sei\s+gi[àa]\s+abbonato|assine|continue\s+lendo|j[áa]\s+[ée]\s+assinante|"
    r"lees\s+verder|abonneer|word\s+abonnee|czytaj\s+dalej|zaprenumeruj)\b|"
    r"订阅|广告|阅读全文|続きを読む|有料会員|会員登録|購読", re.I)
WEAK_CALL_TO_ACTION_RE = re.compile(
    r"\b(?:sign\s?up|sign\s?in|log\s?in|register|cookies?|accept)\b|登录|注册|分享|关注", re.I)
SITE_VOICE_RE = re.compile(r"\b(?:our|us|we|this\s+(?:site|website))\b|我们|本站|本网|公众号|微信|扫码|点击", re.I)
HIDDEN_CLASS_KEYWORDS = ("screen-reader", "sr-only", "hidden", "hide", "invisible", "print-only", "d-none", "-none",
                         "visible-xs")
# Responsive utility classes, read as a desktop screen shows the page: hidden and shown again from some width on
# ("hidden md:block" in Tailwind, "d-none d-md-block" in Bootstrap) is shown; shown on phones only ("md:hidden",
# "d-md-none", Bootstrap 3's "hidden-md", "visible-xs") is hidden, so a page's phone and desktop copies of a
# passage give it once.
SHOWN_FROM_WIDTH_RE = re.compile(r"(?:^|\s)(?:(?:sm|md|lg):(?:block|flex|grid|inline|inline-block|inline-flex|table|"
                                 r"contents|flow-root)|d-(?:sm|md|lg)-(?:block|flex|grid|inline|inline-block|table))(?:$|\s)")
HIDDEN_WIDE_RE = re.compile(r"(?:^|\s)(?:(?:sm|md|lg):hidden|d-(?:sm|md|lg)-none|hidden-(?:md|lg)|"
                            r"visible-xs(?:-block|-inline|-inline-block)?)(?:$|\s)")

HIDDEN_ANY_RE = re.compile(f"{HIDDEN_CLASS_RE.pattern}|{HIDDEN_WIDE_RE.pattern}", re.I)  # what may hide: prefilter


def hidden_by_class(cls: str) -> bool:
    """Whether an element's class hides it on a desktop screen (not only on small ones)."""
    if HIDDEN_WIDE_RE.search(cls):
        return True
    return bool(HIDDEN_CLASS_RE.search(cls)) and not SHOWN_FROM_WIDTH_RE.search(cls)


AUTHOR_CLASS_RE = re.compile(r"author|byline|bio\b", re.I)
# A character of Chinese, Japanese or Korean writing (dense: one says what ~2-3 Latin letters do)
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
CJ_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # ... of Chinese or Japanese only (Korean spaces its words)
PRECLEAN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
PRECLEAN_MAX_SHARE = 0.25  # never remove an element holding more than this share of the page's text
