//! A tracer provider that records the spans it is given, to check a client's distributed
//! tracing against the emulator: give [`SpanRecorder::tracer_provider`] to the client options'
//! `instrumentation.tracer_provider`, run the operations, then read [`SpanRecorder::spans`].
//! Each span propagates a W3C `traceparent` ([`RecordedSpan::traceparent`]), which the
//! emulator's request log shows as `keyvault_emulator::RecordedRequest::traceparent`.

use azure_core::{
    http::{Context, Request},
    tracing::{
        AsAny, Attribute, AttributeValue, Span, SpanGuard, SpanKind, SpanStatus, Tracer,
        TracerProvider,
    },
};
use std::{
    borrow::Cow,
    sync::{Arc, Mutex},
};

/// One span as the tracer was given it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedSpan {
    /// Its id, unique within the recorder, from 1.
    pub id: u64,
    /// The id of its parent span, if it has one.
    pub parent: Option<u64>,
    /// Its name: `SecretClient.get_secret` for an operation, the method for an HTTP span.
    pub name: String,
    /// `"internal"` (an operation), `"client"` (an HTTP request) or `"other"`.
    pub kind: &'static str,
    /// Its attributes in the order given, values as text.
    pub attributes: Vec<(String, String)>,
    /// Whether it was given an error status or an error.
    pub error: bool,
    /// Whether it was ended.
    pub ended: bool,
}

impl RecordedSpan {
    /// The value of attribute `key`, the last one given.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The `traceparent` header this span propagates: trace 1, its id as span id.
    pub fn traceparent(&self) -> String {
        traceparent(self.id)
    }
}

fn traceparent(id: u64) -> String {
    format!("00-{:032x}-{id:016x}-01", 1u128)
}

/// Records every span of the tracers it provides. Cheap to share: hold it in an `Arc`.
#[derive(Debug, Default)]
pub struct SpanRecorder {
    spans: Mutex<Vec<RecordedSpan>>,
    namespaces: Mutex<Vec<Option<&'static str>>>,
}

impl SpanRecorder {
    /// A new, empty recorder.
    pub fn new() -> Arc<Self> {
        Arc::new(SpanRecorder::default())
    }

    /// The tracer provider to put in `ClientOptions::instrumentation`.
    pub fn tracer_provider(self: &Arc<Self>) -> Arc<dyn TracerProvider> {
        Arc::new(Provider(self.clone()))
    }

    /// Every span recorded so far, in the order they were started.
    pub fn spans(&self) -> Vec<RecordedSpan> {
        lock(&self.spans).clone()
    }

    /// The namespaces the tracers were asked for with (`az.namespace`).
    pub fn namespaces(&self) -> Vec<Option<&'static str>> {
        lock(&self.namespaces).clone()
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut RecordedSpan)) {
        if let Some(span) = lock(&self.spans).iter_mut().find(|s| s.id == id) {
            f(span);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::String(s) => s.clone(),
        AttributeValue::I64(i) => i.to_string(),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::F64(f) => f.to_string(),
        other => format!("{other:?}"),
    }
}

#[derive(Debug)]
struct Provider(Arc<SpanRecorder>);

impl TracerProvider for Provider {
    fn get_tracer(
        &self,
        namespace: Option<&'static str>,
        _crate_name: &'static str,
        _crate_version: Option<&'static str>,
    ) -> Arc<dyn Tracer> {
        lock(&self.0.namespaces).push(namespace);
        Arc::new(RecordingTracer {
            recorder: self.0.clone(),
            namespace,
        })
    }
}

#[derive(Debug)]
struct RecordingTracer {
    recorder: Arc<SpanRecorder>,
    namespace: Option<&'static str>,
}

impl RecordingTracer {
    fn start(
        &self,
        name: Cow<'static, str>,
        kind: SpanKind,
        attributes: Vec<Attribute>,
        parent: Option<u64>,
    ) -> Arc<dyn Span> {
        let mut spans = lock(&self.recorder.spans);
        let id = spans.len() as u64 + 1;
        spans.push(RecordedSpan {
            id,
            parent,
            name: name.into_owned(),
            kind: match kind {
                SpanKind::Internal => "internal",
                SpanKind::Client => "client",
                _ => "other",
            },
            attributes: attributes
                .iter()
                .map(|a| (a.key.to_string(), text(&a.value)))
                .collect(),
            error: false,
            ended: false,
        });
        Arc::new(RecordingSpan {
            id,
            recorder: self.recorder.clone(),
        })
    }
}

impl Tracer for RecordingTracer {
    fn start_span(
        &self,
        name: Cow<'static, str>,
        kind: SpanKind,
        attributes: Vec<Attribute>,
    ) -> Arc<dyn Span> {
        self.start(name, kind, attributes, None)
    }

    fn start_span_with_parent(
        &self,
        name: Cow<'static, str>,
        kind: SpanKind,
        attributes: Vec<Attribute>,
        parent: Arc<dyn Span>,
    ) -> Arc<dyn Span> {
        let parent = parent
            .as_any()
            .downcast_ref::<RecordingSpan>()
            .map(|p| p.id);
        self.start(name, kind, attributes, parent)
    }

    fn namespace(&self) -> Option<&'static str> {
        self.namespace
    }
}

struct RecordingSpan {
    id: u64,
    recorder: Arc<SpanRecorder>,
}

impl AsAny for RecordingSpan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

struct NoGuard;

impl SpanGuard for NoGuard {
    fn end(self) {}
}

impl Span for RecordingSpan {
    fn is_recording(&self) -> bool {
        true
    }

    fn span_id(&self) -> [u8; 8] {
        self.id.to_be_bytes()
    }

    fn end(&self) {
        self.recorder.update(self.id, |s| s.ended = true);
    }

    fn set_status(&self, status: SpanStatus) {
        let error = matches!(status, SpanStatus::Error { .. });
        self.recorder.update(self.id, |s| s.error |= error);
    }

    fn set_attribute(&self, key: &'static str, value: AttributeValue) {
        self.recorder.update(self.id, |s| {
            s.attributes.push((key.to_string(), text(&value)))
        });
    }

    fn record_error(&self, _error: &dyn std::error::Error) {
        self.recorder.update(self.id, |s| s.error = true);
    }

    fn set_current(&self, _context: &Context<'_>) -> Box<dyn SpanGuard> {
        Box::new(NoGuard)
    }

    fn propagate_headers(&self, request: &mut Request) {
        request.insert_header("traceparent", traceparent(self.id));
    }
}
