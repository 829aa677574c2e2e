"""Developer tools built on the test helpers: `make screenshots` and fleet history for demos."""
