"""The settings dialog's tests share the profile, keychain and provider fixtures of the
core's settings tests."""

from tests.gui.core.conftest import (  # noqa: F401 - fixtures and the loop hook, shared
    basedir,
    clean_environment,
    fake_test,
    memory_keyring,
    paths,
    providers,
    pytest_asyncio_loop_factories,
    secrets,
    settings,
)
