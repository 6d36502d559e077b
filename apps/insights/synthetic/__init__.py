"""Synthetic mentions over France with planted patterns, for demos, tests and benchmarks.

`plan` and its helpers draw the mentions as columns (numpy, pandas, shapely; no Django models);
`services.mentions_generate` loads what they need from the database and writes them.
"""
