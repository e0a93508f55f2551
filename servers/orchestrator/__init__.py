"""The orchestrator's MCP server: ``triage_and_resolve`` and ``resolve_approval`` over
``orchestrator.runner.Orchestrator``."""
