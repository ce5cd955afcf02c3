import sys
from warnings import filterwarnings as quiet

if sys.version_info >= (3, 11):
    quiet("ignore", category=DeprecationWarning)
