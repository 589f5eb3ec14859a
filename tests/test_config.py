"""Every config composes and passes the schema; the schema catches what it should."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import hypothesis
import pytest
from hydra.core.config_store import ConfigStore
from hypothesis import strategies as st

import sim
from sim.config.checks import UNIT, Context, at_least, checked, fail
from sim.config.errors import ConfigError
from sim.config.load import CONF_DIR, check_file, left_open, load_scenario, quoted
from sim.config.schema import RunConf, ScenarioConf, ShockConf, register
from sim.scenario import compile_scenario
from tests.conftest import compose_run

SCENARIOS = sorted(p.stem for p in (CONF_DIR / "scenario").glob("*.yaml"))


def test_the_three_2023_scenarios_exist() -> None:
    assert {"historical_2023", "from_malta", "no_balloon"} <= set(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_composes_validates_and_compiles(name: str) -> None:
    run = compose_run(f"scenario={name}")
    assert isinstance(run, RunConf) and isinstance(run.scenario, ScenarioConf)
    sc = compile_scenario(run.scenario)
    assert sc.name == name
    if tuple(p.name for p in sc.parties) == ("us", "cn"):  # the pair's agenda, extended by a case
        assert sc.issues[:9] == ("mil_mil", "fentanyl", "ai_risk", "exchanges", "climate",
                                 "economic", "export_controls", "taiwan", "entity_list")
    else:
        assert sc.issues
    assert sc.end_day > 0 and len(sc.parties) == 2


def test_the_schema_is_in_the_defaults() -> None:
    """Composed configs are typed by the schema: every key it has is there, at its default
    where no file sets it, so a plain override of such a key needs no `+` or `++`."""
    from omegaconf import OmegaConf

    from sim.config.compose import compose

    register()
    assert "run.yaml" in ConfigStore.instance().repo["schema"]
    cfg = compose(["scenario.shocks.balloon.restraint_days=5"])
    assert OmegaConf.get_type(cfg) is RunConf
    assert OmegaConf.get_type(cfg.scenario.shocks.balloon) is ShockConf
    assert cfg.scenario.shocks.balloon.restraint_days == 5
    plain = OmegaConf.to_container(compose(["~schema"]))
    assert isinstance(plain, dict)
    assert "restraint_days" not in plain["scenario"]["shocks"]["balloon"]


def test_channels_suspended_in_august_2022_start_suspended() -> None:
    sc = compile_scenario(compose_run("scenario=historical_2023").scenario)
    suspended = {c.name for c in sc.channels if c.suspended_until > 0}
    assert {"military", "climate", "counternarcotics"} <= suspended
    assert "leaders" not in suspended


def test_nothing_about_the_parties_is_in_the_package() -> None:
    sim_dir = Path(__file__).resolve().parents[1] / "sim"
    for path in sim_dir.rglob("*.py"):
        text = path.read_text().lower()
        for word in ("balloon", "blinken", "taiwan", "xi ", "biden"):
            assert word not in text, (path, word)


def _scenario_dict() -> dict:
    from omegaconf import OmegaConf

    run = compose_run("scenario=historical_2023")
    return OmegaConf.to_container(OmegaConf.structured(run.scenario))  # type: ignore[return-value]


def test_target_keys_are_refused_before_anything_runs() -> None:
    data = _scenario_dict()
    data["shocks"]["balloon"]["_target_"] = "os.system"
    with pytest.raises(ConfigError, match=r"scenario.shocks.balloon._target_"):
        load_scenario(data)


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        (("relations", "tension"), 2.0, "scenario.relations.tension"),
        (("parties", "us", "trust"), "high", "scenario.parties.us.trust"),
        (("parties", "cn", "stances", "taiwan", "win_set"), [0.5, 0.2],
         "scenario.parties.cn.stances.taiwan.win_set"),
        (("meetings", "kerry_beijing", "channel"), "clmate",
         "scenario.meetings.kerry_beijing.channel"),
        (("shocks", "balloon", "retaliation", "shock"), "nothing",
         "scenario.shocks.balloon.retaliation.shock"),
        (("summit", "date"), "2022-01-01", "scenario.summit.date"),
        (("shocks", "balloon", "colour"), "red", "scenario.shocks.balloon.colour"),
    ],
)
def test_violations_name_their_key(path: tuple[str, ...], value: object, key: str) -> None:
    data = _scenario_dict()
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as err:
        load_scenario(data)
    assert str(err.value).startswith(key), str(err.value)
    assert "\n" not in str(err.value)


@dataclass(frozen=True)
class Inner:
    share: float = checked(0.5, UNIT)


@dataclass(frozen=True)
class Conf:
    reps: int = checked(10, at_least(1))
    low: float = 0.0
    high: float = 1.0
    inner: Inner = field(default_factory=Inner)


def _ordered(key: str, c: Conf, ctx: Context) -> None:
    if c.low > c.high:
        fail("low", c.low, f"must be below high ({c.high})")


def test_a_commands_file_and_its_settings_are_read_typed_and_checked(tmp_path: Path) -> None:
    """`read_config`: settings read as YAML on top of the file (`a.b=v` sets b in a), each
    field's checks and the rules across fields run, and every problem is one line."""
    from sim.config.load import read_config

    path = tmp_path / "c.yaml"
    path.write_text("reps: 5\ninner: {share: 0.1}\n")
    rules = {Conf: _ordered}
    conf = read_config(str(path), "x", Conf, rules, ["reps=7", "inner.share=0.25"])
    assert conf == Conf(reps=7, inner=Inner(share=0.25))
    for settings, line in ((["reps=0"], "reps=0: must be >= 1"),
                           (["inner.share=2"], "inner.share=2.0: must be in [0, 1]"),
                           (["low=3"], "low=3.0: must be below high (1.0)"),
                           (["rep=3"], "rep=3: unknown key (did you mean 'reps'?)"),
                           (["reps=many"], "reps='many': must be a whole number"),
                           (["reps"], "reps='': write settings as KEY=VALUE")):
        with pytest.raises(ConfigError) as err:
            read_config(str(path), "x", Conf, rules, settings)
        assert str(err.value).startswith(line), (settings, str(err.value))
    with pytest.raises(ConfigError, match=r"^x='/nowhere.yaml': cannot read /nowhere.yaml"):
        read_config("/nowhere.yaml", "x", Conf)


@pytest.mark.parametrize(("text", "line"), [
    ("reps: 5\n\tlow: 0.1\n", "{path}:2='low: 0.1': malformed YAML at column 1"),
    ("reps: 5\ninner: {share: 0.1, share: 0.2}\n", "inner.share='0.2': duplicate key: already "
     "set on line 2 of {path}"),
    (b"reps: 5\n\xff\n", "x='{path}': {path} is not UTF-8 text (byte 8)"),
])
def test_a_commands_file_that_cannot_be_read_as_yaml_is_named(tmp_path: Path, text: str | bytes,
                                                              line: str) -> None:
    """A command's own file (a study, a backtest, a bank) is read as Hydra reads a config:
    the line names the file (or the key written twice), as for a scenario file."""
    from sim.config.load import read_config

    path = tmp_path / "c.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError) as err:
        read_config(str(path), "x", Conf)
    assert str(err.value).startswith(line.format(path=path)), str(err.value)


@pytest.mark.parametrize("override", ["hydra.run.dir=/tmp/x", "hydra/launcher=basic",
                                      "+hydra.job.env_set.A=1"])
def test_a_config_composed_alone_refuses_hydra_s_settings_that_nothing_would_read(
        override: str) -> None:
    # sim.load_run (and the commands built on it) compose without running a Hydra job: a
    # Hydra setting would be dropped without a word.
    with pytest.raises(ConfigError, match=re.escape(f"{override.lstrip('+').split('=')[0]}=")):
        sim.load_run(override)


@pytest.mark.parametrize("given", [
    "+scenario.shocks.flood.tension=0.3",
    "scenario.shocks.flood={tension: 0.3}",
    "+scenario.shocks.flood={tension: 0.3}",
])
def test_a_new_entry_is_refused_with_the_form_that_adds_it(given: str) -> None:
    """Hydra adds an entry of a named collection only with the collection: the line says
    how, with the value given, and that form composes, with the new shock checked and
    the shipped ones kept."""
    with pytest.raises(ConfigError) as refused:
        compose_run(given)
    form = str(refused.value).rpartition("added with its collection: ")[2]
    assert form == "++scenario.shocks={flood: {tension: 0.3}}"
    with pytest.raises(ConfigError, match=r"^scenario.shocks.flood.actor='zz': unknown party"):
        compose_run(form.replace("{tension", "{actor: zz, tension"))
    shocks = compose_run(form.replace("{tension", "{actor: us, date: '2023-05-01', tension"),
                         ).scenario.shocks
    assert (shocks["flood"].actor, shocks["flood"].tension) == ("us", 0.3)
    assert set(shocks) == set(compose_run().scenario.shocks) | {"flood"}


@pytest.mark.parametrize(("bad", "allowed"), [
    ({"reps": -1}, "must be >= 0"), ({"seed": -1}, "must be >= 0"),
    ({"trace_reps": -2}, "must be >= 0"),
    ({"seed": 1.5}, "must be a whole number"),  # every replication failed: an empty table
    ({"reps": 2.5}, "must be a whole number"),  # a TypeError from range()
    ({"design_point": 2**64}, r"must be a whole number in \[-2\*\*63, 2\*\*63 - 1\]"),
])
def test_the_api_refuses_what_the_command_refuses(bad: dict[str, float], allowed: str) -> None:
    """A negative seed ran in the API, with draws no command line can give again."""
    key, value = next(iter(bad.items()))
    with pytest.raises(ConfigError, match=rf"^{key}={value}: {allowed}"):
        sim.run_replications(sim.load_scenario(), **{"reps": 1, **bad})


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.text(alphabet="ab '\\\"=,[]{}$:", max_size=12))
def test_a_quoted_value_is_read_back_by_hydras_grammar_as_given(value: str) -> None:
    """`quoted` writes a folder or a name as one override value: Hydra reads a backslash as
    an escape only before a quote or at the end, so a folder with one inside its name was
    looked for with the backslash doubled."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_override(f"key={quoted(value)}")
    assert parsed.value() == value


@pytest.mark.parametrize("path", sorted(CONF_DIR.rglob("*.yaml")),
                         ids=lambda p: str(p.relative_to(CONF_DIR)))
def test_every_shipped_file_passes_the_checks_of_a_users_folder(path: Path) -> None:
    """A user's folder is held to the shipped files' rules (no code, no value left to be
    given, Hydra's settings as a job may take them); the shipped ones keep to them too."""
    left_open(check_file(path))
