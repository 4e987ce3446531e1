"""Bulk imports of organisations, people and needs, the demo region, and coordinators' exports."""
