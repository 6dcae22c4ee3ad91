"""Every setting and limit of the server, in one place.

Each field is read from an environment variable with the `NP_` prefix (for example
`NP_PORT=9000`, `NP_MAX_NEURONS=16`). The README lists them; keep both in step.
"""

import secrets
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The folders of files (templates/, static/) sit beside this package's folder: in the
# repository (an editable install maps the package onto app/), and in an installed wheel,
# where setup.py puts all of them inside `neural_playground/`.
ROOT = Path(str(resources.files(__package__))).parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NP_", frozen=True, populate_by_name=True)

    # Where to serve.
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    # Files: templates and static assets, shipped with the code (ROOT above).
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"

    # Session limits. Defaults suit a 2-core machine with a room of learners.
    max_sessions: int = Field(200, ge=1, description="open websocket sessions at once")
    max_layers: int = Field(6, ge=1, le=32, description="hidden layers per network")
    max_neurons: int = Field(8, ge=1, le=256, description="neurons per layer")
    max_inputs: int = Field(8, ge=1, le=64, description="input features per network")
    max_message_bytes: int = Field(256_000, ge=1_024, description="largest inbound message")
    max_messages_per_second: float = Field(60.0, gt=0, description="inbound rate per session")
    max_steps_per_second: float = Field(10_000.0, gt=0, description="training steps per session")
    max_steps_per_request: int = Field(1_000, ge=1, description="steps one 'train' command may ask")
    frames_per_second: float = Field(20.0, gt=0, le=120, description="frame cap per session")
    # 16, not 15: a room of 100 measured 14.7 frames/s for its slowest learner at a cap of 15,
    # and the eye (and issue 19) asks every learner for 15.
    crowded_frames_per_second: float = Field(
        16.0, gt=0, le=120, description="frame cap while more sessions play than lab workers"
    )
    # In a full room frames cost the server about as much as training: the playing sessions
    # share this many frames a second in all (each gets budget / players, at most the crowded
    # cap), so a larger room trains on where more frames would only add cost.
    crowded_frame_budget: float = Field(
        2_100.0, gt=0, description="frames a second shared by all playing sessions in a full room"
    )
    max_abs_value: float = Field(1e6, gt=0, description="largest |weight| or |input| accepted")
    max_learning_rate: float = Field(10.0, gt=0, description="largest learning rate accepted")
    max_trail_points: int = Field(300, ge=10, description="descent steps kept for the trail")
    landscape_grid: int = Field(41, ge=5, le=201, description="points per side of a loss surface")
    idle_timeout_seconds: float = Field(900.0, gt=0, description="close sessions idle this long")
    max_data_points: int = Field(
        2_000, ge=10, le=100_000, description="points in a lab's data set (generated, CSV, clicked)"
    )

    # Fairness: every session's engine work runs on this many workers (about one per core),
    # taking turns, and training bursts shrink so that a full room keeps its frame rate.
    # Workers are processes (labs live there, the event loop never waits for the engine),
    # or threads in the server process with NP_LAB_PROCESSES=false (tests, tiny servers).
    lab_workers: int = Field(2, ge=1, le=64, description="workers running engine work")
    lab_processes: bool = Field(True, description="run labs in worker processes")
    lab_call_timeout_seconds: float = Field(30.0, gt=0, description="restart a stuck process")
    # Each live session's lab state is copied out of its lab process this often while it
    # changes (and, with REDIS_URL, to Redis): a dead process's labs are rebuilt from it,
    # and a replica that crashes loses at most this much of a learner's work.
    checkpoint_seconds: float = Field(10.0, gt=0, description="copy a changed lab's state out")
    # A client that stops reading (its sends stall this long) is closed, freeing its slot.
    send_timeout_seconds: float = Field(30.0, gt=0, description="close a client that never reads")

    # SIGTERM (app/drain.py): moving every open session's work out may take this long at
    # most before the server stops anyway (keep it under the orchestrator's grace: 10 s
    # for `docker stop`).
    drain_seconds: float = Field(8.0, gt=0, description="longest drain after SIGTERM")

    # Reconnects: a closed session's lab waits this long for its tab to come back.
    resume_grace_seconds: float = Field(120.0, ge=0, description="keep a closed session's lab")

    # Teacher rooms. With REDIS_URL set, rooms are shared by every replica using that Redis.
    max_rooms: int = Field(20, ge=0, description="teacher rooms open at once (all replicas)")
    max_rooms_per_address: int = Field(4, ge=0, description="rooms open from one client address")
    room_idle_seconds: float = Field(1_800.0, gt=0, description="close a room with no teacher")
    redis_url: str | None = Field(None, validation_alias=AliasChoices("NP_REDIS_URL", "REDIS_URL"))
    # A frozen Redis must cost a room's calls this long at most, never the teacher's frames.
    redis_timeout_seconds: float = Field(2.0, gt=0, description="deadline of each Redis call")
    # Wrong room codes (a join form's, a websocket's follow or teach): per client address,
    # HTTP and websocket together, and per session. Right codes never count.
    room_guess_burst: int = Field(30, ge=1, description="wrong room codes per address in a burst")
    room_guess_session_burst: int = Field(5, ge=1, description="wrong room codes per session")
    room_guess_refill_seconds: float = Field(5.0, gt=0, description="one more wrong room code per")

    # The address students are told to join at (the room's code screen): e.g.
    # https://play.school.example. Empty: the teacher's own, or this machine's LAN address
    # when the teacher's browser uses a loopback one (app/join.py).
    public_url: str = Field("", description="public base URL shown to students")

    # Hosting under a sub-path behind a proxy that strips it (app/rootpath.py): e.g.
    # "/playground". Every URL the pages and scripts use starts with it.
    root_path: str = Field(
        "", pattern=r"^(/[A-Za-z0-9._~-]+)*/?$", description="path prefix, e.g. /playground"
    )
    # Who may show the pages in a frame (CSP frame-ancestors): 'none' (no one), 'self', or
    # origins such as https://lms.school.example (an LMS, slides), space-separated.
    frame_ancestors: str = Field(
        "'none'", pattern=r"^[A-Za-z0-9:/.*' _-]+$", description="CSP frame-ancestors sources"
    )

    # Security. Origins allowed to open websockets: empty means the page's own origin only.
    allowed_origins: str = Field("", description="comma-separated origins, e.g. https://a.b")
    # Host names answered besides any IP address, localhost and this machine's own name (a
    # DNS-rebinding page always sends a name of its own, never an address): "*" answers any.
    allowed_hosts: str = Field("", description="comma-separated names, e.g. play.school.example")
    access_code: SecretStr = Field(SecretStr(""), description="workshop code; empty: open")
    # Wrong access codes per client address (uvicorn's, from X-Forwarded-For when the proxy is
    # in FORWARDED_ALLOW_IPS): a class behind one NAT shares an address, and right codes never
    # count, so only guessing empties the bucket (then one try per refill).
    access_guess_burst: int = Field(20, ge=1, description="wrong access codes in a burst")
    access_guess_refill_seconds: float = Field(10.0, gt=0, description="one more wrong code per")
    # Signs the access cookies. Empty: a random key at each start (cookies then end with the
    # process). Replicas behind one load balancer need the same key.
    secret_key: SecretStr = Field(
        SecretStr(""), validate_default=True, description="server secret; empty: random"
    )

    # Logs: "text" for a terminal, "json" (one object a line) for log collectors.
    log_format: str = Field("text", pattern="^(text|json)$")
    log_level: str = Field("info", pattern="^(debug|info|warning|error)$")

    # Batch-normalization lab (B.5): its networks are deeper than the other pages' on purpose.
    batchnorm_max_layers: int = Field(
        10, ge=1, le=32, description="hidden layers of the batch-normalization lab's networks"
    )
    max_curve_points: int = Field(200, ge=10, le=5_000, description="points per loss curve sent")

    # Convolution lab (B.6).
    conv_max_stride: int = Field(3, ge=1, le=5, description="largest convolution stride")
    conv_max_padding: int = Field(2, ge=0, le=4, description="largest zero border")
    conv_max_kernel_value: float = Field(10.0, gt=0, description="largest |kernel weight|")
    conv_head_steps: int = Field(150, ge=1, le=5_000, description="training steps of the head")
    conv_head_cache: int = Field(256, ge=1, description="trained heads kept in memory")

    # Generative labs (B.8): autoencoder and GAN.
    max_generative_width: int = Field(
        128, ge=1, le=1024, description="neurons per hidden layer of the autoencoder and GAN"
    )
    max_latent: int = Field(16, ge=2, le=256, description="autoencoder code and GAN noise size")
    max_drawn_points: int = Field(500, ge=1, description="points of a hand-drawn distribution")
    gan_heatmap_cells: int = Field(30, ge=4, le=200, description="cells per side of D's map")
    slow_motion_seconds: float = Field(
        1.5, gt=0, le=60, description="pause at each phase of a GAN iteration in slow motion"
    )
    # The book's stopping rule: D within 0.05 of 0.5 on real and generated samples for
    # `patience` iterations in a row, counted once `warmup` iterations have passed.
    gan_equilibrium_warmup: int = Field(500, ge=0, description="iterations before it applies")
    gan_equilibrium_patience: int = Field(300, ge=1, description="iterations near 0.5 to stop")

    # The recurrent-networks page (B.7) trains three networks at once: bound each request.
    rnn_max_hidden: int = Field(16, ge=1, le=128, description="hidden units per recurrent layer")
    rnn_max_length: int = Field(40, ge=2, le=500, description="time steps per sequence")
    rnn_max_symbols: int = Field(6, ge=2, le=16, description="symbols in the long-memory task")
    rnn_max_steps_per_request: int = Field(
        20, ge=1, description="training steps per request on the recurrent page"
    )

    # The 2-D playground (B.3+).
    max_classes: int = Field(5, ge=3, le=8, description="classes in a multi-class 2-D dataset")

    default_language: str = Field("ko", pattern="^(ko|en)$")

    @field_validator("secret_key")
    @classmethod
    def random_secret_unless_set(cls, key: SecretStr) -> SecretStr:
        return key if key.get_secret_value() else SecretStr(secrets.token_urlsafe(32))

    @property
    def root(self) -> str:
        """NP_ROOT_PATH without its trailing slash ("" at the root)."""
        return self.root_path.rstrip("/")

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(
            h.strip().rstrip(".").lower() for h in self.allowed_hosts.split(",") if h.strip()
        )

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(
            o.strip().rstrip("/").lower() for o in self.allowed_origins.split(",") if o.strip()
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
