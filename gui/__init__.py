"""Besedka's desktop application: Qt widgets, the controller, history and settings."""
