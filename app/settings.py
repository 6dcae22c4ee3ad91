"""Every setting and limit of the server, in one place.

Each field is read from an environment variable with the `NP_` prefix (for example
`NP_PORT=9000`, `NP_MAX_NEURONS=16`). The README lists them; keep both in step.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NP_", frozen=True)

    # Where to serve.
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    # Files: templates and static assets live beside the packages, not inside them.
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"

    # Session limits. Defaults suit a 2-core machine with a room of learners.
    max_sessions: int = Field(200, ge=1, description="open websocket sessions at once")
    max_layers: int = Field(6, ge=1, le=32, description="hidden layers per network")
    max_neurons: int = Field(8, ge=1, le=256, description="neurons per layer")
    max_inputs: int = Field(8, ge=1, le=64, description="input features per network")
    max_message_bytes: int = Field(64_000, ge=1_024, description="largest inbound message")
    max_messages_per_second: float = Field(60.0, gt=0, description="inbound rate per session")
    max_steps_per_second: float = Field(2_000.0, gt=0, description="training steps per session")
    max_steps_per_request: int = Field(1_000, ge=1, description="steps one 'train' command may ask")
    frames_per_second: float = Field(30.0, gt=0, le=120, description="frame cap per session")
    max_abs_value: float = Field(1e6, gt=0, description="largest |weight| or |input| accepted")
    max_learning_rate: float = Field(10.0, gt=0, description="largest learning rate accepted")
    max_trail_points: int = Field(300, ge=10, description="descent steps kept for the trail")
    landscape_grid: int = Field(41, ge=5, le=201, description="points per side of a loss surface")
    idle_timeout_seconds: float = Field(900.0, gt=0, description="close sessions idle this long")

    default_language: str = Field("ko", pattern="^(ko|en)$")


@lru_cache
def get_settings() -> Settings:
    return Settings()
