"""The command line: one module per command, each a ``main(argv)``, all guarded by ``guard.run_command``;
``main`` is the ``callback`` command that runs them as sub-commands."""
