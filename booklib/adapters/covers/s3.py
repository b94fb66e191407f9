"""CoverStore in an S3 bucket (COVERS_BUCKET): keys <book_id>/<size>.jpg, as the filesystem store
lays them out. The bucket is private: the app serves covers itself (booklib/web/covers.py)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from booklib.domain.covers import COVER_SIZES, check_cover_key

# The api function reads a cover per image request; the worker writes a few per job.
CLIENT_OPTIONS = dict(connect_timeout=3, read_timeout=10, retries={"max_attempts": 4, "mode": "standard"},
                      max_pool_connections=20)
MISSING = ("NoSuchKey", "404")


def cover_key(book_id: str, size: str) -> str:
    check_cover_key(book_id, size)
    return f"{book_id}/{size}.jpg"


class S3CoverStore:
    def __init__(self, client, bucket: str):
        if not bucket:
            raise ValueError("S3CoverStore needs a bucket (COVERS_BUCKET).")
        self.client = client
        self.bucket = bucket

    def put(self, book_id: str, images: dict[str, bytes]) -> None:
        keys = {size: cover_key(book_id, size) for size in images}
        for size, data in images.items():
            self.client.put_object(Bucket=self.bucket, Key=keys[size], Body=data, ContentType="image/jpeg")

    def get(self, book_id: str, size: str) -> bytes | None:
        key = cover_key(book_id, size)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise
        with answer["Body"] as body:
            return body.read()

    def delete(self, book_id: str) -> None:
        objects = [{"Key": cover_key(book_id, size)} for size in COVER_SIZES]
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})


class S3BucketProvisioner:
    """Creates the covers bucket (private, encrypted) on the configured endpoint, idempotently."""

    def __init__(self, client, bucket: str):
        self.client = client
        self.bucket = bucket

    def ensure(self) -> list[str]:
        try:
            self.client.head_bucket(Bucket=self.bucket)
            state = "exists"
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                raise
            region = self.client.meta.region_name
            options = {} if region in (None, "us-east-1") else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            self.client.create_bucket(Bucket=self.bucket, **options)
            state = "created"
        self.client.put_public_access_block(Bucket=self.bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        return [f"S3 bucket {self.bucket}: {state} (covers)"]
