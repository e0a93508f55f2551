"""Loading the offline embedder leaves the process's logging as it found it."""

import logging
import subprocess
import sys

LOAD_THEN_REPORT = """
import logging
from embeddings.wordllama_embedder import WordLlamaEmbedder
WordLlamaEmbedder().embed(["hello"])
root = logging.getLogger()
print(root.level, len(root.handlers))
"""


def test_loading_wordllama_does_not_configure_root_logging():
    # A fresh interpreter: wordllama's import (which calls logging.basicConfig) runs here.
    out = subprocess.run([sys.executable, "-c", LOAD_THEN_REPORT], capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.split() == [str(logging.WARNING), "0"]  # WARNING, no handlers: untouched
