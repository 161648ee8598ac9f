"""The press desk (``/press``): the media list, releases and story pitches (items), their
embargo and signed links, pitches to journalists and the coverage they led to."""
