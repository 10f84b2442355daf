"""The command line: one module per command, each a ``main(argv)``, all guarded by ``guard.run_command``."""
