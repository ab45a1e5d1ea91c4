"""Model ▸ Uncertain Threshold…: a percentage, with a button that goes back to the model's own value."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QLabel, QVBoxLayout, QWidget

__all__ = ["ThresholdDialog", "SAME_AS_MODEL"]

SAME_AS_MODEL = 5e-4  # a chosen threshold this close to the model's (0.05 points) is the model's: no override


class ThresholdDialog(QDialog):
    """Asks for the uncertain threshold, from 50.0% to 99.9% in steps of 0.1 point.

    Args:
        current: the threshold in use, a probability in (0, 1).
        model_value: the model's own threshold (its ``uncertain_threshold`` metadata), a probability.

    After ``exec()`` returns ``QDialog.Accepted``, :meth:`override` is the chosen threshold (a probability),
    or ``None`` for the model's own (the Reset button, or a value equal to it).
    """

    def __init__(self, current: float, model_value: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_value = model_value
        self.setWindowTitle(self.tr("Uncertain threshold"))
        self.spin = QDoubleSpinBox()
        self.spin.setRange(50.0, 99.9)
        self.spin.setDecimals(1)
        self.spin.setSingleStep(0.1)
        self.spin.setSuffix("%")
        self.spin.setValue(current * 100)
        text = QLabel(self.tr("A photo whose top probability is below this is uncertain (the model's own: {value}):")
                      .format(value=f"{model_value:.1%}"))
        text.setWordWrap(True)
        text.setBuddy(self.spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.reset_button = buttons.addButton(self.tr("&Reset to the model's default"),
                                              QDialogButtonBox.ButtonRole.ResetRole)
        self.reset_button.clicked.connect(self._reset)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.spin)
        layout.addWidget(buttons)

    def override(self) -> float | None:
        """The chosen threshold as a probability, or ``None`` when it is the model's own."""
        value = round(self.spin.value() / 100, 4)  # 99.9 -> 0.999, not 0.9990000000000001
        return None if abs(value - self.model_value) < SAME_AS_MODEL else value

    def _reset(self) -> None:
        self.spin.setValue(self.model_value * 100)
        self.accept()
