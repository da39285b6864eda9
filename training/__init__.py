"""Model building: ``make model`` runs these (``python -m training.NAME``)."""
