"""catdog's training tools (``python -m training.train``, ``.export``, ``.evaluate``, ...).

They need the ``[train]`` extra (PyTorch, torchvision, onnx, scikit-learn, ...), which ``pip install -e .`` alone
does not install. So that ``python -m training.train`` on such an install says that in one line instead of a
traceback, an uncaught ``ModuleNotFoundError`` for one of those packages prints the install command (any other
exception goes to the previous ``sys.excepthook`` unchanged).
"""

from __future__ import annotations

import sys

# Top-level import names of the [train] extra's packages (pyproject.toml).
TRAIN_EXTRA_MODULES = frozenset({"torch", "torchvision", "onnx", "onnxscript", "tqdm", "sklearn"})
INSTALL_HINT = "pip install -e \".[train]\""


def _missing_extra_hook(exc_type, exc, tb, previous=sys.excepthook):
    if issubclass(exc_type, ModuleNotFoundError) and (exc.name or "").split(".")[0] in TRAIN_EXTRA_MODULES:
        print(f"error: {exc.name} is not installed; the training tools need the [train] extra: {INSTALL_HINT}",
              file=sys.stderr)
        return
    previous(exc_type, exc, tb)


sys.excepthook = _missing_extra_hook
