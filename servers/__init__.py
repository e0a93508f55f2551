"""supportdesk MCP servers: one sub-package per server, plus the CLI and HTTP wiring they share."""
