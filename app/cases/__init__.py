"""Cases at the counter: starting them, the inbox, task pages, the case page and its printouts."""
