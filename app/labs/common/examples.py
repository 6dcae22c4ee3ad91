"""Whether a lab has left the example (preset) it loaded: the page then says "modified"."""

from pydantic import BaseModel


def left_example(
    settings: BaseModel,
    example: BaseModel | None,
    trained: bool,
    shown_only: frozenset[str] = frozenset(),
) -> bool:
    """Trained since `example` was loaded, or `settings` differ from the example's. Fields in
    `shown_only` only choose what is shown (a selected sample, a view): they do not count.
    No example loaded (`None`): there is nothing to leave."""
    if example is None:
        return False
    return trained or settings.model_dump(exclude=shown_only) != example.model_dump(
        exclude=shown_only
    )
