"""Users and their sessions and api tokens."""
