"""Requests in other languages are categorised through a glossary of support words: the
offline engine's classifier reads English only."""

import pytest

from orchestrator.domain import TriageRequest
from orchestrator.engines.offline.glossary import glossed


@pytest.mark.parametrize(("language", "message", "category"), [
    ("es", "Hola, ¿dónde puedo descargar las facturas de nuestra suscripción?", "billing"),
    ("de", "Ich habe mein Passwort vergessen und komme nicht mehr in mein Konto.", "account"),
    ("fr", "Comment exporter tout notre espace de travail dans un fichier ?", "data-export"),
    ("pt", "As notificações não chegam mais no meu celular depois da atualização.", "bugs"),
    ("it", "Come posso collegare il calendario Google alla nostra integrazione?",
     "integrations"),
    ("nl", "Tasklane is erg traag en de pagina's laden langzaam.", "outages"),
])
def test_a_request_in_another_language_gets_its_category(offline_engine, language, message,
                                                         category):
    triage = offline_engine.triage_now(TriageRequest(message=message, language=language))
    assert triage.category == category, glossed(message)


def test_the_gloss_is_english_and_ignores_case_and_accents():
    assert glossed("RÜCKERSTATTUNG für die Rechnung") == "refund invoice"
    assert glossed("Hallo zusammen") == "Hallo zusammen"  # no support word: left as it is
    assert glossed("Mot de passe oublié, compte bloqué") == "password account locked out"
