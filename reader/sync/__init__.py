"""Sync with a feed server (Fever or Google Reader API): pull its feeds and items into the
library, push the read/star changes queued there. Standalone refresh stays the default; this
layer runs only when `[sync]` is configured (docs/sync.md)."""
