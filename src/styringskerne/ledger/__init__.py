"""The individual disposition ledger (individbaseret dispositionsregnskab) and its results."""
