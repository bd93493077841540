"""The rules layer: the threshold language and constitutions as data (no I/O, no clock)."""
