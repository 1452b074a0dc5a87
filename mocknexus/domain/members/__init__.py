"""Members and their jobs: the user-keyed operations every API calls, the status machine, steering, the clock's work."""
