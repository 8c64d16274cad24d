"""Monthly dispatch and reporting (附件3-5) and the subsidy ledger."""
