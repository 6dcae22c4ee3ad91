"""A lab built whole from one settings model: the batch-norm and digits pages."""

from pydantic import BaseModel


class Configured:
    """Mixin for a lab whose `config` (a pydantic model) decides everything it builds:
    `start(config)` builds it afresh (fresh weights from its seed, step 0), and `preset` names
    the example it was loaded from (None once the learner changed a setting)."""

    config: BaseModel
    preset: str | None

    def start(self, config: BaseModel) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        self.start(self.config)

    def configure(self, command: BaseModel) -> None:
        """Start again with the settings `command` gives (the fields it does not leave null):
        no longer the example."""
        changes = command.model_dump(exclude={"type"}, exclude_none=True)
        self.start(type(self.config).model_validate({**self.config.model_dump(), **changes}))
        self.preset = None
