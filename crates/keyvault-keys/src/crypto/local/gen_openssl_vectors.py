import json, base64, hashlib
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric import rsa, padding, ec, utils
from cryptography.hazmat.primitives import hashes
def b64d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def i(s): return int.from_bytes(b64d(s), 'big')
# The repository's eng/testdata, five levels above this script (crates/keyvault-keys/src/crypto/local).
TESTDATA = Path(__file__).resolve().parents[5] / 'eng' / 'testdata'
ex = json.load(open(TESTDATA / 'specs/data-plane/2026-04-01/Keys/examples/ImportKey-example.json'))
k = ex['parameters']['parameters']['key']
pub = rsa.RSAPublicNumbers(i(k['e']), i(k['n']))
priv = rsa.RSAPrivateNumbers(i(k['p']), i(k['q']), i(k['d']), i(k['dp']), i(k['dq']), i(k['qi']), pub).private_key()
digest = hashlib.sha256(b'sample').digest()
rs256 = priv.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
ps256 = priv.sign(digest, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), utils.Prehashed(hashes.SHA256()))
d384 = hashlib.sha384(b'sample').digest()
ps384 = priv.sign(d384, padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48), utils.Prehashed(hashes.SHA384()))
oaep = priv.public_key().encrypt(b'known answer', padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
oaep256 = priv.public_key().encrypt(b'known answer', padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
pkcs1 = priv.public_key().encrypt(b'known answer', padding.PKCS1v15())
print('RS256', rs256.hex()); print('PS256', ps256.hex()); print('PS384', ps384.hex())
print('OAEP', oaep.hex()); print('OAEP256', oaep256.hex()); print('PKCS1', pkcs1.hex())
for name, curve, h, size in [('P384', ec.SECP384R1(), hashlib.sha384, 48), ('P521', ec.SECP521R1(), hashlib.sha512, 66), ('K256', ec.SECP256K1(), hashlib.sha256, 32)]:
    key = ec.derive_private_key(0x1234567890ABCDEF1234567890ABCDEF, curve)
    nums = key.public_key().public_numbers()
    dg = h(b'sample').digest()
    der = key.sign(dg, ec.ECDSA(utils.Prehashed({48: hashes.SHA384(), 66: hashes.SHA512(), 32: hashes.SHA256()}[size])))
    r, s = utils.decode_dss_signature(der)
    n = curve.key_size
    sig = r.to_bytes(size, 'big') + s.to_bytes(size, 'big')
    print(name, 'x', nums.x.to_bytes(size,'big').hex()); print(name, 'y', nums.y.to_bytes(size,'big').hex()); print(name, 'sig', sig.hex())
