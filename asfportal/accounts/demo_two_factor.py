"""Two-factor authentication for the demo users: one known authenticator key, so `make run` can be tried.

Like the demo password, the key is public; seed_demo and demo_code refuse to run with DEBUG off.
"""

from base64 import b32encode
from binascii import hexlify

# 20 bytes, as RFC 4226 recommends; public like the demo password.
DEMO_TOTP_KEY = b"ASF-portalen-demo-26"  # nosec B105  # demo only: seed_demo and demo_code refuse DEBUG off
DEMO_TOTP_KEY_BASE32 = b32encode(DEMO_TOTP_KEY).decode()


def demo_authenticator_add(user) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update_or_create(
        user=user,
        name="demo",
        defaults={"key": hexlify(DEMO_TOTP_KEY).decode(), "confirmed": True},
    )


def demo_code() -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(DEMO_TOTP_KEY).token():06d}"
