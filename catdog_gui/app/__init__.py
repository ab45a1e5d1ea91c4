"""The Qt (PySide6) layer: a thin shell of widgets, models and workers over :mod:`catdog_gui.core`."""
