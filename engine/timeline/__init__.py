"""The timeline layer: events, the frozen state, the pure state machine, and replay on a SimPy clock."""
