"""The language a customer wrote in, from py3langid's bundled model: offline, deterministic.

Short texts are unreliable ("hello" scores as Italian), so a message counts as another
language only when it has a few words and the model is sure; otherwise it is English.

A message that uses a few of English's commonest words, which are not words in the other
languages named, is English without asking the model. The model (about 45 MiB once loaded) is
still asked about a quarter to a third of English messages (the eval sets'), so ``serve``
over HTTP loads it as soon as it opens (``load_model``) rather than on its first such message.
"""

from __future__ import annotations

import re
from array import array
from functools import cache

import anyio.to_thread

NAMES = {
    "en": "English", "es": "Spanish", "de": "German", "fr": "French", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch",
}
DEFAULT = "en"
MIN_WORDS = 4
MIN_PROBABILITY = 0.95
WORD = re.compile(r"[^\W\d_]{2,}")
ENGLISH_WORDS = frozenset(
    "the and to my you it this that for with have can not are what how your".split())
MIN_ENGLISH_WORDS = 3
MIN_ENGLISH_SHARE = 0.1


@cache
def _identifier():
    # Loaded on first use (about a second), once per process; limited to the languages named.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    full.set_languages(list(NAMES))
    # A new identifier over only those languages' columns: the full model keeps all 142
    # (27 MiB) for a later reset, which this process never makes. Its two per-state tables
    # are lists of Python ints (about 7 MiB); as arrays they hold the same values in 1 MiB.
    identifier = LanguageIdentifier(full.nb_ptc, full.nb_pc, full.nb_classes,
                                    full.tk_nextmove, array("i", full.tk_output),
                                    norm_probs=True, tk_row=full.tk_row)
    identifier._rowbase = array("q", identifier._rowbase)
    return identifier


async def load_model() -> None:
    """Load the model now, in a worker thread, if it is not yet loaded (``language_of``)."""
    await anyio.to_thread.run_sync(_identifier)


async def language_of(text: str) -> str:
    """``detect_language``, the model's first load (0.5–0.7 s here) made in a worker thread:
    on the event loop it would hold up every other request meanwhile."""
    if _identifier.cache_info().currsize == 0 and not _told_without_model(text):
        await anyio.to_thread.run_sync(_identifier)
    return detect_language(text)


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language: English unless it is clearly another one."""
    if _told_without_model(text):
        return DEFAULT
    code, probability = _identifier().classify(text)
    return code if probability >= MIN_PROBABILITY else DEFAULT


def _told_without_model(text: str) -> bool:
    """Too short to tell (so English), or English by its commonest words."""
    words = WORD.findall(text)
    if len(words) < MIN_WORDS:
        return True
    english = sum(word.lower() in ENGLISH_WORDS for word in words)
    return english >= max(MIN_ENGLISH_WORDS, MIN_ENGLISH_SHARE * len(words))


def language_name(code: str) -> str:
    return NAMES.get(code, code)
