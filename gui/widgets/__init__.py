"""Widgets: they render what they are given and emit intents as signals.

They import nothing from the core, the controller, providers, aiohttp or keyring
(import-linter holds it); what they show arrives as plain values (`gui.values`) or
through Protocols of their own.
"""
