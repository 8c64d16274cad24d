"""Tables of the problem ledger."""
