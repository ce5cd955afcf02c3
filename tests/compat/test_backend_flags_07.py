"""0.7 style: check the optional back-ends before building a model."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from nirs4all.utils import backend
from nirs4all.utils.backend import (
    IKPLS_AVAILABLE,
    JAX_AVAILABLE,
    TF_AVAILABLE,
    TORCH_AVAILABLE,
    framework,
)


def test_flags_say_what_is_installed():
    for flag, module in ((TF_AVAILABLE, "tensorflow"), (TORCH_AVAILABLE, "torch"),
                         (JAX_AVAILABLE, "jax"), (IKPLS_AVAILABLE, "ikpls")):
        assert flag is (importlib.util.find_spec(module) is not None)
    assert backend.is_tensorflow_available() is TF_AVAILABLE
    assert backend.is_available("numpy")
    assert not backend.is_available("no_such_module_n4a")


def test_reading_the_flags_imports_no_framework():
    code = ("import sys; import nirs4all.utils.backend as b; "
            "print(b.IKPLS_AVAILABLE, b.is_gpu_available(), "
            "any(m in sys.modules for m in ('torch', 'tensorflow', 'jax', 'ikpls')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1:] == ["False", "False"]


def test_framework_decorator_tags_the_function():
    @framework("tensorflow")
    def build(input_shape):
        return input_shape

    assert build.framework == "tensorflow"
    assert build((3,)) == (3,)
    with pytest.raises(ValueError, match="framework must be one of"):
        framework("caffe")
