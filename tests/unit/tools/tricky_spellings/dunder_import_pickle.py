def read(data):
    return __import__("pickle").loads(data)
