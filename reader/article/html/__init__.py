"""HTML to a `Draft`: `parse.parse_html` is the front door; `meta`, `related`, `recover` and
`blocks` are its stages (docs/extraction.md)."""
