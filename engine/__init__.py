"""The cuncun workflow engine around SpiffWorkflow; never imports flask."""
