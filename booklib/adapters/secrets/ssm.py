"""The secret key from an SSM Parameter Store SecureString, read once at cold start (api function only)."""

from __future__ import annotations

CLIENT_OPTIONS = dict(connect_timeout=3, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})


class SsmSecret:
    def __init__(self, client, name: str | None):
        self.client = client
        self.name = name

    def read(self) -> str:
        if not self.name:
            raise ValueError("No SSM parameter named for the secret key (SECRET_KEY_PARAMETER).")
        answer = self.client.get_parameter(Name=self.name, WithDecryption=True)
        return answer["Parameter"]["Value"]
