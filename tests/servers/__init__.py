"""Loopback emulators of the services Besedka talks to. Test code only."""
