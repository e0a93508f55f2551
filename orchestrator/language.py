"""The language a customer wrote in, from py3langid's bundled model: offline, deterministic.

Short texts are unreliable ("hello" scores as Italian), so a message counts as another
language only when it has a few words and the model is sure; otherwise it is English.
"""

from __future__ import annotations

import re
from functools import cache

NAMES = {
    "en": "English", "es": "Spanish", "de": "German", "fr": "French", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch",
}
DEFAULT = "en"
MIN_WORDS = 4
MIN_PROBABILITY = 0.95
WORD = re.compile(r"[^\W\d_]{2,}")


@cache
def _identifier():
    # Loaded on first use (about a second), once per process; limited to the languages named.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(NAMES))
    return identifier


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language: English unless it is clearly another one."""
    if len(WORD.findall(text)) < MIN_WORDS:
        return DEFAULT
    code, probability = _identifier().classify(text)
    return code if probability >= MIN_PROBABILITY else DEFAULT


def language_name(code: str) -> str:
    return NAMES.get(code, code)
