"""Learning from the region's decisions: training pairs and the re-ranker fitted on them."""
