//! The create-certificate poller: polls `GET /certificates/{name}/pending` until the
//! operation completes, then reads the certificate.

use crate::models::{CertificateOperation, CertificateOperationStatus, KeyVaultCertificate};
use async_trait::async_trait;
use azure_core::http::Method;
use keyvault_core::{
    pipeline::deserialize,
    polling::{retry_after, Operation, Step},
    Error, KeyVaultPipeline, Result,
};
use url::Url;

/// What a create-certificate poller finishes with.
///
/// A certificate from `Self` or a known issuer is [`CreateCertificateResult::Issued`]. With
/// the `Unknown` issuer Key Vault only makes the key and a CSR: the poller then finishes at
/// once with [`CreateCertificateResult::AwaitingMerge`]; sign
/// [`CertificateOperation::csr`] with your CA and call
/// [`crate::CertificateClient::merge_certificate`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CreateCertificateResult {
    /// The certificate was issued.
    Issued(Box<KeyVaultCertificate>),
    /// The issuer is `Unknown`: the operation waits for the signed certificate to be merged.
    AwaitingMerge(Box<CertificateOperation>),
}

impl CreateCertificateResult {
    /// The issued certificate; an [`Error::OperationFailed`] when it awaits a merge.
    pub fn into_certificate(self) -> Result<KeyVaultCertificate> {
        match self {
            CreateCertificateResult::Issued(certificate) => Ok(*certificate),
            CreateCertificateResult::AwaitingMerge(operation) => {
                Err(Error::OperationFailed(format!(
                    "certificate '{}' was not issued: its issuer is Unknown and it awaits a merge of the signed CSR",
                    operation.name
                )))
            }
        }
    }

    /// The issued certificate, if it was issued.
    pub fn certificate(&self) -> Option<&KeyVaultCertificate> {
        match self {
            CreateCertificateResult::Issued(certificate) => Some(certificate),
            CreateCertificateResult::AwaitingMerge(_) => None,
        }
    }

    /// The pending operation, if the certificate awaits a merge.
    pub fn pending_operation(&self) -> Option<&CertificateOperation> {
        match self {
            CreateCertificateResult::AwaitingMerge(operation) => Some(operation),
            CreateCertificateResult::Issued(_) => None,
        }
    }
}

/// Polls the pending operation of one certificate.
pub(crate) struct CreateCertificate {
    /// `/certificates/{name}/pending`.
    pending: Url,
    /// `/certificates/{name}`.
    certificate: Url,
    /// The operation the create request returned, used by the first poll.
    initial: Option<CertificateOperation>,
}

impl CreateCertificate {
    pub(crate) fn new(
        pipeline: &KeyVaultPipeline,
        name: &str,
        initial: Option<CertificateOperation>,
    ) -> Self {
        CreateCertificate {
            pending: pipeline.url(&["certificates", name, "pending"]),
            certificate: pipeline.url(&["certificates", name]),
            initial,
        }
    }

    /// Resumes from a token (the pending operation's URL) of a poller of the same vault.
    pub(crate) fn from_continuation_token(
        pipeline: &KeyVaultPipeline,
        token: &str,
    ) -> Result<Self> {
        let url = pipeline.next_link(token)?;
        let segments: Vec<String> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        match segments.as_slice() {
            [c, name, p]
                if c.eq_ignore_ascii_case("certificates") && p.eq_ignore_ascii_case("pending") =>
            {
                keyvault_core::validation::validate_name("continuation_token", name)?;
                Ok(CreateCertificate::new(pipeline, name, None))
            }
            _ => Err(Error::invalid_argument(
                "continuation_token",
                "not the token of a create-certificate poller",
            )),
        }
    }

    /// What one look at the operation means. As in Python's poller, anything but
    /// `inProgress` ends the poll: `completed` with the certificate, anything else (failed,
    /// cancelled, a status this client does not know) with [`Error::OperationEnded`] carrying
    /// the operation, so that no poller waits forever on a state that will not change.
    pub(crate) fn judge(
        operation: CertificateOperation,
    ) -> Result<std::result::Result<CreateCertificateResult, CertificateOperation>> {
        match &operation.status {
            Some(CertificateOperationStatus::Completed) => Ok(Err(operation)),
            Some(CertificateOperationStatus::InProgress) if operation.awaits_merge() => Ok(Ok(
                CreateCertificateResult::AwaitingMerge(Box::new(operation)),
            )),
            Some(CertificateOperationStatus::InProgress) => Ok(Err(operation)),
            _ => Err(ended(operation)),
        }
    }
}

/// The error of an operation that ended without a certificate, with the service's code and
/// message, carrying the operation.
fn ended(operation: CertificateOperation) -> Error {
    Error::OperationEnded {
        message: failure_message(&operation),
        operation: std::sync::Arc::new(operation),
    }
}

fn failure_message(operation: &CertificateOperation) -> String {
    let status = operation
        .status
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let mut message = format!("creating certificate '{}' ended {status}", operation.name);
    if let Some(error) = &operation.error {
        message.push_str(&format!(": {error}"));
        let mut inner = error.inner.as_deref();
        while let Some(e) = inner {
            message.push_str(&format!(" ({e})"));
            inner = e.inner.as_deref();
        }
    }
    if let Some(details) = &operation.status_details {
        message.push_str(&format!("; {details}"));
    }
    if let Some(id) = &operation.request_id {
        message.push_str(&format!(" (issuer request id {id})"));
    }
    message
}

#[async_trait]
impl Operation<CreateCertificateResult> for CreateCertificate {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<CreateCertificateResult>> {
        let (operation, wait) = match self.initial.take() {
            Some(initial) => (initial, None),
            None => {
                let response = pipeline
                    .send(Method::Get, self.pending.clone(), None)
                    .await?;
                let wait = retry_after(&response);
                (
                    deserialize::<CertificateOperation>(response.body().as_ref())?,
                    wait,
                )
            }
        };
        match CreateCertificate::judge(operation)? {
            Ok(done) => Ok(Step::Done(done)),
            Err(op) if op.status == Some(CertificateOperationStatus::Completed) => {
                let certificate: KeyVaultCertificate = pipeline
                    .send_json(Method::Get, self.certificate.clone(), None)
                    .await?;
                Ok(Step::Done(CreateCertificateResult::Issued(Box::new(
                    certificate,
                ))))
            }
            Err(_) => Ok(Step::Pending { retry_after: wait }),
        }
    }

    fn continuation_token(&self) -> String {
        self.pending.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(json: &str) -> CertificateOperation {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn statuses_are_judged() {
        let running = op(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","issuer":{"name":"Self"},"status":"inProgress"}"#,
        );
        assert!(matches!(CreateCertificate::judge(running), Ok(Err(_))));
        let merge = op(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","issuer":{"name":"unknown"},"status":"inProgress","csr":"AQI="}"#,
        );
        let Ok(Ok(CreateCertificateResult::AwaitingMerge(o))) = CreateCertificate::judge(merge)
        else {
            panic!("an Unknown issuer awaits a merge");
        };
        assert_eq!(o.csr.as_deref(), Some(&[1u8, 2][..]));
        let failed = op(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","issuer":{"name":"Self"},"status":"failed","status_details":"nope","error":{"code":"BadIssuer","message":"the issuer said no","innererror":{"code":"Deeper"}},"request_id":"r1"}"#,
        );
        let err = CreateCertificate::judge(failed).unwrap_err();
        let carried = CertificateOperation::from_error(&err).expect("the operation");
        assert_eq!(carried.status, Some(CertificateOperationStatus::Failed));
        let text = err.to_string();
        for part in [
            "'c'",
            "failed",
            "BadIssuer",
            "the issuer said no",
            "Deeper",
            "nope",
            "r1",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let cancelled = op(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","status":"cancelled","cancellation_requested":true}"#,
        );
        assert!(CreateCertificate::judge(cancelled)
            .unwrap_err()
            .to_string()
            .contains("cancelled"));
        // A status this client does not know ends the poll too, rather than polling forever.
        let unknown =
            op(r#"{"id":"https://v.vault.azure.net/certificates/c/pending","status":"suspended"}"#);
        let err = CreateCertificate::judge(unknown).unwrap_err();
        assert_eq!(
            CertificateOperation::from_error(&err).unwrap().status,
            Some(CertificateOperationStatus::Other("suspended".into()))
        );
        let done = op(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","status":"completed","target":"https://v.vault.azure.net/certificates/c"}"#,
        );
        assert!(
            matches!(CreateCertificate::judge(done), Ok(Err(o)) if o.status == Some(CertificateOperationStatus::Completed))
        );
    }

    #[test]
    fn awaiting_merge_is_not_a_certificate() {
        let pending = op(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","issuer":{"name":"Unknown"},"status":"inProgress"}"#,
        );
        let result = CreateCertificateResult::AwaitingMerge(Box::new(pending));
        assert!(result.certificate().is_none());
        assert_eq!(result.pending_operation().unwrap().name, "c");
        let err = result.into_certificate().unwrap_err();
        assert!(err.to_string().contains("merge"), "{err}");
    }
}
