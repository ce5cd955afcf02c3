def reseed():
    __import__("numpy.random", fromlist=["seed"]).seed(0)
