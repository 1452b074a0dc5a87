"""The Connect widget's one-time URLs."""
