"""``python -m specialmeasures``: the same as the ``specialmeasures`` command."""

from specialmeasures.cli.main import main

main()
