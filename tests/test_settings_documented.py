"""Every setting is an environment variable listed in the README's settings table."""

from pathlib import Path

from neural_playground.app.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def env_names(name: str, field) -> list[str]:
    alias = field.validation_alias
    if alias is not None:
        return [str(choice) for choice in alias.choices]
    return [f"NP_{name.upper()}"]


def test_every_setting_is_in_the_readme_table():
    table = [line for line in README.splitlines() if line.startswith("| `")]
    missing = [
        name
        for name, field in Settings.model_fields.items()
        if not any(f"`{env}`" in line for env in env_names(name, field) for line in table)
    ]
    assert not missing, missing
