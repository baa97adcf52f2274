//! Shared helpers of the integration tests: an emulator, a token, and JSON requests.
#![allow(dead_code)]

use keyvault_emulator::{Emulator, EmulatorOptions};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

pub const API: &str = "2026-04-01";

pub struct Harness {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

impl Harness {
    pub async fn new() -> Self {
        Self::with(EmulatorOptions::default()).await
    }

    pub async fn with(options: EmulatorOptions) -> Self {
        let emu = Emulator::start(options).await.expect("emulator starts");
        let http = emu.http_client();
        let mut h = Harness {
            emu,
            http,
            token: String::new(),
        };
        h.token = h.token_for("https://vault.azure.net/.default").await;
        h
    }

    /// Gets a token from the emulator's Entra endpoint.
    pub async fn token_for(&self, scope: &str) -> String {
        let r = self
            .token_request(&[
                ("client_id", self.emu.client_id()),
                ("client_secret", self.emu.client_secret()),
                ("grant_type", "client_credentials"),
                ("scope", scope),
            ])
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn token_request(&self, form: &[(&str, &str)]) -> Resp {
        let url = format!(
            "{}/{}/oauth2/v2.0/token",
            self.emu.endpoint(),
            self.emu.tenant_id()
        );
        self.form(&url, form).await
    }

    pub async fn form(&self, url: &str, form: &[(&str, &str)]) -> Resp {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("token request");
        into_resp(r).await
    }

    /// `{vault_url}{path}?api-version=API` (path may already hold a query).
    pub fn url(&self, vault: &str, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}api-version={API}", self.emu.vault_url(vault))
    }

    pub async fn call(&self, method: Method, url: &str, body: Option<Value>) -> Resp {
        self.call_with(method, url, body, Some(&self.token)).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        url: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Resp {
        let mut rb = self.http.request(method, url);
        if let Some(token) = token {
            rb = rb.bearer_auth(token);
        }
        if let Some(body) = body {
            rb = rb.json(&body);
        }
        into_resp(rb.send().await.expect("request sent")).await
    }

    pub async fn raw(&self, method: Method, url: &str, body: &'static str) -> Resp {
        let r = self
            .http
            .request(method, url)
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request sent");
        into_resp(r).await
    }

    pub async fn get(&self, vault: &str, path: &str) -> Resp {
        self.call(Method::GET, &self.url(vault, path), None).await
    }

    pub async fn put_secret(&self, vault: &str, name: &str, body: Value) -> Resp {
        self.call(
            Method::PUT,
            &self.url(vault, &format!("/secrets/{name}")),
            Some(body),
        )
        .await
    }
}

pub async fn into_resp(r: reqwest::Response) -> Resp {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
        text,
    }
}
