"""Tables of kiosks and API tokens."""
