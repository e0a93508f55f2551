"""Messages not in English: the language is recognised and noted in the outcome; the offline
engine, which replies in English only, hands them to a human with the language named."""

import asyncio

import pytest
from fastmcp import Client

from orchestrator.language import detect_language


@pytest.mark.parametrize(("text", "code"), [
    ("Hola, no puedo entrar en mi cuenta, ¿cómo restablezco la contraseña?", "es"),
    ("Guten Tag, ich wurde zweimal belastet. Bitte erstatten Sie den Betrag.", "de"),
    ("Bonjour, je n'arrive pas à exporter mes données en CSV depuis hier.", "fr"),
    ("Hi, how do I reset my password? I can't remember it.", "en"),
    ("hello", "en"),  # too short to tell: English
    ("Refund please", "en"),
    ("Blue giraffes hum quietly under the marmalade moon.", "en"),
])
def test_the_language_is_recognised(text, code):
    assert detect_language(text) == code


async def test_a_spanish_request_is_handed_to_a_human_with_the_language_named(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", {
            "customer": "bob@example.com", "subject": "No puedo entrar",
            "message": "Hola, no puedo entrar en mi cuenta. ¿Cómo restablezco la contraseña?",
        })).structured_content
        english = (await client.call_tool("triage_and_resolve", {
            "customer": "bob@example.com", "subject": "Forgot my password",
            "message": "Hi, how do I reset my password? I can't remember it.",
        })).structured_content
    assert out["status"] == "escalated" and out["language"] == "es"
    escalation = next(s for s in out["trace"] if s["agent"] == "escalation")
    assert "written in Spanish" in escalation["summary"]
    assert (english["status"], english["language"]) == ("resolved", "en")


def test_plain_english_is_told_without_loading_the_model():
    from orchestrator.language import _identifier

    _identifier.cache_clear()
    assert detect_language("Hi, how do I export my data? I can't find the button for it.") == "en"
    assert _identifier.cache_info().currsize == 0
    assert detect_language("Hola, no puedo exportar mis datos, ¿dónde está el botón?") == "es"
    assert _identifier.cache_info().currsize == 1


@pytest.mark.parametrize(("text", "code"), [
    # A few English words (a product's screen, a quoted error) leave it to the model.
    ("Hola, cuando abro the app en mi teléfono sale un error y no puedo ver mis tareas.", "es"),
    ("Guten Tag, die Seite zeigt nur 'Something went wrong' und ich kann nicht arbeiten.", "de"),
])
def test_a_few_english_words_do_not_make_a_message_english(text, code):
    assert detect_language(text) == code


async def test_the_models_first_load_leaves_the_event_loop_serving_others():
    from orchestrator.language import _identifier, language_of

    _identifier.cache_clear()
    detecting = asyncio.create_task(
        language_of("Hola, no puedo exportar mis datos, ¿dónde está el botón?"))
    await asyncio.sleep(0)  # the detection starts; made on the event loop, the load ends too
    # Back on the loop while the model is still loading: other requests are served meanwhile.
    assert not detecting.done() and _identifier.cache_info().currsize == 0
    assert await detecting == "es"


def test_the_model_keeps_its_per_state_tables_as_arrays():
    # The same values as py3langid's lists of Python ints, in a seventh of the memory.
    from array import array

    from orchestrator.language import _identifier

    identifier = _identifier()
    assert isinstance(identifier.tk_output, array)
    assert isinstance(identifier._rowbase, array)
    assert detect_language("Guten Tag, ich wurde zweimal belastet. Bitte erstatten Sie den "
                           "Betrag.") == "de"
