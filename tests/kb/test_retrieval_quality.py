"""Retrieval quality on the bundled help center: the answering article ranks in the top 3."""

import json
from pathlib import Path

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
