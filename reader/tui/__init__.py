"""The reading TUI (Textual): imported only by `byline [PATH_OR_URL ...]`, never by commands."""
