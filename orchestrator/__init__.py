"""The orchestrator: LLM engines, the text analysis they share, and (later) the graph."""
