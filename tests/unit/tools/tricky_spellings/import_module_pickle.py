import importlib


def read(data):
    codec = importlib.import_module("pickle")
    return codec.loads(data)
