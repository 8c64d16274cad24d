"""Fault reporting and escalation up and down the chain (附件9), with the problem ledger."""
