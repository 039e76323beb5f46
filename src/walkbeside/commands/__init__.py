"""One module per `walkbeside` subcommand, each with ``register(subparsers)``."""
