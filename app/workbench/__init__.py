"""The analysts' workbench: process versions, checked uploads, diffs, deploys and migrations."""
