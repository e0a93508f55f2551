"""The CRM server: customers, tickets, messages, notes and their history, per tenant."""
