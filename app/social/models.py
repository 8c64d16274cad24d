"""Tables of the social domain."""
