from logging import getLogger


def setup(handler):
    getLogger("").addHandler(handler)
