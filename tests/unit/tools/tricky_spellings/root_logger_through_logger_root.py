import logging


def setup(handler):
    logging.getLogger(__name__).root.addHandler(handler)
