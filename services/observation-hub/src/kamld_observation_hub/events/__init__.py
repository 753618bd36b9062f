"""The activity and audit feed: who did what to which artifact, in the order it was recorded."""
