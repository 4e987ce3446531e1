"""Hackathon teams formed by coordinators from skills, schools and levels."""
