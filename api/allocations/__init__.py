"""Allocation of places by coordinators: both methods compared, pins and bans, saved runs."""
