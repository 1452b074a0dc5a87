"""Accounts declared as test data (fixtures or the control plane) and their operations."""
