import pickle as p


def read(handle):
    return p.load(handle)
