//! X.509 with real cryptography: key generation (aws-lc-rs through rcgen), self-signed certificates
//! and CSRs built from a policy (rcgen), and parsing of imported or merged certificates
//! (x509-parser).

use std::net::IpAddr;

use aws_lc_rs::encoding::AsDer as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, OtherNameValue, PublicKeyData as _, SanType, SerialNumber, SignatureAlgorithm,
};
use rustls::pki_types::PrivatePkcs8KeyDer;
use time::OffsetDateTime;
use x509_parser::asn1_rs::{Any, FromDer as _};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::x509::SubjectPublicKeyInfo;
use zeroize::Zeroizing;

use super::policy::Policy;
use crate::errors::ServiceError;

/// OID of the User Principal Name `otherName` SAN.
const UPN_OID: &[u64] = &[1, 3, 6, 1, 4, 1, 311, 20, 2, 3];

/// The kind and size of a certificate key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeySpec {
    /// RSA with this modulus size in bits.
    Rsa(u32),
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
}

impl KeySpec {
    /// The spec a policy asks for (`kty`, `key_size`, `crv`).
    pub(crate) fn from_policy(policy: &Policy) -> Result<KeySpec, ServiceError> {
        let kp = &policy.key_props;
        let kty = kp.kty.as_deref().unwrap_or("RSA");
        match kty {
            "RSA" | "RSA-HSM" => match kp.key_size.unwrap_or(2048) {
                size @ (2048 | 3072 | 4096) => Ok(KeySpec::Rsa(size)),
                other => Err(ServiceError::bad_parameter(format!(
                    "Key size {other} is not supported for RSA keys: use 2048, 3072 or 4096."
                ))),
            },
            "EC" | "EC-HSM" => match kp.crv.as_deref().unwrap_or("P-256") {
                "P-256" => Ok(KeySpec::P256),
                "P-384" => Ok(KeySpec::P384),
                "P-521" => Ok(KeySpec::P521),
                other => Err(ServiceError::bad_parameter(format!(
                    "Curve {other} is not supported for certificates: use P-256, P-384 or P-521."
                ))),
            },
            other => Err(ServiceError::bad_parameter(format!(
                "Key type {other} is not supported for certificates: use RSA or EC."
            ))),
        }
    }

    /// The signature algorithm a certificate or CSR signed by this key uses.
    fn algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            KeySpec::Rsa(_) => &rcgen::PKCS_RSA_SHA256,
            KeySpec::P256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeySpec::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeySpec::P521 => &rcgen::PKCS_ECDSA_P521_SHA512,
        }
    }

    /// `kty` of the policy's `key_props`.
    pub(crate) fn kty(self) -> &'static str {
        match self {
            KeySpec::Rsa(_) => "RSA",
            _ => "EC",
        }
    }

    /// `key_size` of the policy's `key_props`.
    pub(crate) fn size(self) -> u32 {
        match self {
            KeySpec::Rsa(bits) => bits,
            KeySpec::P256 => 256,
            KeySpec::P384 => 384,
            KeySpec::P521 => 521,
        }
    }

    /// `crv` of the policy's `key_props`, for EC keys.
    pub(crate) fn curve(self) -> Option<&'static str> {
        match self {
            KeySpec::Rsa(_) => None,
            KeySpec::P256 => Some("P-256"),
            KeySpec::P384 => Some("P-384"),
            KeySpec::P521 => Some("P-521"),
        }
    }
}

fn internal(what: &str) -> ServiceError {
    ServiceError::new(500, "InternalError", format!("{what} failed."))
}

/// A fresh private key, as PKCS#8 DER.
pub(crate) fn generate_key(spec: KeySpec) -> Result<Zeroizing<Vec<u8>>, ServiceError> {
    let pair = match spec {
        KeySpec::Rsa(bits) => {
            let size = match bits {
                2048 => rcgen::RsaKeySize::_2048,
                3072 => rcgen::RsaKeySize::_3072,
                _ => rcgen::RsaKeySize::_4096,
            };
            KeyPair::generate_rsa_for(spec.algorithm(), size)
        }
        _ => KeyPair::generate_for(spec.algorithm()),
    }
    .map_err(|_| internal("Key generation"))?;
    Ok(Zeroizing::new(pair.serialize_der()))
}

/// Loads a PKCS#8 key for signing with the algorithm of `spec`.
fn key_pair(pkcs8: &[u8], spec: KeySpec) -> Result<KeyPair, ServiceError> {
    KeyPair::from_pkcs8_der_and_sign_algo(&PrivatePkcs8KeyDer::from(pkcs8), spec.algorithm())
        .map_err(|_| ServiceError::bad_parameter("The private key is not valid for its key type."))
}

/// The DER `SubjectPublicKeyInfo` of a PKCS#8 private key.
pub(crate) fn public_key_of(pkcs8: &[u8], spec: KeySpec) -> Result<Vec<u8>, ServiceError> {
    Ok(key_pair(pkcs8, spec)?.subject_public_key_info())
}

/// Parses an RFC 4514-style distinguished name (`CN=a, O=b`, quotes and `\` escapes allowed).
pub(crate) fn parse_subject(subject: &str) -> Result<DistinguishedName, ServiceError> {
    let bad = || ServiceError::bad_parameter(format!("The subject name '{subject}' is invalid."));
    let mut dn = DistinguishedName::new();
    let mut parts = Vec::new();
    let (mut current, mut quoted, mut escaped) = (String::new(), false, false);
    for c in subject.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted || escaped {
        return Err(bad());
    }
    parts.push(current);
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (key, value) = part.split_once('=').ok_or_else(bad)?;
        let value = value.trim().to_string();
        let kind = match key.trim().to_ascii_uppercase().as_str() {
            "CN" => DnType::CommonName,
            "O" => DnType::OrganizationName,
            "OU" => DnType::OrganizationalUnitName,
            "C" => DnType::CountryName,
            "L" => DnType::LocalityName,
            "S" | "ST" => DnType::StateOrProvinceName,
            "E" | "EMAIL" | "EMAILADDRESS" => {
                let ia5 = value.clone().try_into().map_err(|_| bad())?;
                dn.push(
                    DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
                    DnValue::Ia5String(ia5),
                );
                continue;
            }
            "DC" => {
                let ia5 = value.clone().try_into().map_err(|_| bad())?;
                dn.push(
                    DnType::CustomDnType(vec![0, 9, 2342, 19200300, 100, 1, 25]),
                    DnValue::Ia5String(ia5),
                );
                continue;
            }
            "STREET" => DnType::CustomDnType(vec![2, 5, 4, 9]),
            "SERIALNUMBER" => DnType::CustomDnType(vec![2, 5, 4, 5]),
            other => DnType::CustomDnType(parse_oid(other).ok_or_else(bad)?),
        };
        dn.push(kind, DnValue::Utf8String(value));
    }
    Ok(dn)
}

/// Parses a dotted OID.
fn parse_oid(text: &str) -> Option<Vec<u64>> {
    let arcs: Option<Vec<u64>> = text.split('.').map(|a| a.parse().ok()).collect();
    arcs.filter(|a| a.len() >= 2)
}

fn key_usage(name: &str) -> Option<KeyUsagePurpose> {
    Some(match name {
        "digitalSignature" => KeyUsagePurpose::DigitalSignature,
        "nonRepudiation" => KeyUsagePurpose::ContentCommitment,
        "keyEncipherment" => KeyUsagePurpose::KeyEncipherment,
        "dataEncipherment" => KeyUsagePurpose::DataEncipherment,
        "keyAgreement" => KeyUsagePurpose::KeyAgreement,
        "keyCertSign" => KeyUsagePurpose::KeyCertSign,
        "cRLSign" => KeyUsagePurpose::CrlSign,
        "encipherOnly" => KeyUsagePurpose::EncipherOnly,
        "decipherOnly" => KeyUsagePurpose::DecipherOnly,
        _ => return None,
    })
}

/// Adds `months` calendar months (the day is clamped to the target month's length).
pub(crate) fn add_months(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = t.year() as i64 * 12 + (t.month() as i64 - 1) + months as i64;
    let (year, month0) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u8);
    let month = time::Month::try_from(month0 + 1).unwrap_or(time::Month::January);
    let day = t.day().min(month.length(year));
    let date = time::Date::from_calendar_date(year, month, day).unwrap_or(t.date());
    t.replace_date(date)
}

/// Whole calendar months from `nbf` to `exp`, rounded up (as the service reports `validity_months`
/// of imported certificates).
pub(crate) fn months_between(nbf: OffsetDateTime, exp: OffsetDateTime) -> u32 {
    let mut months =
        ((exp.year() - nbf.year()) * 12 + (exp.month() as i32 - nbf.month() as i32)).max(0) as u32;
    if add_months(nbf, months) < exp {
        months += 1;
    }
    months
}

/// Certificate parameters from a policy: subject, SANs, key usage, EKUs and validity.
fn params(policy: &Policy, now: OffsetDateTime) -> Result<CertificateParams, ServiceError> {
    let x509 = &policy.x509_props;
    let mut params = CertificateParams::default();
    params.distinguished_name = parse_subject(x509.subject.as_deref().unwrap_or(""))?;
    let sans = x509.sans.clone().unwrap_or_default();
    let ia5 = |kind: &str, v: &str| {
        rcgen::string::Ia5String::try_from(v.to_string()).map_err(|_| {
            ServiceError::bad_parameter(format!("The {kind} '{v}' of the policy is invalid."))
        })
    };
    for email in sans.emails.iter().flatten() {
        params
            .subject_alt_names
            .push(SanType::Rfc822Name(ia5("email", email)?));
    }
    for dns in sans.dns_names.iter().flatten() {
        params
            .subject_alt_names
            .push(SanType::DnsName(ia5("DNS name", dns)?));
    }
    for upn in sans.upns.iter().flatten() {
        params.subject_alt_names.push(SanType::OtherName((
            UPN_OID.to_vec(),
            OtherNameValue::Utf8String(upn.clone()),
        )));
    }
    for uri in sans.uris.iter().flatten() {
        params
            .subject_alt_names
            .push(SanType::URI(ia5("URI", uri)?));
    }
    for ip in sans.ip_addresses.iter().flatten() {
        let addr: IpAddr = ip.parse().map_err(|_| {
            ServiceError::bad_parameter(format!("The IP address '{ip}' of the policy is invalid."))
        })?;
        params.subject_alt_names.push(SanType::IpAddress(addr));
    }
    for usage in x509.key_usage.iter().flatten() {
        params.key_usages.push(key_usage(usage).ok_or_else(|| {
            ServiceError::bad_parameter(format!("The key usage '{usage}' is invalid."))
        })?);
    }
    for eku in x509.ekus.iter().flatten() {
        let arcs = parse_oid(eku).ok_or_else(|| {
            ServiceError::bad_parameter(format!("The enhanced key usage '{eku}' is not an OID."))
        })?;
        params
            .extended_key_usages
            .push(ExtendedKeyUsagePurpose::Other(arcs));
    }
    params.is_ca = IsCa::ExplicitNoCa;
    // As the service: valid from ten minutes ago for `validity_months` calendar months from now.
    let now = now.replace_nanosecond(0).unwrap_or(now);
    params.not_before = now - time::Duration::minutes(10);
    params.not_after = add_months(now, x509.validity_months.unwrap_or(12));
    let mut serial = [0u8; 16];
    aws_lc_rs::rand::fill(&mut serial).map_err(|_| internal("Serial number generation"))?;
    serial[0] &= 0x7f;
    params.serial_number = Some(SerialNumber::from(serial.to_vec()));
    Ok(params)
}

/// A self-signed certificate (DER) for the policy, signed by `pkcs8`.
pub(crate) fn self_signed(
    policy: &Policy,
    pkcs8: &[u8],
    spec: KeySpec,
    now: OffsetDateTime,
) -> Result<Vec<u8>, ServiceError> {
    let pair = key_pair(pkcs8, spec)?;
    let cert = params(policy, now)?
        .self_signed(&pair)
        .map_err(|_| internal("Certificate signing"))?;
    Ok(cert.der().to_vec())
}

/// A PKCS#10 certificate signing request (DER) for the policy, signed by `pkcs8`.
pub(crate) fn csr(
    policy: &Policy,
    pkcs8: &[u8],
    spec: KeySpec,
    now: OffsetDateTime,
) -> Result<Vec<u8>, ServiceError> {
    let pair = key_pair(pkcs8, spec)?;
    let mut params = params(policy, now)?;
    params.serial_number = None;
    let request = params
        .serialize_request(&pair)
        .map_err(|e| internal(&format!("Certificate request ({e})")))?;
    Ok(request.der().to_vec())
}

/// `x5t`: the base64url SHA-1 thumbprint of a DER certificate.
pub(crate) fn thumbprint(der: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// Subject alternative names read from a certificate.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedSans {
    pub(crate) emails: Vec<String>,
    pub(crate) dns_names: Vec<String>,
    pub(crate) upns: Vec<String>,
    pub(crate) uris: Vec<String>,
    pub(crate) ip_addresses: Vec<String>,
}

/// What the emulator needs to know about a certificate.
#[derive(Debug, Clone)]
pub(crate) struct ParsedCertificate {
    pub(crate) subject: String,
    pub(crate) nbf: i64,
    pub(crate) exp: i64,
    /// The DER `SubjectPublicKeyInfo`.
    pub(crate) spki: Vec<u8>,
    pub(crate) key: KeySpec,
    pub(crate) sans: ParsedSans,
    pub(crate) key_usage: Vec<String>,
    pub(crate) ekus: Vec<String>,
    pub(crate) validity_months: u32,
}

fn invalid_certificate() -> ServiceError {
    ServiceError::bad_parameter(
        "The specified X.509 certificate content is in an unexpected format. Please check if certificate is in valid PEM or PFX format.",
    )
}

/// The key spec of a DER `SubjectPublicKeyInfo`.
fn spec_of(spki: &SubjectPublicKeyInfo<'_>) -> Result<KeySpec, ServiceError> {
    match spki.parsed().map_err(|_| invalid_certificate())? {
        x509_parser::public_key::PublicKey::RSA(rsa) => Ok(KeySpec::Rsa(rsa.key_size() as u32)),
        x509_parser::public_key::PublicKey::EC(_) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => Ok(KeySpec::P256),
                Some("1.3.132.0.34") => Ok(KeySpec::P384),
                Some("1.3.132.0.35") => Ok(KeySpec::P521),
                _ => Err(ServiceError::bad_parameter(
                    "The certificate's elliptic curve is not supported: use P-256, P-384 or P-521.",
                )),
            }
        }
        _ => Err(ServiceError::bad_parameter(
            "The certificate's key type is not supported: use RSA or EC.",
        )),
    }
}

/// Parses a DER certificate.
pub(crate) fn parse(der: &[u8]) -> Result<ParsedCertificate, ServiceError> {
    let (rest, cert) = <X509Certificate<'_> as x509_parser::prelude::FromDer<'_, _>>::from_der(der)
        .map_err(|_| invalid_certificate())?;
    if !rest.is_empty() {
        return Err(invalid_certificate());
    }
    let mut sans = ParsedSans::default();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::RFC822Name(v) => sans.emails.push(v.to_string()),
                GeneralName::DNSName(v) => sans.dns_names.push(v.to_string()),
                GeneralName::URI(v) => sans.uris.push(v.to_string()),
                GeneralName::IPAddress(bytes) => {
                    let ip = match bytes.len() {
                        4 => <[u8; 4]>::try_from(*bytes).ok().map(IpAddr::from),
                        16 => <[u8; 16]>::try_from(*bytes).ok().map(IpAddr::from),
                        _ => None,
                    };
                    if let Some(ip) = ip {
                        sans.ip_addresses.push(ip.to_string());
                    }
                }
                GeneralName::OtherName(oid, value)
                    if oid.to_id_string() == "1.3.6.1.4.1.311.20.2.3" =>
                {
                    if let Ok((_, any)) = Any::from_der(value) {
                        // [0] EXPLICIT UTF8String
                        if let Ok((_, inner)) = Any::from_der(any.data) {
                            if let Ok(s) = std::str::from_utf8(inner.data) {
                                sans.upns.push(s.to_string());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut key_usage = Vec::new();
    if let Ok(Some(ext)) = cert.key_usage() {
        let ku = ext.value;
        for (set, name) in [
            (ku.digital_signature(), "digitalSignature"),
            (ku.non_repudiation(), "nonRepudiation"),
            (ku.key_encipherment(), "keyEncipherment"),
            (ku.data_encipherment(), "dataEncipherment"),
            (ku.key_agreement(), "keyAgreement"),
            (ku.key_cert_sign(), "keyCertSign"),
            (ku.crl_sign(), "cRLSign"),
            (ku.encipher_only(), "encipherOnly"),
            (ku.decipher_only(), "decipherOnly"),
        ] {
            if set {
                key_usage.push(name.to_string());
            }
        }
    }
    let mut ekus = Vec::new();
    if let Ok(Some(ext)) = cert.extended_key_usage() {
        let e = ext.value;
        for (set, oid) in [
            (e.server_auth, "1.3.6.1.5.5.7.3.1"),
            (e.client_auth, "1.3.6.1.5.5.7.3.2"),
            (e.code_signing, "1.3.6.1.5.5.7.3.3"),
            (e.email_protection, "1.3.6.1.5.5.7.3.4"),
            (e.time_stamping, "1.3.6.1.5.5.7.3.8"),
            (e.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
        ] {
            if set {
                ekus.push(oid.to_string());
            }
        }
        ekus.extend(e.other.iter().map(|o| o.to_id_string()));
    }
    let nbf = cert.validity().not_before.to_datetime();
    let exp = cert.validity().not_after.to_datetime();
    Ok(ParsedCertificate {
        subject: cert.subject().to_string(),
        nbf: nbf.unix_timestamp(),
        exp: exp.unix_timestamp(),
        spki: cert.public_key().raw.to_vec(),
        key: spec_of(cert.public_key())?,
        sans,
        key_usage,
        ekus,
        validity_months: months_between(nbf, exp),
    })
}

/// Converts a PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) key to PKCS#8.
pub(crate) fn to_pkcs8(label: &str, der: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServiceError> {
    let bad = || ServiceError::bad_parameter("The private key in the PEM content is not valid.");
    match label {
        "PRIVATE KEY" => Ok(Zeroizing::new(der.to_vec())),
        "RSA PRIVATE KEY" => {
            let pair = aws_lc_rs::rsa::KeyPair::from_der(der).map_err(|_| bad())?;
            let pkcs8: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().map_err(|_| bad())?;
            Ok(Zeroizing::new(pkcs8.as_ref().to_vec()))
        }
        "EC PRIVATE KEY" => {
            use aws_lc_rs::signature::{
                EcdsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING,
                ECDSA_P521_SHA512_ASN1_SIGNING,
            };
            for alg in [
                &ECDSA_P256_SHA256_ASN1_SIGNING,
                &ECDSA_P384_SHA384_ASN1_SIGNING,
                &ECDSA_P521_SHA512_ASN1_SIGNING,
            ] {
                if let Ok(pair) = EcdsaKeyPair::from_private_key_der(alg, der) {
                    let doc = pair.to_pkcs8v1().map_err(|_| bad())?;
                    return Ok(Zeroizing::new(doc.as_ref().to_vec()));
                }
            }
            Err(bad())
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let t = OffsetDateTime::from_unix_timestamp(1_430_344_421).unwrap();
        let exp = OffsetDateTime::from_unix_timestamp(2_208_988_799).unwrap();
        assert_eq!(months_between(t, exp), 297);
        let nbf = OffsetDateTime::from_unix_timestamp(1_636_058_701).unwrap();
        let exp = OffsetDateTime::from_unix_timestamp(1_667_595_301).unwrap();
        assert_eq!(months_between(nbf, exp), 13);
        let jan31 = time::macros::datetime!(2024-01-31 12:00 UTC);
        assert_eq!(
            add_months(jan31, 1),
            time::macros::datetime!(2024-02-29 12:00 UTC)
        );
        assert_eq!(
            add_months(jan31, 12),
            time::macros::datetime!(2025-01-31 12:00 UTC)
        );
    }

    #[test]
    fn subjects() {
        assert!(parse_subject("CN=a, O=\"b, c\", OU=d\\,e, C=US").is_ok());
        assert!(parse_subject("CN=x,1.2.3.4=y").is_ok());
        assert!(parse_subject("nonsense").is_err());
        assert!(parse_subject("CN=\"open").is_err());
    }

    #[test]
    fn self_signed_round_trip() {
        let policy: Policy = serde_json::from_value(serde_json::json!({
            "key_props": {"kty": "EC", "crv": "P-384"},
            "x509_props": {"subject": "CN=test", "sans": {"dns_names": ["a.example"], "upns": ["u@example.com"], "ipAddresses": ["10.0.0.1"]},
                           "key_usage": ["digitalSignature"], "ekus": ["1.3.6.1.5.5.7.3.1"], "validity_months": 6}
        }))
        .unwrap();
        let spec = KeySpec::from_policy(&policy).unwrap();
        assert_eq!(spec, KeySpec::P384);
        let key = generate_key(spec).unwrap();
        let now = OffsetDateTime::now_utc();
        let der = self_signed(&policy, &key, spec, now).unwrap();
        let parsed = parse(&der).unwrap();
        assert_eq!(parsed.subject, "CN=test");
        assert_eq!(parsed.key, KeySpec::P384);
        assert_eq!(parsed.sans.dns_names, vec!["a.example"]);
        assert_eq!(parsed.sans.upns, vec!["u@example.com"]);
        assert_eq!(parsed.sans.ip_addresses, vec!["10.0.0.1"]);
        assert_eq!(parsed.key_usage, vec!["digitalSignature"]);
        assert_eq!(parsed.ekus, vec!["1.3.6.1.5.5.7.3.1"]);
        assert_eq!(parsed.spki, public_key_of(&key, spec).unwrap());
        // Valid from ten minutes before issuance: read back, that is six months and ten minutes,
        // which the service rounds up (12-month certificates import as 13).
        assert_eq!(parsed.validity_months, 7);
        assert!(!csr(&policy, &key, spec, now).unwrap().is_empty());
        assert_eq!(thumbprint(&der).len(), 27);
    }
}
