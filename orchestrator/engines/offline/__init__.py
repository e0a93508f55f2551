"""The deterministic offline engine and its parts."""

from orchestrator.engines.offline.engine import OfflineEngine

__all__ = ["OfflineEngine"]
