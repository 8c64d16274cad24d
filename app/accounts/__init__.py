"""Account requests (附件8) that change the application's users, and the personnel ledger (附件7)."""
