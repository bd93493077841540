"""``python -m engine`` runs the ``impasse`` command line."""

from engine.cli.main import main

main()
