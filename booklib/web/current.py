"""The services of the running app, from the container it was built with: views call these and
never reach an adapter themselves."""

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


def backend_probe():
    return container().backend_probe()


def imports():
    return container().imports()


def tokens():
    return container().tokens()


def cover_images():
    return container().cover_images()
def stats():
    return container().stats()
