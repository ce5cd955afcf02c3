"""Chemometric models: the PLS family and its relatives as scikit-learn estimators.

The public names are re-exported here as the modules land; each lives in a private module
with one method family (``_nipals.py``, ``_simpls.py``, ...).
"""
