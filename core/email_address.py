"""What counts as an email address, the same wherever one is accepted: the CRM's tools and
the orchestrator's customer reference."""

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
