"""The boto3 session every AWS client is made from, with a quicker answer to "does botocore know this
service?".

Before it loads a model, botocore checks the service exists by listing every one of the ~420 folders
of its data directory and the versions inside each (some 900 listdir and 1,800 stat calls), once per
kind of model: about 30 ms of each new Lambda container's first client (boto/botocore#3687 would drop
the walk upstream). This loader looks in the asked-for service's own folders first; only a service it
does not find there, or a caller that wants the whole list, gets botocore's full walk, so answers and
errors stay botocore's own."""

from __future__ import annotations

import os
from collections.abc import Sequence

import boto3
import botocore.session
from botocore.loaders import Loader


class ServiceFolderLoader(Loader):
    def list_available_services(self, type_name: str) -> "KnownServices":
        return KnownServices(self, type_name)

    def has_service(self, service_name: str, type_name: str) -> bool:
        """True when a search path holds service_name/<version>/<type_name>: the test botocore's walk applies
        to every folder."""
        for base in self.search_paths:
            folder = os.path.join(base, service_name)
            if os.path.isdir(folder):
                for version in os.listdir(folder):
                    if self.file_loader.exists(os.path.join(folder, version, type_name)):
                        return True
        return False


class KnownServices(Sequence):
    """botocore's sorted list of services, walked for only when read as a list."""

    def __init__(self, loader: ServiceFolderLoader, type_name: str):
        self._loader = loader
        self._type_name = type_name

    def __contains__(self, service_name) -> bool:
        return self._loader.has_service(service_name, self._type_name) or service_name in self._walked()

    def __getitem__(self, index):
        return self._walked()[index]

    def __len__(self) -> int:
        return len(self._walked())

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def _walked(self) -> list[str]:
        return Loader.list_available_services(self._loader, self._type_name)  # botocore caches it per loader


def new_session() -> boto3.session.Session:
    core = botocore.session.get_session()
    data_path = core.get_config_variable("data_path")  # AWS_DATA_PATH, as botocore's own loader reads it
    extra = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)] if data_path else []
    core.register_component("data_loader", ServiceFolderLoader(extra_search_paths=extra))
    return boto3.session.Session(botocore_session=core)
