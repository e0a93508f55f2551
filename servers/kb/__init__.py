"""The knowledge-base server: each tenant's help center in LanceDB, hybrid search with citations."""
