"""The memory server: sessions, long-term memories and context for a reply."""
