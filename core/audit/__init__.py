"""The hash-chained audit trail (M8)."""
