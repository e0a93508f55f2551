from servers.kb.chunking import chunk_article

ARTICLE = """# Resetting your password

Intro paragraph.

## From the sign-in page
Click **Forgot password**.

## From the mobile app
Open the menu.

```
## not a heading inside a fence
```
"""


def test_markdown_is_split_at_headings_and_keeps_the_section_name():
    chunks = chunk_article(ARTICLE)
    assert [c.heading for c in chunks] == ["", "From the sign-in page", "From the mobile app"]
    assert chunks[0].text == "Intro paragraph."
    assert "## not a heading inside a fence" in chunks[2].text


def test_long_sections_are_windowed_at_paragraphs_within_the_limit():
    body = "## Long\n\n" + "\n\n".join(f"Paragraph {i} " + "word " * 40 for i in range(10))
    chunks = chunk_article(body, max_chars=500)
    assert len(chunks) > 3
    assert all(len(c.text) <= 500 for c in chunks)
    assert all(c.heading == "Long" for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_a_paragraph_longer_than_the_limit_is_cut_at_a_space():
    chunks = chunk_article("word " * 1000, markdown=False, max_chars=300)
    assert all(len(c.text) <= 300 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks) == "word" * 1000


def test_plain_text_ignores_heading_markers():
    chunks = chunk_article("## not a heading\n\nbody", markdown=False)
    assert chunks[0].heading == ""
    assert chunks[0].text.startswith("## not a heading")


def test_embedding_text_carries_title_and_heading():
    chunk = chunk_article(ARTICLE)[1]
    assert chunk.embedding_text("Passwords").startswith("Passwords — From the sign-in page\n")
