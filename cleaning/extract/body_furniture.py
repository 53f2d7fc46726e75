"""What health publishers print inside the article's own container that is not the article: a reader
feedback widget, an appointment or coupon call to action, a medical disclaimer without a label, a readers'
comment thread no class or id names (told by its heading: "12 Kommentare", "Leave a Reply", or a comment button's
"Comentar" with comments' name lines under it). Found line by
line, on the body's lines (`body_lines.clean_lines`).

Each rule wants the shape of the furniture, not a keyword alone: a call to action is a short line, not a
sentence ("Find a doctor you trust and ask about screening." stays); a disclaimer sentence goes only among
the body's last lines. A references list stays: annotators disagree on it (two review rounds counted it in
and out of the body), it is the article's own content to many readers, and what is kept can be cut later,
what is dropped is lost.
"""

from __future__ import annotations

import re

FURNITURE_LINE_MAX = 200
# "Was this page helpful?" and its translations; appointment, find-a-doctor, symptom-checker and coupon prompts
FURNITURE_LINE_RE = re.compile(
    r"^\W*(?:"
    r"(?:was|is)\s+this\s+(?:page|article|information|content|post|answer|guide)\s+(?:helpful|useful)\b.{0,80}|"
    r"did\s+(?:you\s+find\s+)?this\s+(?:page|article|information)\s+(?:help(?:ful)?|useful)\b.{0,80}|"
    r"(?:war|ist)\s+(?:dieser\s+(?:artikel|beitrag)|diese\s+(?:seite|information))\s+hilfreich.{0,60}|"
    r"(?:cet\s+article|cette\s+page|cette\s+information)\s+(?:vous\s+)?a-t-(?:il|elle)\s+été\s+utile.{0,60}|"
    r"¿?\s*(?:te|le)\s+ha\s+(?:resultado|sido)\s+útil.{0,60}|¿?\s*(?:fue|es|ha\s+sido)\s+útil\s+(?:este|esta)\s+\w+.{0,60}|"
    r"(?:esta|este)\s+(?:informação|artigo|página|conteúdo)\s+(?:foi|é)\s+útil.{0,60}|"
    r"quest[oa']\s*(?:articolo|pagina|contenuto|informazione)\s+(?:ti\s+)?(?:è|e)\s+stat[oa]\s+utile.{0,60}|"
    r"czy\s+(?:ten\s+artykuł|ta\s+strona|te\s+informacje)\s+(?:był[ay]?|jest|są)\s+pomocn.{0,60}|"
    r"(?:heeft\s+deze\s+(?:informatie|pagina)\s+u\s+geholpen|was\s+deze\s+(?:informatie|pagina|artikel)\s+nuttig).{0,60}|"
    r"この(?:記事|ページ|情報)は(?:役に立ちましたか|参考になりましたか).{0,40}|"
    r"이\s*(?:기사|글|페이지|정보)(?:가|이)?\s*도움이\s*되(?:셨나요|었나요|었습니까).{0,40}|"
    r"(?:这篇文章|本文|此页面|这个页面|这篇内容)对(?:您|你)有(?:帮助|用)吗.{0,40}|"
    r"क्या\s+(?:यह|ये)\s+(?:लेख|जानकारी|पेज|पृष्ठ)\s+(?:उपयोगी|मददगार|सहायक)\s+(?:था|थी|है|रहा|रही).{0,40}|"
    r"bài\s+viết\s+(?:này\s+)?có\s+hữu\s+ích.{0,40}|"
    r"(?:request|schedule|make|book)\s+(?:an?\s+|your\s+)?(?:appointment|consultation)(?:\s+(?:online|today|now))?|"
    r"find\s+(?:a|an)\s+(?:doctor|physician|provider|specialist|pediatrician|location|clinic|dentist|pharmacy)"
    r"(?:\s+near\s+(?:you|me))?|"
    r"browse\s+our\s+(?:providers|doctors|specialists|locations)(?:\s+or\s+call\s+[\d\s().+-]{7,20})?|"
    r"start\s+(?:a|your)\s+(?:free\s+)?(?:symptom|online)\s+(?:assessment|check(?:er)?)(?:\s+now)?|"
    r"save\s+up\s+to\s+\d+\s*%\s+on\s+(?:your\s+)?(?:prescriptions?|medications?|medicines?|drugs?)\b.{0,120}|"
    r"get\s+(?:a\s+|your\s+)?free\s+(?:discount\s+|savings\s+)?(?:coupon|card)\b.{0,80}"
    r")\W*$", re.I)
_SENTENCE_END = re.compile(r"(?<!\.\.)[.!]\W*$")  # a full stop, not an ellipsis: a sentence of the article

# The sentence a medical disclaimer is made of, in our users' languages: the page itself ("this article", "the
# information on this site") is not a substitute for a doctor's advice. An article's own advice ("iron tablets are
# not a substitute for treatment", "Homöopathie ersetzt keine ärztliche Behandlung") names something else.
_THIS_PAGE = (r"(?:this|the|our|these)\s+(?:information|article|content|site|website|page|blog|material|text|post|"
              r"guide|publication|leaflet|tool|service)s?\b")
DISCLAIMER_SENTENCE_RE = re.compile(
    rf"\b{_THIS_PAGE}[^.!?]{{0,120}}?\bnot\s+(?:intended\s+(?:to\s+be\s+|as\s+)?|meant\s+(?:to\s+be\s+|as\s+)?)?"
    r"(?:a\s+)?(?:substitute|replacement)\s+for\b|"
    r"\b(?:dieser|der|diese|die|unser[e]?)\s+(?:Artikel|Beitrag|Text|Inhalte?|Informationen|Seite|Webseite|Website|Ratgeber)"
    r"[^.!?]{0,120}?\bersetz\w*\s+(?:nicht|keinen?|keine)\b|"
    r"\b(?:cet|cette|ce|les|nos)\s+(?:article|information|contenu|site|page|informations|contenus)s?"
    r"[^.!?]{0,120}?\bne\s+(?:remplace|remplacent|se\s+substitue|se\s+substituent)\b|"
    r"\b(?:este|esta|el|la|los|las|nuestro|nuestra)\s+(?:art[íi]culo|informaci[óo]n|contenido|sitio|p[áa]gina)s?"
    r"[^.!?]{0,120}?\bno\s+(?:sustituye|sustituyen|reemplaza|reemplazan|pretende)\b|"
    r"\b(?:questo|questa|queste|il|le|i)\s+(?:articolo|informazioni|contenuto|contenuti|sito|pagina)"
    r"[^.!?]{0,120}?\bnon\s+(?:sostituisce|sostituiscono|intende|intendono)\b|"
    r"\b(?:este|esta|o|a|os|as)\s+(?:artigo|informa[çc][ãa]o|informa[çc][õo]es|conte[úu]do|site|p[áa]gina)"
    r"[^.!?]{0,120}?\bn[ãa]o\s+(?:substitui|substituem|pretende)\b|"
    r"\b(?:ten|ta|te|niniejszy|niniejsza|niniejsze)\s+(?:artyku[łl]|informacje|tre[śs][ćc]|strona|serwis)"
    r"[^.!?]{0,120}?\bnie\s+zast[ęe]puj[eą]\b|"
    r"\b(?:deze|dit|de)\s+(?:informatie|artikel|inhoud|site|website|pagina)[^.!?]{0,120}?\bvervang\w*\s+(?:geen|niet)\b|"
    r"(?:この記事|本記事|当サイト|本サイト|このページ).{0,60}?医師の診断に代わるものではありません|"
    r"(?:本文|本站|以上内容|本页面|本网站|文章内容).{0,40}?不能(?:代替|替代|取代)", re.I)
DISCLAIMER_SENTENCE_MAX = 800
# A word each alternative above needs: a line holding none is no disclaimer, and saying so by `in` on the lower-cased
# line saves trying the sentence's ten alternatives at every position of every tail line (~10% of extraction).
_DISCLAIMER_WORDS = ("substitu", "replacement", "ersetz", "remplac", "sustituy", "reemplaz", "pretende", "sostituisc",
                     "intend", "zastępuj", "zastepuj", "vervang", "代わるもの", "不能")
# The letters beyond ASCII that re.I matches to an ASCII letter while lower() does not turn them into it
_IGNORECASE_ODD = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ K (Kelvin)


def _may_be_disclaimer(line: str) -> bool:
    if not line.isascii() and not _IGNORECASE_ODD.isdisjoint(line):
        return True  # the sentence's regex decides
    low = line.lower()
    return any(word in low for word in _DISCLAIMER_WORDS)


TAIL_LINES = 3  # a disclaimer sentence is furniture only among the body's last lines


def is_furniture_line(line: str) -> bool:
    """A feedback widget or a call to action on a line of its own (not a sentence or a heading of the article:
    "Make an appointment with your doctor if you notice:" heads a list of symptoms)."""
    stripped = line.rstrip()
    return (len(line) <= FURNITURE_LINE_MAX and not stripped.endswith((":", "：")) and FURNITURE_LINE_RE.match(line)
            is not None and (len(line.split()) <= 6 or not _SENTENCE_END.search(line)))


def without_disclaimer_tail(lines: list[str]) -> list[str]:
    """The lines without an unlabelled medical disclaimer among the last TAIL_LINES."""
    start = max(0, len(lines) - TAIL_LINES)
    return lines[:start] + [line for line in lines[start:]
                            if not (len(line) <= DISCLAIMER_SENTENCE_MAX and _may_be_disclaimer(line)
                                    and DISCLAIMER_SENTENCE_RE.search(line))]

# The heading a comment thread opens with, the article being over: a count of comments ("32 Kommentare",
# "Comments (25)", "Was unsere Leser sagen (25)") or the comment form's ("Leave a Reply"). A section heading
# without a count ("Reactions", "Meinungen") may be the article's own: it stays.
# (not answers' words: "5 Antworten", "3 Replies" may head a Q&A page's answers, which are its content)
_COMMENTS_WORD = (r"(?:comments?|kommentare?|leserkommentare|commentaires?|comentarios?|comentários?|commenti|reacties|"
                  r"reactions?|meinungen|reaktionen|réactions|reacciones)")
COMMENTS_TAIL_RE = re.compile(  # a count of at most three digits: "Reactions (2019)" is a year
    rf"^\W*(?:\d{{1,3}}\s+{_COMMENTS_WORD}|{_COMMENTS_WORD}\s*[(:]?\s*\d{{1,3}}\s*\)?|"
    r"(?:was\s+unsere\s+leser\s+sagen|what\s+(?:our\s+)?readers\s+(?:say|think))\s*\(?\d+\)?|"
    r"leave\s+a\s+(?:comment|reply)|hinterlasse\s+einen\s+kommentar|schreibe\s+einen\s+kommentar|"
    r"kommentar\s+(?:schreiben|verfassen|hinterlassen)|laisser\s+un\s+commentaire|laissez\s+un\s+commentaire|"
    r"deja\s+un\s+comentario|deixe\s+um\s+coment[áa]rio|lascia\s+un\s+commento|laat\s+een\s+reactie\s+achter)\W*$",
    re.I)
COMMENTS_TAIL_MAX = 60  # characters: a heading, not a sentence that mentions comments
_ARTICLE_BEFORE = 20  # words of the article before it: a thread under an article, not a page of comments
_FORM_HEADING = re.compile(r"\D*$")  # "Leave a Reply", "Kommentar schreiben": no count
_READERS = re.compile(r"\W*(?:was\s+unsere\s+leser|what\s+(?:our\s+)?readers|leserkommentare)", re.I)
# what a comment's name line shows: a day (3. Juni 2024, 04/06/2024, June 4, 2024), a time (10:20) or how long ago
# it was written ("2 hours ago", "Hace 28 minutos", "vor einer Stunde", "il y a 3 jours", "há 2 dias", "5 ore fa")
_UNITS = (r"(?:sec|min|minut|hour|hr|day|week|month|year|segundo|minuto|hora|d[íi]a|semana|mes|año|ano|sekunde|stunde|"
          r"tag|woche|monat|jahr|seconde|heure|jour|mois|an|ora|ore|giorn|settiman|mes|ann|uur|dag|we[e]?k|maand|jaar)")
_STAMP = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d\d\b|"
    rf"\b(?:hace|vor|il\s+y\s+a|h[áa])\s+(?:\d{{1,3}}|une?|un[ao]|uma?|einer|einem|einigen)\s+{_UNITS}|"
    rf"\b(?:\d{{1,3}}|an?|one)\s+{_UNITS}\w*\s+(?:ago|fa|geleden)\b", re.I)
# ... not an article's meta line ("3. Juni 2024 · 5 Min. Lesezeit", "Updated June 4, 2024")
_META_LINE = re.compile(r"lesezeit|min\.?\s*read|reading\s+time|updated|aktualisiert|published|ver[öo]ffentlicht|"
                        r"mis\s+[àa]\s+jour|publi[ée]", re.I)
_THREAD_LINES = 8  # lines after a bare count in which its comments' name lines show
# A call to comment on a line of its own, a button's or a heading's words ("Comentar", "Kommentieren", "Add a
# comment"): it cuts only when comments' name lines follow it, short lines as a name line is (an opinion column's
# "Comment" label, a share bar's button, stay)
COMMENT_CALL_RE = re.compile(
    r"^\W*(?:comment(?:er|ez)?|comentar|comentá|kommentieren|commentare|commenta|reageer|reageren|"
    r"(?:add|post|write)\s+(?:a\s+|your\s+)?comment|(?:añad[ea]|añadir|escrib[ea]|escribir|deja)\s+(?:tu|un|su)\s+comentario|"
    r"(?:dein(?:en)?|ihr(?:en)?)\s+kommentar|(?:votre|ton)\s+commentaire|(?:o\s+)?(?:seu|teu)\s+coment[áa]rio|"
    r"il\s+tuo\s+commento)\W*$", re.I)
NAME_LINE_MAX = 80  # characters: after a call to comment, a name line, not a sentence that happens to hold a year
# what a comment form's fields and notes say, within a few lines of its heading
_FORM_FIELDS = re.compile(r"e-?mail|\bname\s*\*|website|required|pflichtfeld|will\s+not\s+be\s+published|"
                          r"wird\s+nicht\s+ver[öo]ffentlicht|ne\s+sera\s+pas\s+publi|no\s+ser[áa]\s+publicad|"
                          r"post\s+comment|kommentar\s+abschicken|absenden|submit|cancel\s+reply", re.I)
_FORM_LINES = 5


def _thread_follows(lines: list[str], short: bool = False) -> bool:
    """Two comments' name lines (a day, a time or how long ago; no article meta line) among the lines after a bare
    count; with `short`, lines no longer than a name line is."""
    stamps = [line for line in lines[:_THREAD_LINES] if (not short or len(line) <= NAME_LINE_MAX)
              and _STAMP.search(line) and not _META_LINE.search(line)]
    return len(stamps) >= 2


def without_comment_thread(lines: list[str]) -> list[str]:
    """The lines before a comment thread's heading ("32 Kommentare", "Leave a Reply"), when the article came first:
    comments the page names by no class or id (a plain `<h3>` over plain paragraphs) go by their heading. A bare
    count cuts only when two comments' name lines (a day or a time) follow within a few lines: a count in the
    article's meta line, between its lead and the rest, is no thread; a form's heading ("Leave a Reply") only when the
    form's fields follow it, or nothing (a share bar's "Kommentar schreiben", a how-to's step, are the article's), or
    comments' name lines; a call to comment ("Comentar", "Add a comment") only when name lines follow it."""
    words = 0
    for i, line in enumerate(lines):
        if words >= _ARTICLE_BEFORE and len(line) <= COMMENTS_TAIL_MAX:
            after = lines[i + 1:]
            if COMMENTS_TAIL_RE.match(line) and (_READERS.match(line) or (
                    _FORM_HEADING.match(line) and (not after or any(_FORM_FIELDS.search(n) for n in after[:_FORM_LINES])
                                                   or _thread_follows(after, short=True))
            ) or (
                    not _FORM_HEADING.match(line) and _thread_follows(after))):
                return lines[:i]
            if COMMENT_CALL_RE.match(line) and _thread_follows(after, short=True):
                return lines[:i]
        words += len(line.split())
    return lines
