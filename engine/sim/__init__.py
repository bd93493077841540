"""The simulation layer: what-if variants and seeded ensembles, through the same state machine as replay."""
