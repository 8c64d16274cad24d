"""Tables of the inspection domain."""
