"""The resource limits: their settings, and the man page that lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dh_aimodel.core import limits
from dh_aimodel.core.errors import UsageError

MAN = Path(__file__).resolve().parents[2] / "man" / "aimodel.1"


@pytest.fixture(autouse=True)
def _defaults():
    yield
    limits.configure([], {})


@pytest.mark.parametrize(("text", "value"), [
    ("1000", 1000), ("64M", 64 << 20), ("2GiB", 2 << 30), ("3k", 3 << 10), ("1_000", 1000),
    ("1T", 1 << 40)])
def test_sizes(text, value):
    assert limits.parse_size(text, "x") == value


@pytest.mark.parametrize("text", ["", "0", "-1", "1.5G", "1X", "G"])
def test_bad_sizes(text):
    with pytest.raises(UsageError, match="not a positive number"):
        limits.parse_size(text, "x")


def test_environment_then_options():
    got = limits.configure(["yaml-nodes=10"], {"AIMODEL_LIMITS": "yaml-nodes=5, deb-floor=1G"})
    assert (got.yaml_nodes, got.deb_floor) == (10, 1 << 30)
    assert limits.active() is got


def test_without_settings_the_defaults():
    assert limits.configure([], {}) == limits.Limits()


@pytest.mark.parametrize(("options", "env", "message"), [
    (["nope=1"], {}, "--limit: unknown limit 'nope'; accepted: deb-expansion"),
    (["yaml-nodes"], {}, "'yaml-nodes' is not NAME=VALUE"),
    ([], {"AIMODEL_LIMITS": "control=big"}, "AIMODEL_LIMITS: control: 'big' is not a positive"),
])
def test_bad_settings_are_usage_errors(options, env, message):
    with pytest.raises(UsageError) as exc:
        limits.configure(options, env)
    assert message in str(exc.value)
    assert exc.value.exit_status == 2


def test_the_message_says_how_to_raise_it():
    exc = limits.LimitExceeded("yaml-depth", "nests deeper than 64 levels")
    assert str(exc) == ("nests deeper than 64 levels; raise it with --limit yaml-depth=N or "
                        "AIMODEL_LIMITS=yaml-depth=N")


@pytest.mark.parametrize(("name", "value", "text"), [
    ("deb-floor", 512 << 20, "512 MiB"), ("control", 3000, "3,000 bytes"),
    ("yaml-nodes", 150_000, "150,000"), ("tar-header", 1 << 40, "1 TiB")])
def test_shown(name, value, text):
    assert limits.shown(name, value) == text


def _man_defaults() -> dict[str, str]:
    text = MAN.read_text()
    section = text[text.index(".SH RESOURCE LIMITS"):]
    section = section[:section.index("\n.SH ", 1)]
    return {m[1].replace("\\-", "-"): m[2]
            for m in re.finditer(r"^\.B ([a-z\\-]+)\nDefault ([^.\n]+)\.$", section, re.M)}


def test_the_man_page_lists_every_limit_with_its_default():
    assert _man_defaults() == {name: limits.shown(name, getattr(limits.Limits(),
                                                                name.replace("-", "_")))
                               for name in limits.Limits.names()}


def test_aimodel_yaml_5_states_the_declaration_limits_of_this_version():
    text = (MAN.parent / "aimodel.yaml.5").read_text()
    notes = text[text.index(".SH NOTES ON THE CONTRACT"):]
    d = limits.Limits()
    for value in (limits.shown("yaml-bytes", d.yaml_bytes), f"{d.yaml_nodes:,} nodes",
                  f"{d.yaml_depth} levels", limits.shown("yaml-scalar", d.yaml_scalar)):
        assert value in notes, value
