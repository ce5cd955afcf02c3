from copy import deepcopy


def snapshot(features):
    return deepcopy(features)
