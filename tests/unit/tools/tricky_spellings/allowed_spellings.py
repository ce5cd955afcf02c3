"""Legitimate code next to the banned spellings: neither gate may report anything here."""

import copy
import logging
import pickle
import random
import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted

logger = logging.getLogger(__name__)
logging.getLogger("nirs4all").addHandler(logging.NullHandler())


def quiet_fit(model, features):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(features)


def generator(seed):
    return np.random.default_rng(np.random.SeedSequence(seed))


def own_random(seed):
    return random.Random(seed)


def dump(obj):
    return pickle.dumps(obj)


def shallow(obj):
    return copy.copy(obj)


def arrays(path):
    return np.load(path, allow_pickle=False)


def fitted(model):
    check_is_fitted(model)
    return model


def seed_of(expansion):
    return expansion.random.seed_used
