"""Applications handed to the provincial social-security system: the outbox, its adapters and the results."""
