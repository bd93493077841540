"""The report layer: one view model of a replay, one module per output format, and the sentences of findings."""
