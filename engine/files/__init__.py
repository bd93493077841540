"""The files layer: scenario and constitution pack files, read safely with the line of every value."""
