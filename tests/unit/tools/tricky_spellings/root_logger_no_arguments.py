import logging


def setup(handler):
    logging.getLogger().addHandler(handler)
