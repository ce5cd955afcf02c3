from joblib import load as restore


def read(path):
    return restore(path)
