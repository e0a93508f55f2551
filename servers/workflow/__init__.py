"""The workflow server: requests, traces, approvals and analytics as people run them."""
