"""Everything that touches files and the network: local files, HTTP, feeds, discovery."""
