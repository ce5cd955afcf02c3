"""0.x analysis paths (``nirs4all.visualization.analysis.branch.BranchAnalyzer``)."""
