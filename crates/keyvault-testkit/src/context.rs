//! Per-call context for the clients' `method_options` tests: a value a test attaches to one
//! call, and a per-call policy that records, for each request, the value its `Context` carried.

use std::sync::{Arc, Mutex};

use azure_core::http::{
    policies::{Policy, PolicyResult},
    ClientMethodOptions, Context, Request,
};

/// A value a caller attaches to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTag(pub &'static str);

/// Per-call options whose context carries `CallTag(tag)`.
pub fn tagged(tag: &'static str) -> ClientMethodOptions<'static> {
    ClientMethodOptions {
        context: Context::new().with_value(CallTag(tag)),
    }
}

/// One request a [`TagRecorder`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedRequest {
    /// The method, `GET`.
    pub method: String,
    /// The URL's path.
    pub path: String,
    /// The tag the request's context carried.
    pub tag: Option<&'static str>,
}

/// A per-call policy (add it to `client_options.per_call_policies`) recording every request
/// with the [`CallTag`] of its context.
#[derive(Debug, Default)]
pub struct TagRecorder(Mutex<Vec<TaggedRequest>>);

impl TagRecorder {
    /// A new recorder, ready to be added to a client's options.
    pub fn new() -> Arc<TagRecorder> {
        Arc::new(TagRecorder::default())
    }

    /// Every request seen so far, in order.
    pub fn requests(&self) -> Vec<TaggedRequest> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// `(path, tag)` of every request seen so far.
    pub fn paths(&self) -> Vec<(String, Option<&'static str>)> {
        self.requests()
            .into_iter()
            .map(|r| (r.path, r.tag))
            .collect()
    }
}

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl Policy for TagRecorder {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let seen = TaggedRequest {
            method: request.method().to_string(),
            path: request.url().path().to_owned(),
            tag: ctx.value::<CallTag>().map(|t| t.0),
        };
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(seen);
        next[0].send(ctx, request, &next[1..]).await
    }
}
