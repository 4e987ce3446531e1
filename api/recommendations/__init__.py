"""Recommendations: explained rankings of needs for people and of people for needs."""
