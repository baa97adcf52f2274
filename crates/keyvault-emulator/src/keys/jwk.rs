//! Key material: generation, JSON Web Key import and export (public parts for responses, private
//! parts only for backups and releases).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::errors::ServiceError;
pub(crate) use crate::storage::keys::{EcKey, Material};

/// Encodes bytes as base64url without padding.
pub(crate) fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url (padded or not; plain base64 is accepted too, as the service does).
pub(crate) fn unb64u(field: &str, value: &str) -> Result<Vec<u8>, ServiceError> {
    let trimmed = value.trim().trim_end_matches('=');
    URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD.decode(value.trim()))
        .map_err(|_| {
            ServiceError::bad_parameter(format!("Property '{field}' is not valid base64url."))
        })
}

/// The elliptic curves of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P256K,
    P384,
    P521,
}

impl Curve {
    /// The JWK `crv` name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P256K => "P-256K",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Parses a `crv` name (`SECP256K1` is the legacy name of P-256K).
    pub(crate) fn parse(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-256K" | "SECP256K1" => Some(Curve::P256K),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }

    /// Size in bytes of a coordinate and of the private scalar.
    pub(crate) fn field_len(self) -> usize {
        match self {
            Curve::P256 | Curve::P256K => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

impl EcKey {
    pub(crate) fn curve(&self) -> Curve {
        match self {
            EcKey::P256(_) => Curve::P256,
            EcKey::P256K(_) => Curve::P256K,
            EcKey::P384(_) => Curve::P384,
            EcKey::P521(_) => Curve::P521,
        }
    }

    fn generate(curve: Curve) -> EcKey {
        match curve {
            Curve::P256 => EcKey::P256(p256::SecretKey::random(&mut OsRng)),
            Curve::P256K => EcKey::P256K(k256::SecretKey::random(&mut OsRng)),
            Curve::P384 => EcKey::P384(p384::SecretKey::random(&mut OsRng)),
            Curve::P521 => EcKey::P521(p521::SecretKey::random(&mut OsRng)),
        }
    }

    fn from_scalar(curve: Curve, d: &[u8]) -> Option<EcKey> {
        Some(match curve {
            Curve::P256 => EcKey::P256(p256::SecretKey::from_slice(d).ok()?),
            Curve::P256K => EcKey::P256K(k256::SecretKey::from_slice(d).ok()?),
            Curve::P384 => EcKey::P384(p384::SecretKey::from_slice(d).ok()?),
            Curve::P521 => EcKey::P521(p521::SecretKey::from_slice(d).ok()?),
        })
    }

    /// The uncompressed public point (x, y).
    pub(crate) fn public_xy(&self) -> (Vec<u8>, Vec<u8>) {
        use p256::elliptic_curve::sec1::ToEncodedPoint as _;
        macro_rules! xy {
            ($k:expr) => {{
                let point = $k.public_key().to_encoded_point(false);
                (
                    point.x().map(|x| x.to_vec()).unwrap_or_default(),
                    point.y().map(|y| y.to_vec()).unwrap_or_default(),
                )
            }};
        }
        match self {
            EcKey::P256(k) => xy!(k),
            EcKey::P256K(k) => xy!(k),
            EcKey::P384(k) => xy!(k),
            EcKey::P521(k) => xy!(k),
        }
    }

    fn scalar(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match self {
            EcKey::P256(k) => k.to_bytes().to_vec(),
            EcKey::P256K(k) => k.to_bytes().to_vec(),
            EcKey::P384(k) => k.to_bytes().to_vec(),
            EcKey::P521(k) => k.to_bytes().to_vec(),
        })
    }

    fn pkcs8(&self) -> Option<Zeroizing<Vec<u8>>> {
        use p256::pkcs8::EncodePrivateKey as _;
        let der = match self {
            EcKey::P256(k) => k.to_pkcs8_der().ok()?,
            EcKey::P256K(k) => k.to_pkcs8_der().ok()?,
            EcKey::P384(k) => k.to_pkcs8_der().ok()?,
            EcKey::P521(k) => k.to_pkcs8_der().ok()?,
        };
        Some(Zeroizing::new(der.as_bytes().to_vec()))
    }
}

/// The family of a key type, without the `-HSM` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Rsa,
    Ec,
    Oct,
}

impl Family {
    /// Parses a `kty` value; returns the family and whether it names an HSM key.
    pub(crate) fn parse(kty: &str) -> Option<(Family, bool)> {
        match kty {
            "RSA" => Some((Family::Rsa, false)),
            "RSA-HSM" => Some((Family::Rsa, true)),
            "EC" => Some((Family::Ec, false)),
            "EC-HSM" => Some((Family::Ec, true)),
            "oct" => Some((Family::Oct, false)),
            "oct-HSM" => Some((Family::Oct, true)),
            _ => None,
        }
    }

    /// The `kty` of a key of this family.
    pub(crate) fn kty(self, hsm: bool) -> &'static str {
        match (self, hsm) {
            (Family::Rsa, false) => "RSA",
            (Family::Rsa, true) => "RSA-HSM",
            (Family::Ec, false) => "EC",
            (Family::Ec, true) => "EC-HSM",
            (Family::Oct, false) => "oct",
            (Family::Oct, true) => "oct-HSM",
        }
    }

    /// The operations a new key of this family allows when the request names none.
    pub(crate) fn default_ops(self) -> Vec<String> {
        let ops: &[&str] = match self {
            Family::Rsa => &[
                "encrypt",
                "decrypt",
                "sign",
                "verify",
                "wrapKey",
                "unwrapKey",
            ],
            Family::Ec => &["sign", "verify"],
            Family::Oct => &["encrypt", "decrypt", "wrapKey", "unwrapKey"],
        };
        ops.iter().map(|s| s.to_string()).collect()
    }
}

/// Generates an RSA key with exponent 65537. Prime generation runs in AWS-LC (the TLS stack's
/// provider, always optimised); the key is then held and used by the `rsa` crate. Pure-Rust
/// generation of a 4096-bit key takes minutes in an unoptimised test build.
fn generate_rsa_f4(bits: usize) -> Option<RsaPrivateKey> {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::rsa::{KeyPair, KeySize};
    use rsa::pkcs8::DecodePrivateKey as _;
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        _ => return None,
    };
    let pair = KeyPair::generate(size).ok()?;
    let der = pair.as_der().ok()?;
    RsaPrivateKey::from_pkcs8_der(der.as_ref()).ok()
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Material::Rsa(k) => write!(f, "Material::Rsa({} bits, ..)", k.size() * 8),
            Material::Ec(k) => write!(f, "Material::Ec({}, ..)", k.curve().name()),
            Material::Oct(k) => write!(f, "Material::Oct({} bits, ..)", k.len() * 8),
        }
    }
}

/// RSA key sizes the service creates.
pub(crate) const RSA_SIZES: &[usize] = &[2048, 3072, 4096];
/// AES key sizes the service creates.
pub(crate) const OCT_SIZES: &[usize] = &[128, 192, 256];

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

fn invalid_key() -> ServiceError {
    bad("The JSON Web Key is invalid: its components do not form a valid key.")
}

impl Material {
    /// The family of this material.
    pub(crate) fn family(&self) -> Family {
        match self {
            Material::Rsa(_) => Family::Rsa,
            Material::Ec(_) => Family::Ec,
            Material::Oct(_) => Family::Oct,
        }
    }

    /// A new RSA key of `bits` bits with public exponent `exponent`.
    pub(crate) fn generate_rsa(bits: usize, exponent: u64) -> Result<Material, ServiceError> {
        if !RSA_SIZES.contains(&bits) {
            return Err(bad(format!(
                "Invalid key size: {bits}. The supported RSA key sizes are 2048, 3072 and 4096."
            )));
        }
        if exponent < 3 || exponent.is_multiple_of(2) || exponent > u64::from(u32::MAX) {
            return Err(bad(format!("Invalid public exponent: {exponent}.")));
        }
        if exponent == 65537 {
            if let Some(key) = generate_rsa_f4(bits) {
                return Ok(Material::Rsa(Box::new(key)));
            }
        }
        let key = RsaPrivateKey::new_with_exp(&mut OsRng, bits, &BigUint::from(exponent))
            .map_err(|_| bad(format!("Invalid public exponent: {exponent}.")))?;
        Ok(Material::Rsa(Box::new(key)))
    }

    /// A new EC key on `curve`.
    pub(crate) fn generate_ec(curve: Curve) -> Material {
        Material::Ec(EcKey::generate(curve))
    }

    /// A new AES key of `bits` bits.
    pub(crate) fn generate_oct(bits: usize) -> Result<Material, ServiceError> {
        if !OCT_SIZES.contains(&bits) {
            return Err(bad(format!(
                "Invalid key size: {bits}. The supported symmetric key sizes are 128, 192 and 256."
            )));
        }
        let mut key = Zeroizing::new(vec![0u8; bits / 8]);
        OsRng.fill_bytes(&mut key);
        Ok(Material::Oct(key))
    }

    /// Key size in bits (RSA modulus, EC field, AES key).
    pub(crate) fn bits(&self) -> usize {
        match self {
            Material::Rsa(k) => k.n().bits(),
            Material::Ec(k) => match k.curve() {
                Curve::P256 | Curve::P256K => 256,
                Curve::P384 => 384,
                Curve::P521 => 521,
            },
            Material::Oct(k) => k.len() * 8,
        }
    }

    /// The RSA public exponent, for rotations.
    pub(crate) fn rsa_exponent(&self) -> Option<u64> {
        match self {
            Material::Rsa(k) => {
                let bytes = k.e().to_bytes_be();
                (bytes.len() <= 8)
                    .then(|| bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
            }
            _ => None,
        }
    }

    /// A fresh key of the same family and size (rotation).
    pub(crate) fn regenerate(&self) -> Result<Material, ServiceError> {
        match self {
            Material::Rsa(_) => {
                let bits = self.bits().div_ceil(1024) * 1024;
                let bits = if RSA_SIZES.contains(&bits) {
                    bits
                } else {
                    2048
                };
                Material::generate_rsa(bits, self.rsa_exponent().unwrap_or(65537))
            }
            Material::Ec(k) => Ok(Material::generate_ec(k.curve())),
            Material::Oct(k) => Material::generate_oct(k.len() * 8),
        }
    }

    /// Adds the public JWK members (`n`/`e`, `crv`/`x`/`y`; nothing for `oct`).
    pub(crate) fn add_public(&self, jwk: &mut Map<String, Value>) {
        match self {
            Material::Rsa(k) => {
                jwk.insert("n".into(), json!(b64u(&k.n().to_bytes_be())));
                jwk.insert("e".into(), json!(b64u(&k.e().to_bytes_be())));
            }
            Material::Ec(k) => {
                let (x, y) = k.public_xy();
                jwk.insert("crv".into(), json!(k.curve().name()));
                jwk.insert("x".into(), json!(b64u(&x)));
                jwk.insert("y".into(), json!(b64u(&y)));
            }
            Material::Oct(_) => {}
        }
    }

    /// The complete private JWK (backups only).
    pub(crate) fn to_private_jwk(&self) -> Map<String, Value> {
        let mut jwk = Map::new();
        jwk.insert(
            "kty".into(),
            json!(match self.family() {
                Family::Rsa => "RSA",
                Family::Ec => "EC",
                Family::Oct => "oct",
            }),
        );
        self.add_public(&mut jwk);
        match self {
            Material::Rsa(k) => {
                jwk.insert("d".into(), json!(b64u(&k.d().to_bytes_be())));
                let primes = k.primes();
                if primes.len() >= 2 {
                    jwk.insert("p".into(), json!(b64u(&primes[0].to_bytes_be())));
                    jwk.insert("q".into(), json!(b64u(&primes[1].to_bytes_be())));
                }
            }
            Material::Ec(k) => {
                jwk.insert("d".into(), json!(b64u(&k.scalar())));
            }
            Material::Oct(k) => {
                jwk.insert("k".into(), json!(b64u(k)));
            }
        }
        jwk
    }

    /// The private key as PKCS#8 DER (RSA, EC) or the raw key (oct), for key release.
    pub(crate) fn export_bytes(&self) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            Material::Rsa(k) => {
                use rsa::pkcs8::EncodePrivateKey as _;
                let der = k.to_pkcs8_der().ok()?;
                Some(Zeroizing::new(der.as_bytes().to_vec()))
            }
            Material::Ec(k) => k.pkcs8(),
            Material::Oct(k) => Some(k.clone()),
        }
    }

    /// Reads a JWK with private parts (import, restore). `kty` is the family to expect.
    pub(crate) fn from_jwk(jwk: &Value) -> Result<Material, ServiceError> {
        let Some(obj) = jwk.as_object() else {
            return Err(bad("The property 'key' must be a JSON Web Key object."));
        };
        let kty = obj.get("kty").and_then(Value::as_str).unwrap_or_default();
        let Some((family, _)) = Family::parse(kty) else {
            return Err(bad(format!("Invalid kty value: {kty}")).with_inner("KeyTypeNotSupported"));
        };
        let field = |name: &str| -> Result<Option<Vec<u8>>, ServiceError> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => unb64u(name, s).map(Some),
                Some(_) => Err(bad(format!(
                    "Property '{name}' must be a base64url string."
                ))),
            }
        };
        let required = |name: &str| -> Result<Vec<u8>, ServiceError> {
            field(name)?.ok_or_else(|| {
                bad(format!(
                    "The JSON Web Key of type '{kty}' is missing the property '{name}'."
                ))
            })
        };
        match family {
            Family::Rsa => {
                let n = BigUint::from_bytes_be(&required("n")?);
                let e = BigUint::from_bytes_be(&required("e")?);
                let d = BigUint::from_bytes_be(&required("d")?);
                let primes = match (field("p")?, field("q")?) {
                    (Some(p), Some(q)) => {
                        vec![BigUint::from_bytes_be(&p), BigUint::from_bytes_be(&q)]
                    }
                    _ => Vec::new(),
                };
                let key =
                    RsaPrivateKey::from_components(n, e, d, primes).map_err(|_| invalid_key())?;
                let bits = key.size() * 8;
                if !(2048..=4096).contains(&bits) {
                    return Err(bad(format!(
                        "Invalid key size: {bits}. The supported RSA key sizes are 2048 to 4096."
                    )));
                }
                Ok(Material::Rsa(Box::new(key)))
            }
            Family::Ec => {
                let crv = obj.get("crv").and_then(Value::as_str).unwrap_or_default();
                let curve = Curve::parse(crv)
                    .ok_or_else(|| bad(format!("Invalid curve name: '{crv}'.")))?;
                let d = Zeroizing::new(required("d")?);
                if d.len() != curve.field_len() {
                    return Err(invalid_key());
                }
                let key = EcKey::from_scalar(curve, &d).ok_or_else(invalid_key)?;
                let (x, y) = key.public_xy();
                if field("x")?.is_some_and(|v| v != x) || field("y")?.is_some_and(|v| v != y) {
                    return Err(invalid_key());
                }
                Ok(Material::Ec(key))
            }
            Family::Oct => {
                let k = Zeroizing::new(required("k")?);
                if !OCT_SIZES.contains(&(k.len() * 8)) {
                    return Err(bad(format!(
                        "Invalid key size: {}. The supported symmetric key sizes are 128, 192 and 256.",
                        k.len() * 8
                    )));
                }
                Ok(Material::Oct(k))
            }
        }
    }
}

/// Serde for [`Material`] as a private JWK (what `KeyVersion` keeps): used only inside sealed
/// backup blobs and the state a persistence layer keeps.
impl serde::Serialize for Material {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Value::Object(self.to_private_jwk()).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Material {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Material, D::Error> {
        let value = Value::deserialize(d)?;
        Material::from_jwk(&value).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_and_oct_round_trip_through_private_jwk() {
        for curve in [Curve::P256, Curve::P256K, Curve::P384, Curve::P521] {
            let m = Material::generate_ec(curve);
            let back = Material::from_jwk(&Value::Object(m.to_private_jwk())).unwrap();
            assert_eq!(
                m.to_private_jwk(),
                back.to_private_jwk(),
                "{}",
                curve.name()
            );
            assert!(m.export_bytes().is_some());
        }
        let oct = Material::generate_oct(192).unwrap();
        assert_eq!(oct.bits(), 192);
        let back = Material::from_jwk(&Value::Object(oct.to_private_jwk())).unwrap();
        assert_eq!(back.bits(), 192);
        assert!(Material::generate_oct(512).is_err());
    }

    #[test]
    fn rsa_generation_and_import() {
        let started = std::time::Instant::now();
        let m = Material::generate_rsa(2048, 65537).unwrap();
        eprintln!("rsa 2048 generated in {:?}", started.elapsed());
        assert_eq!(m.bits(), 2048);
        assert_eq!(m.rsa_exponent(), Some(65537));
        let back = Material::from_jwk(&Value::Object(m.to_private_jwk())).unwrap();
        assert_eq!(back.to_private_jwk()["n"], m.to_private_jwk()["n"]);
        assert!(Material::generate_rsa(1024, 65537).is_err());
        assert!(Material::generate_rsa(2048, 4).is_err());
    }

    #[test]
    fn rejects_inconsistent_jwks() {
        let m = Material::generate_ec(Curve::P256);
        let mut jwk = m.to_private_jwk();
        jwk.insert("x".into(), json!(b64u(&[1u8; 32])));
        assert!(Material::from_jwk(&Value::Object(jwk)).is_err());
        let e = Material::from_jwk(&json!({"kty": "foo"})).unwrap_err();
        assert_eq!(e.inner.as_deref(), Some("KeyTypeNotSupported"));
        assert!(Material::from_jwk(&json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"})).is_err());
        assert!(format!("{m:?}").starts_with("Material::Ec(P-256"));
    }
}
