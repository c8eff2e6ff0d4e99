"""OpenAI-compatible endpoints as named profiles: one provider class, many endpoints.

A profile is a provider name the history stores: "openai" for the first one (what every
chat made before profiles names, so those keep working) and "openai:<slug>" for each
other one. Each has its own section in the settings file (`[provider:openai:<slug>]`:
name, base URL, models, proxy) and its own keychain entry (username = the profile's
name), so every endpoint keeps its own key.

As openai-python reads them, `OPENAI_BASE_URL` (with `OPENAI_API_KEY`, or alone for a
server that takes no key) points the "openai" profile elsewhere for the session; neither
is ever written anywhere, and the saved key is not sent to that other host.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable

from gui.values import FieldInfo, ProviderInfo

__all__ = [
    "BASE",
    "KEY_VARIABLE",
    "OWN_FIELDS",
    "PRESETS",
    "URL_VARIABLE",
    "Preset",
    "Profile",
    "base_of",
    "environment_only",
    "is_profile",
    "new_profile_name",
    "parse_models",
    "profile_info",
    "session_url",
]

#: The provider whose endpoints are profiles, and the name of its first profile.
BASE = "openai"
_SEPARATOR = ":"
URL_VARIABLE = "OPENAI_BASE_URL"
KEY_VARIABLE = "OPENAI_API_KEY"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The fields a profile adds to its provider's, for Settings alone: its name, its models
#: and those of them that take images (#19: gui/core/attachments.py `vision`).
OWN_FIELDS = ("label", "models", "vision_models")


@dataclasses.dataclass(frozen=True)
class Preset:
    """A starting point for a new profile; `key` names it in the dialog's menu."""

    key: str
    label: str
    base_url: str
    models: tuple[str, ...] = ()
    needs_key: bool = True


PRESETS: tuple[Preset, ...] = (
    Preset("openai", "OpenAI", "https://api.openai.com/v1", ("gpt-4o-mini", "gpt-4o", "gpt-4.1")),
    Preset(
        "deepseek",
        "DeepSeek",
        "https://api.deepseek.com/v1",
        ("deepseek-chat", "deepseek-reasoner"),
    ),
    Preset(
        "openrouter",
        "OpenRouter",
        "https://openrouter.ai/api/v1",
        ("openrouter/auto", "deepseek/deepseek-chat", "openai/gpt-4o-mini"),
    ),
    Preset("ollama", "Ollama", "http://127.0.0.1:11434/v1", ("llama3.2",), needs_key=False),
    Preset("lmstudio", "LM Studio", "http://127.0.0.1:1234/v1", needs_key=False),
    Preset("empty", "New profile", "", needs_key=False),
)


@dataclasses.dataclass(frozen=True)
class Profile:
    """A profile as the settings file has it: "" and None mean "the default"."""

    name: str
    label: str = ""
    models: tuple[str, ...] | None = None


def is_profile(name: str) -> bool:
    return name == BASE or (name.startswith(BASE + _SEPARATOR) and _slug_of(name) is not None)


def base_of(name: str) -> str:
    """The provider a name belongs to: "openai" for "openai:work", else the name."""
    return BASE if is_profile(name) else name


def _slug_of(name: str) -> str | None:
    slug = name[len(BASE) + 1 :]
    return slug if _SLUG.fullmatch(slug) else None


def new_profile_name(label: str, taken: Collection[str]) -> str:
    """A fresh "openai:<slug>" from the profile's name (ASCII letters and digits)."""
    slug = "-".join(re.findall(r"[a-z0-9]+", label.lower())) or "profile"
    candidate, number = f"{BASE}{_SEPARATOR}{slug}", 1
    while candidate in taken:
        number += 1
        candidate = f"{BASE}{_SEPARATOR}{slug}-{number}"
    return candidate


def parse_models(text: str) -> tuple[str, ...]:
    """Model names as typed: separated by commas or spaces, each once."""
    return tuple(dict.fromkeys(part for part in re.split(r"[,\s]+", text) if part))


def session_url() -> str | None:
    """OPENAI_BASE_URL, when set: the "openai" profile's address for this session."""
    from providers.base import environment_value  # the one reading of the environment

    return environment_value(URL_VARIABLE)


def environment_only(info: ProviderInfo) -> bool:
    """Whether this profile's key comes from the environment alone: the "openai" profile
    while OPENAI_BASE_URL points it elsewhere (the saved key is for the saved host)."""
    return info.name == BASE and session_url() is not None


def profile_info(base: ProviderInfo, profile: Profile) -> ProviderInfo:
    """The description of one profile, from its provider's (`describe(OpenAICompatible)`,
    or another profile's): its name, label and models, and two more fields, "label" and
    "models", that the settings page edits and the provider's constructor never sees.
    Only the first profile reads the environment (OPENAI_BASE_URL, OPENAI_API_KEY)."""
    first = profile.name == BASE
    models = base.models if profile.models is None else profile.models
    default_label = base.label if first else _slug_of(profile.name) or profile.name
    label = profile.label or default_label
    # An empty name is the default one: the dialog shows it in the interface language.
    fields: list[FieldInfo] = [FieldInfo("label", "Profile name", "text", default=default_label)]
    for field in base.fields:
        if field.name in OWN_FIELDS:
            continue
        if field.name == "base_url":
            field = dataclasses.replace(field, env=URL_VARIABLE if first else "")
        elif field.is_secret:
            session = first and session_url() is not None
            field = dataclasses.replace(field, env=KEY_VARIABLE if session else "")
        fields.append(field)
        if field.name == "api_key":
            default = ", ".join(base.models) if first else ""
            fields.append(FieldInfo("models", "Models", "text", default=default))
            fields.append(FieldInfo("vision_models", "Models that see images", "text"))
    return dataclasses.replace(
        base,
        name=profile.name,
        label=label,
        default_model=models[0] if models else "",
        models=tuple(models),
        fields=tuple(fields),
        profile_of=BASE,
    )


def profile_names(sections: Iterable[str], prefix: str) -> list[str]:
    """The profiles beside the first one, from the settings file's section names."""
    names = [section[len(prefix) :] for section in sections if section.startswith(prefix)]
    return [name for name in names if name != BASE and is_profile(name)]
