"""0.x import path of the controller extension point: custom step keywords.

See :mod:`nirs4all.pipeline._controllers`: a registered controller translates the step it
matches into ordinary steps at parse time.
"""

from nirs4all.pipeline._controllers import (
    CONTROLLER_REGISTRY,
    OperatorController,
    register_controller,
    unregister_controller,
)

__all__ = ["CONTROLLER_REGISTRY", "OperatorController", "register_controller",
           "unregister_controller"]
