from __future__ import annotations

from dataclasses import dataclass

import pytest

from embeddings.wordllama_embedder import WordLlamaEmbedder
from orchestrator.domain import Customer, Passage, Triage
from orchestrator.engines.offline import OfflineEngine


@pytest.fixture(scope="session")
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


@pytest.fixture(scope="session")
def offline_engine(embedder) -> OfflineEngine:
    return OfflineEngine(embedder)


@pytest.fixture
def customer() -> Customer:
    return Customer(
        id="C-000001", name="Priya Shah", tier="pro", vip=False, email="priya@example.com"
    )


def make_triage(**changes) -> Triage:
    values = dict(
        category="billing",
        priority="normal",
        sentiment="neutral",
        sentiment_score=0.0,
        redacted_message="",
        confidence=0.9,
    )
    values.update(changes)
    return Triage(**values)


REFUND_PASSAGE = Passage(
    article_id="billing-refund-policy",
    title="Refund policy and how to request a refund",
    heading="How to request a refund",
    text=(
        "Only the workspace owner or a billing admin can request a refund.\n\n"
        "1. Go to **Settings → Billing → Invoices**.\n"
        "2. Open the invoice you want refunded.\n"
        "3. Click **Request refund**. The button only appears when the invoice is within the "
        "14-day window.\n\n"
        "If the button is missing, email **billing@tasklane.example** with the invoice number."
    ),
    uri="kb://articles/billing-refund-policy",
    score=0.9,
    category="billing",
)
CARD_PASSAGE = Passage(
    article_id="billing-update-payment-method",
    title="Update the credit card used for your subscription",
    heading="Change the card on file",
    text=(
        "Go to **Settings → Billing → Payment method** and click **Replace card**. "
        "The new card is used for the next charge; nothing is charged when you save it."
    ),
    uri="kb://articles/billing-update-payment-method",
    score=0.5,
    category="billing",
)


@dataclass
class Rig:
    server: object
    publisher: object
    crm: object
    """The CRM server instance the orchestrator writes to, for reading tickets back."""
    orchestrator: object
    kb: object
    """The knowledge-base server instance the orchestrator searches."""


@pytest.fixture
def resolve_server(data_dir):
    """A factory: the orchestrator over in-process kb/crm/memory on a private data dir."""
    from events import MemoryPublisher
    from servers.settings import CoreSettings
    from servers.orchestrator.wiring import build as build_orchestrator
    from servers.registry import BUILDERS

    def build(engine=None) -> Rig:
        publisher = MemoryPublisher()
        core = CoreSettings(data_dir=data_dir, default_tenant="demo")
        crm, kb = BUILDERS["crm"](core, publisher), BUILDERS["kb"](core, publisher)
        built = build_orchestrator(core, publisher, co_located={"crm": crm, "kb": kb},
                                   engine=engine)
        return Rig(built.server, publisher, crm.server, built.service, kb.server)

    return build
