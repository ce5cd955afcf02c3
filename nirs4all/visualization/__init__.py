"""0.x plot paths (``nirs4all.visualization.predictions.PredictionAnalyzer``), ``viz`` extra."""
