"""Applications: a person applies to a need with a message and a CV; the company answers."""
