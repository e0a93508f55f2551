"""Retrieval quality on the bundled help center: the answering article ranks in the top 3."""

import json
from pathlib import Path

import pytest

from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.kb.wiring import knowledge_base

QUESTIONS = json.loads((Path(__file__).parent / "retrieval_questions.json").read_text())


async def test_the_answering_article_is_in_the_top_3_for_at_least_90_percent(kb, capsys):
    assert len(QUESTIONS) >= 40
    misses = []
    for item in QUESTIONS:
        result = await kb.search("demo", item["question"], limit=3)
        if item["article_id"] not in [hit.article_id for hit in result.hits]:
            misses.append((item["question"], item["article_id"],
                           [hit.article_id for hit in result.hits]))
    top3 = 1 - len(misses) / len(QUESTIONS)
    with capsys.disabled():
        print(f"\nretrieval: answering article in top 3 for {top3:.1%} of "
              f"{len(QUESTIONS)} questions")
        for question, expected, got in misses:
            print(f"  miss: {question!r}: expected {expected}, got {got}")
    assert top3 >= 0.90


@pytest.mark.parametrize("serving_max_passages", [10_000, 0], ids=["from memory", "in LanceDB"])
async def test_an_article_with_one_answering_passage_is_not_crowded_out(data_dir,
                                                                         serving_max_passages):
    """Articles with many passages near the question (missing tasks, CSV exports) must not
    push out the one whose single passage answers it: each article's best passage is looked
    for deep enough in both rankings before the top articles are chosen."""
    kb = knowledge_base(data_dir, WordLlamaEmbedder(), serving_max_passages=serving_max_passages)
    await kb.open()
    try:
        result = await kb.search("demo", "Who changed permissions?\nCan I see who changed the "
                                 "permissions on our Finance project last week?", limit=5)
    finally:
        await kb.close()
    assert "security-audit-log" in [hit.article_id for hit in result.hits]
