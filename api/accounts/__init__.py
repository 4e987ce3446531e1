"""Accounts: signing up, signing in and out, and the public pages around them."""
