"""PyInstaller runtime hook: find the system's CA certificates on any Linux distribution.

The bundle carries the build machine's OpenSSL, which looks for CA certificates where
that distribution keeps them (Debian: /usr/lib/ssl). On Fedora, openSUSE or Alpine that
path does not exist and every HTTPS connection would fail verification, so point
OpenSSL at the local bundle instead. A user's own SSL_CERT_FILE/SSL_CERT_DIR wins.
"""

import os
import ssl

#: Where distributions keep their CA bundle (the list Go's crypto/x509 uses).
CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # CentOS, RHEL 7+
    "/etc/pki/tls/cacert.pem",  # OpenELEC
    "/etc/ssl/cert.pem",  # Alpine
)


def _use_system_ca_bundle() -> None:
    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return
    defaults = ssl.get_default_verify_paths()
    if defaults.cafile or defaults.capath:  # the bundled OpenSSL already finds them
        return
    for path in CA_FILES:
        if os.path.isfile(path):
            os.environ["SSL_CERT_FILE"] = path
            return


_use_system_ca_bundle()
