"""The control plane's bodies (clients, clock, faults, journal, state, inspection, webhooks, test data)."""
