"""The HTTP layer: one blueprint per API, thin handlers that validate, call the domain, and render."""
