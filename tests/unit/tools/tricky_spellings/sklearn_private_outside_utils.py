from sklearn.base import _fit_context

DECORATOR = _fit_context
