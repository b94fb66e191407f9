"""`make run-lan`: a self-signed certificate for this machine's address, made once and kept."""

import ipaddress

from cryptography import x509

from booklib.web.lan import ensure_certificate, lan_address


def test_the_certificate_is_made_once_for_the_address_and_kept(tmp_path):
    cert_path, key_path = ensure_certificate(tmp_path, "192.168.1.20")
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("192.168.1.20") in names.get_values_for_type(x509.IPAddress)
    assert oct(key_path.stat().st_mode & 0o777) == "0o600"
    first = cert_path.read_bytes()
    assert ensure_certificate(tmp_path, "192.168.1.20") == (cert_path, key_path)
    assert cert_path.read_bytes() == first  # kept: the phone accepted it once
    ensure_certificate(tmp_path, "10.0.0.7")  # the laptop moved: a new one for the new address
    assert cert_path.read_bytes() != first


def test_the_lan_address_is_an_ip_address():
    assert ipaddress.ip_address(lan_address())
