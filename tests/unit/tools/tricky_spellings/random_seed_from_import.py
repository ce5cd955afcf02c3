from random import seed

seed(2)
