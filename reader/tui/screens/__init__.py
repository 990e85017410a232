"""Screens of the reader: library, article, help, quotes, search."""
