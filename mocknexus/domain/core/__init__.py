"""What every concept shares: errors, ids, statuses, records, tables, the clock, a world's state and its snapshot."""
