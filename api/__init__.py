"""Passerelle service: the HTTP API, web pages, database and command line."""

__version__ = "0.1.0"
