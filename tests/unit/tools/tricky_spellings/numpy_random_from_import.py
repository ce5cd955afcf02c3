from numpy import random

random.seed(1)
