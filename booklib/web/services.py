"""How views reach the services: through the container the app was built with."""

from flask import current_app

from booklib.container import Container


def container() -> Container:
    return current_app.extensions["booklib.container"]


def accounts():
    return container().accounts()


def library():
    return container().library()


def scanner():
    return container().scanner()
