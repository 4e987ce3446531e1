"""Needs: the offers and challenges organisations publish, and the directory of them."""
