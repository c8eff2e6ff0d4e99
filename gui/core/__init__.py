"""Besedka's Qt-free core: history, settings, keychain, provider catalog, the chat session.

Nothing here imports Qt, qasync or a widget (import-linter holds it), so `besedka ask`,
the benchmarks and the window all run the same code.
"""
