"""The names pages offer as choices, taken from the engine and the labs' command types.

Templates embed them as `#np-names` (templates/partials/head.html), read by
`engineNames()` in static/js/core/i18n.js, so no script keeps its own copy of a list that
the engine or a lab defines.
"""

from typing import get_args

from neural_playground.app.labs.playground.spec import HiddenActivation
from neural_playground.engine.activations import ACTIVATION_NAMES
from neural_playground.engine.data.features import FEATURE_NAMES

PAGE_NAMES: dict[str, list[str]] = {
    "activations": list(ACTIVATION_NAMES),
    "features": list(FEATURE_NAMES),
    "playground_activations": list(get_args(HiddenActivation)),
}
