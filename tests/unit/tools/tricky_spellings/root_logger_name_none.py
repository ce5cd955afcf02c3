import logging


def setup(handler):
    log = logging.getLogger(name=None)
    log.addHandler(handler)
