"""unspin inside other tools' pipelines (each integration an optional extra)."""
