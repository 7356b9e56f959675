from simple_history.models import HistoricalRecords


class TrackedHistory(HistoricalRecords):
    """django-simple-history's recorder, reachable from the model as ``Model.history_recorder``.

    A save that also changes many-to-many fields (tags, incidents) would otherwise leave one history record for the
    row and one more for each many-to-many change. ``testimony.history.single_record`` silences those and writes one
    record, with the final many-to-many state, through this recorder.
    """

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender.history_recorder = self
