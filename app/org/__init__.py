"""The county's organisation: towns and their service points."""
