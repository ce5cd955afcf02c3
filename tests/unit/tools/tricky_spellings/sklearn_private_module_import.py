import sklearn.utils._testing

HELPERS = sklearn.utils._testing
