//! `WWW-Authenticate` challenge parsing: never panics; what parses names a scope, a resource
//! or claims, and its derived scope, tenant and resource host never panic either.
#![no_main]

use keyvault_core::challenge::Challenge;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(c) = Challenge::parse(header) {
        assert!(c.scope.is_some() || c.resource.is_some() || c.claims.is_some());
        let _ = c.token_scope();
        let _ = c.tenant_id();
        let _ = c.resource_host();
    }
});
