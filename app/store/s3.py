"""Documents in S3-compatible object storage (AWS S3, MinIO, Ceph, …) through boto3."""

from __future__ import annotations

import hashlib

from app.store.files import StoreError
from app.store.files import sha256
from config.settings import Settings


class S3Store:
    """Bytes under keys in one bucket; each object carries its SHA-256 as metadata."""

    def __init__(self, client, bucket: str):
        self.client = client
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings: Settings) -> "S3Store":
        import boto3
        from botocore.config import Config

        secret = settings.s3_secret_access_key
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(connect_timeout=10, read_timeout=60,
                          retries={"max_attempts": 5, "mode": "standard"}),
        )
        return cls(client, settings.s3_bucket)

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key`; return its SHA-256. Raises StoreError."""
        from botocore.exceptions import BotoCoreError
        from botocore.exceptions import ClientError

        digest = sha256(data)
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=data, Metadata={"sha256": digest},
                ChecksumSHA256=_b64_sha256(data),
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"opslaan in {self.bucket} mislukt: {exc}") from None
        return digest

    def get(self, key: str) -> bytes:
        """The bytes under `key`; raises StoreError when missing or unreachable."""
        from botocore.exceptions import BotoCoreError
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"document ontbreekt of onbereikbaar: {key} ({exc})") from None

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            return False
        return True

    def check(self) -> None:
        """Raise StoreError unless the bucket answers."""
        from botocore.exceptions import BotoCoreError
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"bucket {self.bucket} niet bereikbaar: {exc}") from None


def _b64_sha256(data: bytes) -> str:
    import base64

    return base64.b64encode(hashlib.sha256(data).digest()).decode()
