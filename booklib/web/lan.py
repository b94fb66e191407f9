"""`make run-lan`: the app on the home network over HTTPS, so that a phone's camera may scan.

Browsers open the camera only on https:// pages (or localhost). A self-signed certificate for this
machine's address is made once in the instance folder and kept (the phone is asked to accept it
once, not at every start); it is made again only when the address changes. The add-book page shows
the address as a QR code (BOOKLIB_LAN_URL in the app's config).
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

CERT_NAME, KEY_NAME = "lan-cert.pem", "lan-key.pem"
# Apple devices refuse server certificates valid for more than 825 days.
CERT_DAYS = 825


def lan_address() -> str:
    """This machine's address on the local network: the one its default route leaves from. A UDP
    "connection" sends no packet; offline there is no route, and 127.0.0.1 is all there is."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered, never needs to be
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def ensure_certificate(folder: Path, address: str) -> tuple[Path, Path]:
    """The certificate and key for `address` in `folder`, made if missing or made for another address."""
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if cert_path.exists() and key_path.exists() and address in _certificate_addresses(cert_path):
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"booklib on {address}")])
    now = datetime.now(timezone.utc)
    names = [x509.IPAddress(ipaddress.ip_address(address)), x509.DNSName("localhost")]
    if address != "127.0.0.1":
        names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _certificate_addresses(cert_path: Path) -> set[str]:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return set()
    if cert.not_valid_after_utc < datetime.now(timezone.utc) + timedelta(days=1):
        return set()
    return {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve booklib on the home network over HTTPS.")
    parser.add_argument("--host", default="0.0.0.0", help="interface to listen on (default: all)")
    parser.add_argument("--port", type=int, default=5443)
    parser.add_argument("--address", help="the address phones use (default: this machine's LAN address)")
    args = parser.parse_args(argv)

    from booklib.config import Settings
    from booklib.web import create_app

    settings = Settings.from_env()
    address = args.address or lan_address()
    cert, key = ensure_certificate(Path(settings.instance_path), address)
    url = f"https://{address}:{args.port}"
    app = create_app(settings)
    app.config["BOOKLIB_LAN_URL"] = url
    print(f"\n  booklib on your network: {url}\n"
          f"  Open it on your phone (or scan the QR code on the add-book page), and accept the\n"
          f"  certificate warning once: the certificate is this laptop's own ({cert}).\n"
          f"  Anyone on this network can reach the app: use it on a network you trust.\n", flush=True)
    app.run(host=args.host, port=args.port, ssl_context=(str(cert), str(key)), threaded=True)


if __name__ == "__main__":
    main()
