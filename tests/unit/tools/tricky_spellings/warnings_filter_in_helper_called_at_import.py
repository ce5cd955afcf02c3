import warnings


def _silence():
    warnings.simplefilter("ignore")


_silence()
