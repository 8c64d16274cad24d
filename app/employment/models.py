"""Tables of the employment domain."""
