"""HTTP statuses become the typed errors, and texts, a person sees; errors are data."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import aiohttp
import pytest

import providers
from providers.auth import redact
from providers.errors import (
    REASONS,
    AuthError,
    BadRequestError,
    CertificateError,
    NetworkError,
    NotFoundError,
    ProviderError,
    RateLimitError,
    ServerError,
    TimedOutError,
    UntrustedServerError,
    error_for_status,
    refit_for_keyless,
)
from providers.gigachat import GigaChat
from providers.gprochat import RequestRefusedError
from providers.gptalk import SessionRefusedError
from providers.http import network_errors, ssl_context
from providers.registry import provider_classes


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthError),
        (402, RateLimitError),
        (403, AuthError),
        (404, NotFoundError),
        (413, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
    ],
)
def test_status_maps_to_typed_error(status: int, kind: type[ProviderError]) -> None:
    error = error_for_status(status, "server says no", provider="GigaChat")
    assert type(error) is kind
    assert error.status == status
    assert error.provider == "GigaChat"
    assert "server says no" in error.message


def test_403_and_413_say_what_happened() -> None:
    denied = error_for_status(403, "nope")
    assert (denied.reason, denied.detail, denied.message) == (
        "access_denied",
        "nope",
        "access denied: nope",
    )
    large = error_for_status(413, "limit 1 MB")
    assert (large.reason, large.detail, large.message) == (
        "too_large",
        "limit 1 MB",
        "request too large: limit 1 MB",
    )


def test_the_servers_words_are_the_detail_not_a_reason() -> None:
    error = error_for_status(500, "the model is overloaded", provider="GigaChat")
    assert (error.reason, error.detail) == ("", "the model is overloaded")
    assert error.data() == {
        "kind": "server",
        "reason": "",
        "provider": "GigaChat",
        "status": 500,
        "detail": "the model is overloaded",
        "params": {},
    }


def test_empty_server_message_falls_back_to_status() -> None:
    error = error_for_status(500, "")
    assert error.message == "HTTP 500"
    assert (error.reason, error.params, error.detail) == ("http_status", {"status": 500}, "")


def test_rate_limit_keeps_retry_after() -> None:
    error = error_for_status(429, "Too many requests", retry_after=12.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 12.0


@pytest.mark.parametrize(
    ("error", "hint_words"),
    [
        (AuthError("Token has expired", provider="GigaChat", status=401), "key"),
        (NotFoundError("No such model", provider="GigaChat", status=404), "model"),
        (BadRequestError("too long", provider="GPTalk", status=422), "Change the request"),
        (ServerError("boom", provider="GPTalk", status=500), "try again"),
        (NetworkError("cannot connect", provider="OpenAI"), "connection"),
        (CertificateError("untrusted", provider="GigaChat"), "CA file"),
        (TimedOutError("silence", provider="GigaChat"), "timeout"),
    ],
)
def test_user_message_names_provider_and_gives_hint(error: ProviderError, hint_words: str) -> None:
    text = error.user_message
    assert text.startswith(f"{error.provider}: {error.message}")
    assert error.hint in text
    assert hint_words in text


def test_user_message_adds_one_full_stop() -> None:
    assert ServerError("Oops!", provider="X").user_message.startswith("X: Oops! ")
    assert ServerError("Down", provider="X").user_message.startswith("X: Down. ")


def test_user_message_without_provider_has_no_dangling_prefix() -> None:
    assert ServerError("Down").user_message.startswith("Down. ")


@pytest.mark.parametrize(("seconds", "shown"), [(30.0, "30"), (2.5, "3"), (29.2, "30")])
def test_rate_limit_hint_mentions_retry_after_seconds(seconds: float, shown: str) -> None:
    text = RateLimitError(
        "Too many requests", provider="GigaChat", retry_after=seconds
    ).user_message
    assert f"Retry in {shown} s" in text


@pytest.mark.parametrize("seconds", [None, 0.0, -3.0, float("inf"), float("nan")])
def test_rate_limit_hint_without_usable_retry_after(seconds: float | None) -> None:
    text = RateLimitError("Slow down", provider="GPTalk", retry_after=seconds).user_message
    assert "Wait a little and retry" in text


def test_messages_are_trimmed() -> None:
    error = error_for_status(500, "  line one\n\n\tline   two  " + "x" * 1000)
    assert error.message.startswith("line one line two x")
    assert len(error.message) <= 300
    assert error.message.endswith("…")
    assert "\n" not in error.user_message


def test_short_messages_are_kept_whole() -> None:
    assert ServerError("x" * 300).message == "x" * 300


def test_with_provider_fills_only_a_missing_label() -> None:
    assert ServerError("a").with_provider("GigaChat").provider == "GigaChat"
    assert ServerError("a", provider="GPTalk").with_provider("GigaChat").provider == "GPTalk"


def test_repr_shows_only_message_and_status() -> None:
    error = error_for_status(401, "Token has expired", provider="GigaChat")
    assert repr(error) == "AuthError('GigaChat: Token has expired', status=401)"


def test_network_family_is_catchable_as_one() -> None:
    assert issubclass(CertificateError, NetworkError)
    assert issubclass(TimedOutError, NetworkError)
    assert issubclass(RateLimitError, ProviderError)


# ---- errors as data: reason codes, templates, params --------------------------------

PROVIDERS_DIR = Path(providers.__file__).parent
#: Keywords (and parameters) that carry a reason code.
CODE_NAMES = {"reason", "cut", "malformed", "fallback"}
#: Codes the providers leave to the app (gui/core) to raise.
APP_CODES = {"no_key"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _strings(node: ast.AST, assigned: dict[str, list[ast.expr]]) -> set[str]:
    """The string constants an expression can evaluate to (constants, either branch of
    `a if c else b`, names assigned in the module); a call or attribute gives none."""
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) and node.value else set()
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) | _strings(node.orelse, assigned)
    if isinstance(node, ast.Name) and node.id in assigned:
        return set().union(*(_strings(value, assigned) for value in assigned.pop(node.id)))
    return set()


def _params_keys(call: ast.Call) -> frozenset[str] | None:
    """The keys of a literal `params={…}`; None when the site builds them otherwise."""
    given = next((k.value for k in call.keywords if k.arg == "params"), None)
    if given is None:
        return frozenset()
    if not isinstance(given, ast.Dict):
        return None
    keys = [key.value if isinstance(key, ast.Constant) else None for key in given.keys]
    names = [key for key in keys if isinstance(key, str)]
    return frozenset(names) if len(names) == len(keys) else None


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    return assigned


def raise_sites() -> list[tuple[str, str, frozenset[str] | None]]:
    """(where, reason code, params keys or None) for every code written in providers/;
    a name passed as the code is followed to its assignments in the module's top level
    and in the function around it."""
    sites: set[tuple[str, str, frozenset[str] | None]] = set()
    for path in sorted(PROVIDERS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top: dict[str, list[ast.expr]] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Assign):
                for name, values in _assignments(statement).items():
                    top.setdefault(name, []).extend(values)
        scopes = [node for node in ast.walk(tree) if isinstance(node, FUNCTIONS)]
        for scope in scopes:
            local = {**top, **_assignments(scope)}
            for node in ast.walk(scope):
                where = f"{path.name}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg in CODE_NAMES:
                            keys = _params_keys(node) if keyword.arg == "reason" else None
                            for code in _strings(keyword.value, dict(local)):
                                sites.add((where, code, keys))
                elif isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "reason":
                            sites |= {(where, code, None) for code in _strings(value, {})}
            assert isinstance(scope, FUNCTIONS)
            positional = scope.args.args[len(scope.args.args) - len(scope.args.defaults) :]
            pairs = [
                *zip(positional, scope.args.defaults, strict=True),
                *zip(scope.args.kwonlyargs, scope.args.kw_defaults, strict=True),
            ]
            for argument, default in pairs:
                if argument.arg in CODE_NAMES and default is not None:
                    sites |= {(path.name, code, None) for code in _strings(default, {})}
    return sorted(sites, key=lambda site: (site[0], site[1]))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_reason_code_written_in_providers_has_a_template() -> None:
    sites = raise_sites()
    assert len({code for _, code, _ in sites}) > 30  # the scan sees the raise sites
    unknown = [(where, code) for where, code, _ in sites if code not in REASONS]
    assert unknown == []
    unused = set(REASONS) - {code for _, code, _ in sites} - APP_CODES
    assert unused == set(), "a template nothing raises: drop it or raise it"


def test_every_template_is_filled_by_the_params_its_raise_sites_pass() -> None:
    checked = [
        (where, code, keys, placeholders(REASONS[code]))
        for where, code, keys in raise_sites()
        if keys is not None and code in REASONS
    ]
    assert len(checked) > 20
    assert [c for c in checked if c[2] != c[3]] == []


def _real_failures() -> list[ProviderError]:
    """Errors made by the real code paths that build params without a literal dict."""
    made: list[ProviderError] = []
    for attempt in (
        lambda: GigaChat.check_options({"seed": 1}),
        lambda: GigaChat.check_options({"max_tokens": "9"}),
        lambda: ssl_context(extra_ca_file="/nonexistent/ca.pem"),
        lambda: ssl_context(extra_ca_pem="not a certificate"),
    ):
        try:
            attempt()
        except ProviderError as error:
            made.append(error)
    made.append(error_for_status(502, ""))
    made.append(error_for_status(429, "", retry_after=2.5))
    made.append(error_for_status(403, "", provider="GigaChat"))
    return made


async def _network_failures(
    session: aiohttp.ClientSession, closed_port: int
) -> list[ProviderError]:
    made: list[ProviderError] = []
    for url, proxy in (
        (f"http://127.0.0.1:{closed_port}/", None),
        ("http://127.0.0.1:9/", f"http://127.0.0.1:{closed_port}"),
        ("http://nonexistent.invalid/", None),
        ("ftp-less-url", None),
    ):
        try:
            with network_errors():
                async with session.get(url, proxy=proxy):
                    pass
        except ProviderError as error:
            made.append(error)
    for giga in (
        GigaChat(session=session),  # no key
        GigaChat(session=session, api_key="a2V5OnNlY3JldA==", proxy="socks5://127.0.0.1:1"),
    ):
        try:
            async for _chunk in giga.stream(None, [{"role": "user", "content": "hi"}]):
                pass
        except ProviderError as error:
            made.append(error)
    return made


async def test_real_errors_read_as_their_templates_and_round_trip_as_json(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    made = _real_failures() + await _network_failures(session, closed_port)
    reasons = {error.reason for error in made}
    assert {"bad_option", "option_type", "ca_file_unreadable", "ca_text_invalid"} <= reasons
    assert {"connect", "proxy_connect", "dns", "invalid_url", "no_key_env"} <= reasons
    assert {"proxy_scheme", "http_status", "access_denied"} <= reasons
    for error in made:
        assert error.reason in REASONS, error
        said = REASONS[error.reason].format(**error.params)
        assert error.message == ": ".join(part for part in (said, error.detail) if part)
        data = error.data()
        assert json.loads(json.dumps(data)) == data
        assert set(data) == {"kind", "reason", "provider", "status", "detail", "params"}
        assert all(type(value) in (str, int, float) for value in data["params"].values())
    connect = next(e for e in made if e.reason == "connect")
    assert connect.message == f"cannot connect to 127.0.0.1:{closed_port}"
    assert next(e for e in made if e.reason == "no_key_env").user_message == (
        "GigaChat: no authorization key; set it in Settings or GIGACHAT_CREDENTIALS."
        " Add a key in Settings."
    )
    limited = next(e for e in made if isinstance(e, RateLimitError))
    assert limited.data()["params"] == {"status": 429, "retry_after": 3}


def test_every_error_class_has_its_own_kind() -> None:
    provider_classes()  # the providers' own subclasses too
    classes: list[type[ProviderError]] = []
    pending: list[type[ProviderError]] = [ProviderError]
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending.extend(cls.__subclasses__())
    kinds = [cls.kind for cls in classes]
    assert len(kinds) == len(set(kinds)), kinds
    assert {"signature_refused", "session_refused"} <= set(kinds)


def test_refitting_for_a_keyless_provider_keeps_the_data() -> None:
    refused = refit_for_keyless(
        error_for_status(403, "bad signature", provider="GPROChat"), "GPROChat", RequestRefusedError
    )
    assert isinstance(refused, RequestRefusedError)
    assert (refused.kind, refused.reason, refused.detail, refused.status) == (
        "signature_refused",
        "access_denied",
        "bad signature",
        403,
    )
    assert refused.message == "access denied: bad signature"
    untrusted = refit_for_keyless(
        CertificateError(reason="untrusted_certificate", params={"host": "example.test"}),
        "GPTalk",
        SessionRefusedError,
    )
    assert isinstance(untrusted, UntrustedServerError)
    assert untrusted.data() == {
        "kind": "untrusted_server",
        "reason": "untrusted_certificate",
        "provider": "GPTalk",
        "status": None,
        "detail": "",
        "params": {"host": "example.test"},
    }


def test_redaction_reaches_the_detail_and_params() -> None:
    key = "sk-0123456789abcdef"
    error = redact(
        NetworkError(reason="invalid_url", params={"url": f"http://x/{key}"}, detail=f"no {key}"),
        key,
    )
    assert key not in json.dumps(error.data()) and key not in str(error)
    assert error.detail == "no ***"
