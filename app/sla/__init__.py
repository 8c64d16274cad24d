"""Supervisors' SLA view: overdue and nearly-due work across the county, parked cases, weekly figures."""
