//! The certificate policy: wire shape, the service's defaults, validation and partial updates.

use serde_json::{json, Value};

use super::x509::{KeySpec, ParsedCertificate};
use crate::errors::ServiceError;
pub(crate) use crate::storage::certificates::{IssuerParams, Policy, Sans};

/// `application/x-pkcs12`: the managed secret holds a base64 PFX.
pub(crate) const PKCS12: &str = "application/x-pkcs12";
/// `application/x-pem-file`: the managed secret holds PEM text.
pub(crate) const PEM: &str = "application/x-pem-file";

impl Sans {
    fn is_empty(&self) -> bool {
        [
            &self.emails,
            &self.dns_names,
            &self.upns,
            &self.uris,
            &self.ip_addresses,
        ]
        .iter()
        .all(|l| l.as_ref().is_none_or(Vec::is_empty))
    }
}

impl IssuerParams {
    /// The issuer name (`Unknown` when none is set).
    pub(crate) fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("Unknown")
    }
}

impl Policy {
    /// Whether the managed secret is PEM.
    pub(crate) fn is_pem(&self) -> bool {
        self.secret_props
            .content_type
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(PEM))
    }

    /// Whether the private key is exported in the managed secret.
    pub(crate) fn exportable(&self) -> bool {
        self.key_props.exportable.unwrap_or(true)
    }

    /// Fills the service's defaults and validates a policy given to create a certificate.
    pub(crate) fn complete_for_create(mut self, now: i64) -> Result<Policy, ServiceError> {
        let subject_empty = self
            .x509_props
            .subject
            .as_deref()
            .is_none_or(|s| s.trim().is_empty());
        let sans_empty = self.x509_props.sans.as_ref().is_none_or(Sans::is_empty);
        if subject_empty && sans_empty {
            return Err(ServiceError::bad_parameter(
                "The policy must specify a subject or subject alternative names (x509_props.subject or x509_props.sans).",
            ));
        }
        if subject_empty {
            self.x509_props.subject = Some(String::new());
        }
        // The service keeps no empty `sans` object: it answers without the key.
        if sans_empty {
            self.x509_props.sans = None;
        }
        if self.issuer.name.as_deref().is_none_or(str::is_empty) {
            self.issuer.name = Some("Unknown".into());
        }
        let spec = KeySpec::from_policy(&self)?;
        self.fill(spec, now)?;
        Ok(self)
    }

    /// The policy of an imported certificate: the request's policy completed with what the
    /// certificate says (subject, SANs, usages, validity, key type).
    pub(crate) fn complete_for_import(
        mut self,
        cert: &ParsedCertificate,
        default_content_type: &str,
        now: i64,
    ) -> Result<Policy, ServiceError> {
        let x = &mut self.x509_props;
        x.subject = Some(cert.subject.clone());
        let sans = &cert.sans;
        let list = |l: &Vec<String>| (!l.is_empty()).then(|| l.clone());
        let parsed = Sans {
            emails: list(&sans.emails),
            dns_names: list(&sans.dns_names),
            upns: list(&sans.upns),
            uris: list(&sans.uris),
            ip_addresses: list(&sans.ip_addresses),
        };
        x.sans = (!parsed.is_empty()).then_some(parsed);
        x.ekus = Some(cert.ekus.clone());
        x.key_usage = Some(cert.key_usage.clone());
        x.validity_months = Some(cert.validity_months);
        self.key_props.kty = Some(cert.key.kty().into());
        self.key_props.key_size = Some(cert.key.size());
        self.key_props.crv = cert.key.curve().map(str::to_string);
        if self.secret_props.content_type.is_none() {
            self.secret_props.content_type = Some(default_content_type.into());
        }
        if self.issuer.name.as_deref().is_none_or(str::is_empty) {
            self.issuer.name = Some("Unknown".into());
        }
        if self.lifetime_actions.is_none() {
            self.lifetime_actions = Some(Vec::new());
        }
        self.fill(cert.key, now)?;
        Ok(self)
    }

    fn fill(&mut self, spec: KeySpec, now: i64) -> Result<(), ServiceError> {
        let k = &mut self.key_props;
        k.exportable.get_or_insert(true);
        k.reuse_key.get_or_insert(false);
        k.kty.get_or_insert_with(|| spec.kty().into());
        if spec.curve().is_some() {
            k.crv = spec.curve().map(str::to_string);
        }
        k.key_size = Some(spec.size());
        let ct = self
            .secret_props
            .content_type
            .get_or_insert_with(|| PKCS12.into());
        if !ct.eq_ignore_ascii_case(PKCS12) && !ct.eq_ignore_ascii_case(PEM) {
            return Err(ServiceError::bad_parameter(format!(
                "Secret content type '{ct}' is not supported: use {PKCS12} or {PEM}."
            )));
        }
        let x = &mut self.x509_props;
        x.ekus.get_or_insert_with(Vec::new);
        x.key_usage.get_or_insert_with(|| match spec {
            KeySpec::Rsa(_) => vec!["digitalSignature".into(), "keyEncipherment".into()],
            _ => vec!["digitalSignature".into(), "keyAgreement".into()],
        });
        if x.validity_months == Some(0) {
            return Err(ServiceError::bad_parameter(
                "validity_months must be at least 1.",
            ));
        }
        x.validity_months.get_or_insert(12);
        x.basic_constraints
            .get_or_insert_with(|| json!({"ca": false}));
        let action = if self.issuer.name().eq_ignore_ascii_case("Unknown") {
            "EmailContacts"
        } else {
            "AutoRenew"
        };
        self.lifetime_actions.get_or_insert_with(|| {
            vec![json!({"trigger": {"lifetime_percentage": 80}, "action": {"action_type": action}})]
        });
        let a = &mut self.attributes;
        a.enabled.get_or_insert(true);
        a.created.get_or_insert(now);
        a.updated = Some(now);
        Ok(())
    }

    /// Applies a policy update (PATCH): the fields given replace the stored ones.
    pub(crate) fn merge(&mut self, update: Policy, now: i64) -> Result<(), ServiceError> {
        let k = update.key_props;
        let sk = &mut self.key_props;
        macro_rules! take {
            ($dst:expr, $($f:ident),*) => { $( if k.$f.is_some() { $dst.$f = k.$f; } )* };
        }
        take!(sk, exportable, kty, key_size, reuse_key, crv);
        if update.secret_props.content_type.is_some() {
            self.secret_props.content_type = update.secret_props.content_type;
        }
        let x = update.x509_props;
        let sx = &mut self.x509_props;
        if x.subject.is_some() {
            sx.subject = x.subject;
        }
        if x.ekus.is_some() {
            sx.ekus = x.ekus;
        }
        if x.sans.is_some() {
            sx.sans = x.sans.filter(|sans| !sans.is_empty());
        }
        if x.key_usage.is_some() {
            sx.key_usage = x.key_usage;
        }
        if x.validity_months.is_some() {
            sx.validity_months = x.validity_months;
        }
        if update.lifetime_actions.is_some() {
            self.lifetime_actions = update.lifetime_actions;
        }
        if update.issuer.name.is_some() {
            self.issuer.name = update.issuer.name;
        }
        if update.issuer.cty.is_some() {
            self.issuer.cty = update.issuer.cty;
        }
        if update.issuer.cert_transparency.is_some() {
            self.issuer.cert_transparency = update.issuer.cert_transparency;
        }
        if update.attributes.enabled.is_some() {
            self.attributes.enabled = update.attributes.enabled;
        }
        if self
            .key_props
            .kty
            .as_deref()
            .is_some_and(|k| k.starts_with("RSA"))
        {
            self.key_props.crv = None;
        }
        let spec = KeySpec::from_policy(self)?;
        self.fill(spec, now)
    }

    /// The wire JSON, with its `id`.
    pub(crate) fn to_json(&self, id: String) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_else(|_| json!({}));
        if let Some(o) = v.as_object_mut() {
            let mut out = serde_json::Map::new();
            out.insert("id".into(), json!(id));
            out.extend(std::mem::take(o));
            return Value::Object(out);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let p: Policy = serde_json::from_value(
            json!({"x509_props": {"subject": "CN=a"}, "issuer": {"name": "Self"}}),
        )
        .unwrap();
        let p = p.complete_for_create(100).unwrap();
        let v = p.to_json("id".into());
        assert_eq!(
            v["key_props"],
            json!({"exportable": true, "kty": "RSA", "key_size": 2048, "reuse_key": false})
        );
        assert_eq!(v["secret_props"]["contentType"], PKCS12);
        assert_eq!(v["x509_props"]["validity_months"], 12);
        assert_eq!(
            v["lifetime_actions"][0]["action"]["action_type"],
            "AutoRenew"
        );
        assert_eq!(
            v["attributes"],
            json!({"enabled": true, "created": 100, "updated": 100})
        );
        let none = Policy::default().complete_for_create(1).unwrap_err();
        assert_eq!(none.code, "BadParameter");
        let bad_ct: Policy = serde_json::from_value(json!({"x509_props": {"subject": "CN=a"}, "secret_props": {"contentType": "text/plain"}})).unwrap();
        assert!(bad_ct.complete_for_create(1).is_err());
    }
}
