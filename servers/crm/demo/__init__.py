"""Bundled demo data for the CRM: generated in code from a seed, loaded into an empty store."""

from servers.crm.demo.load import load_demo_if_empty

__all__ = ["load_demo_if_empty"]
