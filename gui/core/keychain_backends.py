"""Which keychain backends may hold keys, and what a failed call left behind.

Apart from `gui/core/keychain.py` so that the store's own rules read in one place.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = ["is_locked", "release_connections", "secure_backend"]

#: Backends that keep secrets in files we cannot trust (plaintext, base64, app-level crypto).
_INSECURE_PACKAGES = ("keyrings.alt",)


def is_locked(error: BaseException) -> bool:
    """Whether a backend's exception means "locked" (keyring's, or secretstorage's own)."""
    from keyring.errors import KeyringLocked

    return isinstance(error, KeyringLocked) or type(error).__name__ == "LockedException"


def release_connections(error: BaseException) -> None:
    """Close the D-Bus connections a failed keychain call left open. keyring's Secret
    Service backend raises KeyringLocked before it closes its connection, and the garbage
    collector may take a while: with the keychain asked again on every access, a locked
    one would otherwise hold a socket per attempt."""
    traceback = error.__traceback__
    while traceback is not None:
        for value in list(traceback.tb_frame.f_locals.values()):
            if type(value).__module__.startswith("jeepney.") and callable(
                getattr(value, "close", None)
            ):
                with contextlib.suppress(Exception):
                    value.close()
        traceback = traceback.tb_next


def _refusal(backend: KeyringBackend) -> str:
    """Why `backend` is not acceptable for keys, or "" when it is."""
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return "no system keychain is available"
    module = type(backend).__module__
    if any(module == pkg or module.startswith(pkg + ".") for pkg in _INSECURE_PACKAGES):
        return f"{type(backend).__name__} from {module} is not secure"
    return ""


def secure_backend(backend: KeyringBackend) -> tuple[KeyringBackend | None, str]:
    """The backend to use (None when none is acceptable) and the reason when refused."""
    from keyring.backends import chainer

    if isinstance(backend, chainer.ChainerBackend):
        # The chainer would also read and write insecure backends; use the best secure one.
        candidates: list[KeyringBackend] = list(backend.backends)
        for candidate in candidates:
            if not _refusal(candidate):
                return candidate, ""
        return None, "no secure keychain among " + (
            ", ".join(type(c).__name__ for c in candidates) or "no backends"
        )
    reason = _refusal(backend)
    return (None, reason) if reason else (backend, "")
