"""The JSON files the commands save, field by field.

Each command writes its file as one of these types, and every reader reads it back
through `sim.analysis.io.read_record`, which checks it against the same type: a damaged or
hand-edited file is one line naming the file and the field, not a traceback in a plot or
a page. A `float` field may hold null: JSON has no NaN or infinity
(`sim.results.write_json`). Annotations are evaluated as the classes are made (no
`from __future__ import annotations`): only then does Python 3.11 see `NotRequired`.
"""

from typing import Any, NotRequired, TypedDict


class Share(TypedDict):
    """A share with its Wilson 95 % interval."""

    estimate: float
    ci_low: float
    ci_high: float


class Perf(TypedDict):
    replications_per_second: float
    simpy_events_per_replication: float
    executor: str
    wall_seconds: float


class Relations(TypedDict):
    """The scenario's tension at its start, the level it decays to, and its half-life."""

    tension: float
    tension_baseline: float
    tension_half_life_days: float


class Summary(TypedDict):
    """`summary.json` of a run directory, key by key, in the order written."""

    scenario: str
    reps: int
    requested_reps: int | str  # a number, or "auto"
    seed: int
    design_point: int
    crn: bool
    trace_reps: int
    precision: float
    max_reps: int
    overrides: dict[str, Any]  # a sweep job's overrides; {} for a run alone
    p_summit: Share
    outcome_shares: dict[str, float]
    p_agreed: dict[str, Share]
    failures: int
    failed: list[dict[str, Any]]  # each `sim.records.Failure` as a mapping
    config_hash: str
    git_commit: str
    versions: dict[str, str]
    perf: Perf
    start: str
    end: str
    issues: list[str]
    parties: list[str]
    relations: Relations
    scheduled: list[dict[str, str]]


class Job(TypedDict):
    """A job of a sweep, complete or not."""

    job: int
    overrides: dict[str, Any]
    config_hash: str | None  # None: the job has no summary yet
    complete: bool


class Manifest(TypedDict):
    """`manifest.json` of a sweep: what was swept, and the jobs of the sweep that ran
    there last (seed and crn are None where no job is complete)."""

    swept_keys: list[str]
    seed: int | None
    crn: bool | None
    git_commit: str
    versions: dict[str, str]
    jobs: list[Job]


class FactorSettings(TypedDict):
    """A factor of a study, as `study.json` keeps it (`sim.explore.study.Factor`)."""

    key: str
    dummy: bool


class StudySettings(TypedDict):
    """The study's settings as `study.json` keeps them (`sim.explore.study.Study`, of
    which the pages and plots read these)."""

    name: str
    model: str
    sampler: str
    reps: int
    factors: list[FactorSettings]
    outcomes: list[str]


class TestPointSummary(TypedDict):
    """`summary.json` of a point of a study of a test model (`sim.explore.testmodels`), key
    by key, in the order written."""

    model: str
    values: dict[str, float]
    noise_sd: float
    reps: int
    requested_reps: int
    seed: int
    design_point: int
    config_hash: str
    y_mean: float
    git_commit: str
    versions: dict[str, str]
    perf: dict[str, float]  # wall_seconds


class StudyManifest(TypedDict):
    """`study.json`: written first, with the digest that tells a study's results apart."""

    study: StudySettings
    digest: str
    points: int
    git_commit: str
    versions: dict[str, str]
    seed: int


class NoiseFloor(TypedDict):
    """The seed-noise share of the variance of replicate means, with its interval."""

    estimate: float
    ci_low: float
    ci_high: float
    noise_variance: float
    total_variance: float


class Convergence(TypedDict):
    """The indices at a smaller base sample."""

    base_samples: int
    points: int
    importance: dict[str, float]
    indices: dict[str, dict[str, float]]


class OutcomeIndices(TypedDict):
    """What a study found of one outcome: indices by factor (S1, ST or mu_star, ... with
    their `_conf` half-widths), their ranking measure, noise floor, mean, convergence."""

    indices: dict[str, dict[str, float]]
    importance: dict[str, float]
    noise_floor: NoiseFloor
    mean: float
    convergence: list[Convergence]
    emulator: NotRequired[dict[str, Any]]


class Indices(TypedDict):
    """`indices.json`: written last, so a study that has it is complete."""

    study: str
    model: str
    sampler: str
    points: int
    reps: int
    seed: int
    outcomes: dict[str, OutcomeIndices]


class Limits(TypedDict):
    """A factor's range in a PRIM box, and its quasi-p-value (None: not restricted)."""

    low: float
    high: float
    qp_value: float | None


class Peel(TypedDict):
    """A box of PRIM's peeling trajectory."""

    coverage: float
    density: float
    mass: float
    res_dim: int


class Box(TypedDict):
    """The PRIM box chosen on the trade-off curve (`sim.explore.discovery.prim_box`)."""

    coverage: float
    density: float
    mass: float
    n_points: int
    chosen: int
    restricted: dict[str, Limits]
    base_rate: float
    trajectory: list[Peel]
    full_range: dict[str, list[float]]


class Rules(TypedDict):
    """A shallow classification tree as readable rules (`sim.explore.discovery.cart_rules`)."""

    rules: str
    accuracy: float
    depth: int
    leaves: int
    importance: dict[str, float]


class Discovery(TypedDict):
    """`discovery.json`: PRIM and CART on the study's outcome of interest; `note` says why
    there is no box where none is."""

    outcome: str
    threshold: float
    above: bool
    label: str
    points_of_interest: int
    points: int
    prim: Box | None
    cart: Rules | None
    note: NotRequired[str]


class Estimate(TypedDict):
    """A score with its bootstrap 95 % interval; None where it is not finite."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None


class ScoreSet(TypedDict):
    """The scores of one kind of question (`sim.forecast.scores.score_set`): only its
    counts where it had no forecast."""

    n_forecasts: int
    n_questions: int
    n_origins: NotRequired[int]
    brier: NotRequired[Estimate]
    log: NotRequired[Estimate]
    murphy: NotRequired[dict[str, float]]
    baselines: NotRequired[dict[str, dict[str, float | None]]]
    best_baseline: NotRequired[str]
    bss: NotRequired[dict[str, Estimate]]
    bootstrap: NotRequired[dict[str, Any]]


class OriginP(TypedDict):
    """P(summit) as of one origin of a backtest, with its interval."""

    origin: str
    p: float
    ci_low: float
    ci_high: float
    kept: int
    simulated: int


class Scores(TypedDict):
    """`scores.json` of a backtest: written last, so a backtest that has it is complete."""

    scenario: str
    questions: str
    origins: list[str]
    reps: int
    seed: int
    overrides: list[str]
    tolerance: float
    posterior: str
    draws: int
    method: str
    p_summit: list[OriginP]
    scores: dict[str, ScoreSet]
