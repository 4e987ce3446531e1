"""Review: coordinators decide on proposed suggestions; interest, shortlists and the audit log."""
