import warnings


class Quiet:
    warnings.filterwarnings("ignore")
