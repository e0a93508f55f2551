"""The three memory tiers as a library.

- working state: ``open_checkpointer(settings, data_dir)``, a LangGraph checkpointer
  (SQLite in the data directory, or PostgreSQL);
- session cache: ``session_cache_from_settings(settings)`` (Redis with an in-process
  fallback, or in-process alone);
- long-term memory: ``LongTermMemory`` (LanceDB, embedded, deduplicated), also as a LangGraph
  ``BaseStore``: ``LongTermStore``;
- ``MemoryManager.context_for``: recent turns and relevant memories within a budget.
"""

from memory.backends import session_cache_from_settings
from memory.checkpoints import open_checkpointer
from memory.context import MemoryContext, MemoryManager
from memory.errors import BackendUnavailable, MemoryTierError, NotFound, SessionCustomerMismatch
from memory.langgraph_store import LongTermStore
from memory.long_term import LongTermMemory, customer_namespace
from memory.models import MemoryRecord, RecalledMemory, SessionSnapshot, Turn
from memory.session_cache import Appended, SessionCache
from memory.settings import MemorySettings

__all__ = [
    "Appended",
    "BackendUnavailable",
    "LongTermMemory",
    "LongTermStore",
    "MemoryContext",
    "MemoryManager",
    "MemoryRecord",
    "MemorySettings",
    "MemoryTierError",
    "NotFound",
    "RecalledMemory",
    "SessionCache",
    "SessionCustomerMismatch",
    "SessionSnapshot",
    "Turn",
    "customer_namespace",
    "open_checkpointer",
    "session_cache_from_settings",
]
