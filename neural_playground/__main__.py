"""`python -m neural_playground`: the same as the `neural-playground` command."""

from neural_playground.app.__main__ import main

main()
