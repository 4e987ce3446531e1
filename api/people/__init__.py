"""People: profiles, consent, the directory of people and organisations, personal data."""
