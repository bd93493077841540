"""``python -m engine`` runs the ``impasse`` command line."""

from engine.cli import main

main()
