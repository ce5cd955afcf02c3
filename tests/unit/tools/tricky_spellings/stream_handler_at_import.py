import logging

logging.getLogger("nirs4all").addHandler(logging.StreamHandler())
