"""Run the command line with `python -m partnergraph`."""

from partnergraph.cli import main

main(prog_name="partnergraph")
