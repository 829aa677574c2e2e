"""Pure domain logic of snow-clearing dispatch: tracks, routes, coverage, events, storms, reports.

Functions take data and parameters and return results: track cleaning (flag, never delete), the
route model, the coverage engine, events, storms and the act of work, the demo city and the
projections to UTM 53N. Imports nothing of ours, reads no configuration and opens no connection,
so ``db``, ``maps`` and the CLI can all build on it.
"""
