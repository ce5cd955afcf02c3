import numpy as np


def read(path):
    return np.load(path, allow_pickle=True)
