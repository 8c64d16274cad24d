"""Employment items 1-19: job seekers, postings, matching, training, registrations."""
