"""Scikit-learn estimators specific to spectra: transforms, splitters, augmentation."""
