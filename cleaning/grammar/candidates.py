"""The candidate edit every rule of the product's own (`artifacts.py`, `repetitions.py`) proposes."""

from __future__ import annotations

from .edits import Candidate

BACKEND = "rules"


def rule_candidate(m_start: int, m_end: int, repl: str, text: str, rule: str, category: str) -> Candidate:
    """Replace text[m_start:m_end] with ``repl``, as the product's rule ``rule`` proposes."""
    return Candidate(
        offset=m_start,
        length=m_end - m_start,
        replacement=repl,
        rule_id=rule,
        category=category,
        backend=BACKEND,
        original=text[m_start:m_end],
    )
