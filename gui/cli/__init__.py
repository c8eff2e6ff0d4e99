"""The command line: `besedka`'s arguments and `besedka ask`."""
