"""Test PKI through the openssl CLI: a CA, a server certificate for 127.0.0.1 /
localhost, and an admin client certificate (CN=admin, O=system:masters).
EC P-256 keys keep generation well under a second.
"""

import os
import subprocess


def _openssl(*args, cwd):
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {proc.stderr.strip()}")


def _key(name, cwd):
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name, cwd=cwd)
    os.chmod(os.path.join(cwd, name), 0o600)


def _issue(cwd, name, subject, ext_lines):
    """Key + CSR + certificate signed by ca.crt, with the given v3 extensions."""
    _key(f"{name}.key", cwd)
    _openssl("req", "-new", "-key", f"{name}.key", "-subj", subject, "-out", f"{name}.csr", cwd=cwd)
    ext = os.path.join(cwd, f"{name}.ext")
    with open(ext, "w") as f:
        f.write("\n".join(ext_lines) + "\n")
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "3650", "-sha256", "-extfile", ext, "-out", f"{name}.crt", cwd=cwd)
    os.remove(os.path.join(cwd, f"{name}.csr"))
    os.remove(ext)


def generate(state_dir, client_users=()):
    """Write ca.crt/key, server.crt/key, client.crt/key (admin) and, for each
    (filename_stem, CN, O) in client_users, an extra client pair. A CA already
    in state_dir (ca.crt + ca.key) is kept, so a server restarted with a copy
    of it is trusted by the kubeconfigs of the first one."""
    have_ca = all(os.path.exists(os.path.join(state_dir, f)) for f in ("ca.crt", "ca.key"))
    if not have_ca:
        _key("ca.key", state_dir)
        _openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=meshpanel-test-ca", "-days", "3650",
                 "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.crt", cwd=state_dir)
    _issue(state_dir, "server", "/CN=meshpanel-test-apiserver",
           ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage=serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
    client_ext = ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment",
                  "extendedKeyUsage=clientAuth"]
    _issue(state_dir, "client", "/O=system:masters/CN=admin", client_ext)
    for stem, cn, org in client_users:
        subject = (f"/O={org}" if org else "") + f"/CN={cn}"
        _issue(state_dir, stem, subject, client_ext)
    srl = os.path.join(state_dir, "ca.srl")
    if os.path.exists(srl):
        os.remove(srl)
