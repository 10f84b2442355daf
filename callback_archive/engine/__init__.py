"""The engine: reading the archive in one pass (``loader``), the record cache (``cache``) and incremental runs
(``incremental``, ``checkstate``, ``keygraph``). Checks and reports see only the loaded records."""
