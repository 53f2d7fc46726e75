"""What health publishers print inside the article's own container that is not the article: a reader
feedback widget, an appointment or coupon call to action, a medical disclaimer without a label. Found line
by line, on the body's lines (`body_lines.clean_lines`).

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
    r"(?:request|schedule|make|book)\s+(?:an?\s+|your\s+)?(?:appointment|consultation)\b.{0,120}|"
    r"find\s+(?:a|an|your)\s+(?:doctor|physician|provider|specialist|pediatrician|location|clinic|dentist|pharmacy)\b.{0,120}|"
    r"browse\s+our\s+(?:providers|doctors|specialists|locations)\b.{0,120}|"
    r"start\s+(?:a|your)\s+(?:free\s+)?(?:symptom|online)\s+(?:assessment|check(?:er)?)\b.{0,120}|"
    r"save\s+up\s+to\s+\d+\s*%\s+on\s+(?:your\s+)?(?:prescriptions?|medications?|medicines?|drugs?)\b.{0,120}|"
    r"get\s+(?:a\s+|your\s+)?free\s+(?:discount\s+|savings\s+)?(?:coupon|card)\b.{0,80}"
    r")\W*$", re.I)
_SENTENCE_END = re.compile(r"(?<!\.\.)[.!]\W*$")  # a full stop, not an ellipsis: a sentence of the article

# The sentence a medical disclaimer is made of, in our users' languages (unlabelled: the labelled ones are
# patterns.DISCLAIMER_RE's)
DISCLAIMER_SENTENCE_RE = re.compile(
    r"\bnot\s+(?:intended\s+(?:to\s+be\s+|as\s+)?|meant\s+(?:to\s+be\s+|as\s+)?)?(?:a\s+)?(?:substitute|replacement)\s+for\s+"
    r"(?:(?:professional|personal|qualified|individual)\s+)?(?:medical\s+)?(?:advice|diagnosis|treatment|care|consultation)|"
    r"\bersetz\w*\s+(?:nicht|keinen?|keine)\s+(?:\w+\s+){0,3}(?:ärztlich|professionell|medizinisch|fachlich)\w*\s+"
    r"(?:Beratung|Behandlung|Diagnose|Rat|Untersuchung)|"
    r"\bne\s+(?:remplace|se\s+substitue)\s+(?:pas|en\s+aucun\s+cas|nullement)\s+[\w\s'’]{0,30}?"
    r"(?:avis|consultation|diagnostic|médecin)|"
    r"\bno\s+(?:sustituye|reemplaza|pretende\s+(?:sustituir|reemplazar))\s+(?:\w+\s+){0,3}"
    r"(?:consulta|consejo|diagn[óo]stico|atenci[óo]n|opini[óo]n)|"
    r"\bnon\s+(?:sostituisce|intende\s+sostituire|può\s+sostituire)\s+(?:\w+\s+){0,3}(?:parere|consulenza|visita|diagnosi)|"
    r"\bn[ãa]o\s+(?:substitui|pretende\s+substituir)\s+(?:\w+\s+){0,3}"
    r"(?:consulta|orienta[çc][ãa]o|aconselhamento|diagn[óo]stico|avalia[çc][ãa]o)|"
    r"\bnie\s+zast[ęe]puj[eą]\s+(?:\w+\s+){0,3}(?:porady|konsultacji|wizyty|diagnozy)|"
    r"\bvervang\w*\s+(?:geen|niet)\s+(?:\w+\s+){0,3}(?:advies|consult|diagnose|behandeling)|"
    r"医師の診断に代わるものではありません|不能(?:代替|替代|取代)(?:医生|医师|专业|医疗)", re.I)
DISCLAIMER_SENTENCE_MAX = 800
TAIL_LINES = 3  # a disclaimer sentence is furniture only among the body's last lines


def is_furniture_line(line: str) -> bool:
    """A feedback widget or a call to action on a line of its own (not a sentence of the article)."""
    return (len(line) <= FURNITURE_LINE_MAX and FURNITURE_LINE_RE.match(line) is not None
            and (len(line.split()) <= 6 or not _SENTENCE_END.search(line)))


def without_disclaimer_tail(lines: list[str]) -> list[str]:
    """The lines without an unlabelled medical disclaimer among the last TAIL_LINES."""
    start = max(0, len(lines) - TAIL_LINES)
    return lines[:start] + [line for line in lines[start:]
                            if not (len(line) <= DISCLAIMER_SENTENCE_MAX and DISCLAIMER_SENTENCE_RE.search(line))]
