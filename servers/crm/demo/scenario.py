"""One kind of support conversation, as templates: how customers ask, how agents answer.

Templates use ``{slot}`` names filled per ticket (see ``slots.py``): e.g. ``{first}``,
``{amount}``, ``{app}``, ``{integration}``, ``{project}``, ``{date}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    replies: tuple[str, ...]
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # Relative weights of low / normal / high / urgent.
    priorities: tuple[int, int, int, int] = (2, 6, 3, 1)
    channels: tuple[str, ...] = field(default=("email", "web", "chat"))
