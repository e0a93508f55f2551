"""What every layer shares and that imports no layer of its own: who a call is made for, the
request keys that carry it, and the database tables replicas coordinate through.

``servers`` (MCP) sits on ``orchestrator`` (the graph), which sits on ``memory``, ``events``,
``embeddings`` and this package; imports only ever point down.
"""
