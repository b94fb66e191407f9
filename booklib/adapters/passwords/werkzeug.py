"""Password hashing with Werkzeug (scrypt)."""

from werkzeug.security import check_password_hash, generate_password_hash


class WerkzeugPasswordHasher:
    def __init__(self, method: str = "scrypt"):
        self.method = method

    def hash(self, password: str) -> str:
        return generate_password_hash(password, method=self.method)

    def verify(self, password_hash: str, password: str) -> bool:
        return check_password_hash(password_hash, password)
