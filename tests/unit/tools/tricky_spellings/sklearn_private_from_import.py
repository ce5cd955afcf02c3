from sklearn.utils._param_validation import Interval

BOUNDS = Interval
