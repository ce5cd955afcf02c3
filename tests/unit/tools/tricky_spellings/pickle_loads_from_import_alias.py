from pickle import loads as l


def read(data):
    return l(data)
