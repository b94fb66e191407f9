"""Names of a package loaded on first use (PEP 562): importing the package, or one of its modules,
costs nothing for the names a process never asks for."""

from importlib import import_module


def lazy_exports(package: str, modules: dict[str, str]):
    """`__getattr__` and `__dir__` for `package`, whose name N lives in its submodule modules[N]."""

    def __getattr__(name: str):
        if name not in modules:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{modules[name]}"), name)

    def __dir__():
        return sorted(modules)

    return __getattr__, __dir__
