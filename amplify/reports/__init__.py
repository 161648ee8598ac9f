"""Reports that go back to the movement (``/reports``, shared at ``/s/<token>``)."""
