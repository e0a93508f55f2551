"""MCP Apps views: HTML pages a host renders beside a tool's result (``ui://`` resources).

Clients without the MCP Apps extension ignore them: the tools' results are the same either way.
"""
