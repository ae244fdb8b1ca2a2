"""The Qt layer: windows, widgets, the qasync bridge and application start-up.

Only this package imports PySide6, qasync or shiboken6 (ruff's banned-api and import-linter enforce it).
It calls down into `kisdesk.app`, `kisdesk.domain` and `kisdesk.api`; nothing below calls up into it.
"""
