import logging as L


def setup():
    L.basicConfig(level=L.INFO)
