"""MX's micro-deposits: the records and their status machine, and their operations."""
