import pickle


def read(data):
    return getattr(pickle, "loads")(data)
