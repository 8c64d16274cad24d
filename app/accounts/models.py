"""Tables of account requests and the personnel ledger."""
