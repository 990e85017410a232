"""Widgets of the reader: the article body, the virtual entry list, the status bar."""
