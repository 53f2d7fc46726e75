"""The cleaning steps, one job each; `cleaning/flow.py` puts them in the order of the data flow."""

from cleaning.steps.base import Step
from cleaning.steps.collect_vocabulary import CollectSiteVocabulary
from cleaning.steps.deduplicate import Deduplicate
from cleaning.steps.detect_language import DetectLanguage
from cleaning.steps.drop_repeated_paragraphs import DropRepeatedParagraphs
from cleaning.steps.extract_article import ExtractArticle
from cleaning.steps.fix_grammar import FixGrammar
from cleaning.steps.hash_content import HashContent
from cleaning.steps.make_rows import MakeRows
from cleaning.steps.read_pages import ReadPages
from cleaning.steps.settle_date_order import SettleDateOrder
from cleaning.steps.write_datasets import WriteDatasets

__all__ = ["CollectSiteVocabulary", "Deduplicate", "DetectLanguage", "DropRepeatedParagraphs", "ExtractArticle",
           "FixGrammar", "HashContent", "MakeRows", "ReadPages", "SettleDateOrder", "Step",
           "WriteDatasets"]
