//! Paged lists over `nextLink`.
//!
//! A [`Pager`] is a `futures::Stream` of items that fetches the next page only when the items
//! of the current one are used up, so memory stays flat however long the list. Use
//! [`Pager::into_pages`] to see page boundaries, and [`Pager::continuation_token`] to resume a
//! list later from the next page.

use crate::{
    error::{Error, Result},
    pipeline::KeyVaultPipeline,
};
use azure_core::http::Method;
use futures::{stream::BoxStream, Stream, StreamExt};
use serde::{de::DeserializeOwned, Deserialize};
use std::{
    fmt,
    pin::Pin,
    task::{Context, Poll},
};
use url::Url;

/// One page of a list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token of the page after this one; `None` on the last page.
    pub continuation_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct PageBody<T> {
    #[serde(default = "Vec::new", deserialize_with = "page_items")]
    value: Vec<T>,
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
}

/// The items of a page. JSON gives no length up front, so a plain `Vec` would grow (and move
/// every item) four times on the way to a page of 25; this one makes room for a full page at
/// the first item, and grows as usual beyond.
fn page_items<'de, D, T>(deserializer: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    struct Items<T>(std::marker::PhantomData<T>);

    impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Items<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of items")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Vec<T>, A::Error> {
            let Some(first) = seq.next_element()? else {
                return Ok(Vec::new());
            };
            let mut items = Vec::with_capacity(MAX_PAGE_SIZE as usize);
            items.push(first);
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_seq(Items(std::marker::PhantomData))
}

/// Options of every list operation.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Items per page (`maxresults`, 1 to 25); the service's default when `None`.
    pub max_page_size: Option<u32>,
    /// Resume a list from a token given by an earlier pager.
    pub continuation_token: Option<String>,
}

impl ListOptions {
    /// The pager of `segments`, or of the continuation token when one is given.
    pub fn pager<T: DeserializeOwned + Send + 'static>(
        self,
        pipeline: &KeyVaultPipeline,
        segments: &[&str],
    ) -> Result<Pager<T>> {
        let first = first_page_url(pipeline, segments, self.max_page_size)?;
        self.pager_at(pipeline, first)
    }

    /// The pager of the list whose first page is `first` (built by the caller, with a query
    /// of the operation's own such as `$filter`), or of the continuation token when one is
    /// given.
    pub fn pager_at<T: DeserializeOwned + Send + 'static>(
        self,
        pipeline: &KeyVaultPipeline,
        first: Url,
    ) -> Result<Pager<T>> {
        match self.continuation_token {
            Some(token) => {
                // A token resumes the list it came from: the service's next links keep the
                // path of the first page, so a token of another list (keys given to a secrets
                // list, another secret's versions) is refused before anything is sent.
                let next = pipeline.next_link(&token)?;
                let path = |url: &Url| url.path().trim_end_matches('/').to_ascii_lowercase();
                if path(&next) != path(&first) {
                    return Err(Error::invalid_argument(
                        "continuation_token",
                        format!(
                            "the token resumes the list at {}, not this list ({})",
                            next.path(),
                            first.path()
                        ),
                    ));
                }
                Ok(Pager::new(pipeline.clone(), next))
            }
            None => Ok(Pager::new(pipeline.clone(), first)),
        }
    }
}

/// The most items the service returns in one page.
pub const MAX_PAGE_SIZE: u32 = 25;

/// The URL of the first page: `segments` under the vault, with `maxresults` when given
/// (1 to 25).
pub fn first_page_url(
    pipeline: &KeyVaultPipeline,
    segments: &[&str],
    max_page_size: Option<u32>,
) -> Result<Url> {
    let mut url = pipeline.url(segments);
    if let Some(size) = max_page_size {
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(Error::invalid_argument(
                "max_page_size",
                format!("must be between 1 and {MAX_PAGE_SIZE}, got {size}"),
            ));
        }
        url.query_pairs_mut()
            .append_pair("maxresults", &size.to_string());
    }
    Ok(url)
}

/// A stream of pages.
pub struct PageStream<T> {
    inner: BoxStream<'static, Result<Page<T>>>,
}

impl<T> Stream for PageStream<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageStream")
    }
}

/// A stream of the items of a paged list.
///
/// ```no_run
/// # async fn f(mut pager: keyvault_core::Pager<String>) -> keyvault_core::Result<()> {
/// use futures::TryStreamExt;
/// while let Some(item) = pager.try_next().await? {
///     println!("{item}");
/// }
/// # Ok(()) }
/// ```
pub struct Pager<T> {
    pages: PageStream<T>,
    buffer: std::vec::IntoIter<T>,
    continuation: Option<String>,
    started: bool,
}

impl<T: DeserializeOwned + Send + 'static> Pager<T> {
    /// A pager whose first page is at `first`.
    pub fn new(pipeline: KeyVaultPipeline, first: Url) -> Self {
        let continuation = Some(first.to_string());
        let inner = futures::stream::try_unfold(Some(first), move |next| {
            let pipeline = pipeline.clone();
            async move {
                let Some(url) = next else {
                    return Ok(None);
                };
                let body: PageBody<T> = pipeline.send_json(Method::Get, url.clone(), None).await?;
                let next = match body.next_link.filter(|l| !l.is_empty()) {
                    Some(link) => Some(pipeline.next_link_from(&url, &link)?),
                    None => None,
                };
                let page = Page {
                    items: body.value,
                    continuation_token: next.as_ref().map(Url::to_string),
                };
                Ok(Some((page, next)))
            }
        })
        .boxed();
        Pager {
            pages: PageStream { inner },
            buffer: Vec::new().into_iter(),
            continuation,
            started: false,
        }
    }

    /// Resumes a list from a token given by [`Pager::continuation_token`] or [`Page`].
    pub fn from_continuation_token(pipeline: KeyVaultPipeline, token: &str) -> Result<Self> {
        let url = pipeline.next_link(token)?;
        Ok(Self::new(pipeline, url))
    }
}

impl<T: Send + 'static> Pager<T> {
    /// The token that resumes this list at the page after the items already fetched;
    /// `None` once the last page has been fetched.
    ///
    /// Items of the current page not yet read are not covered: take the token at a page
    /// boundary (see [`Pager::into_pages`]) to lose nothing.
    pub fn continuation_token(&self) -> Option<&str> {
        self.continuation.as_deref()
    }

    /// The remaining items as pages. Items already fetched but not yet read come first, as a
    /// page of their own.
    pub fn into_pages(self) -> PageStream<T> {
        let rest: Vec<T> = self.buffer.collect();
        if rest.is_empty() {
            return self.pages;
        }
        let first = Page {
            items: rest,
            continuation_token: self.continuation,
        };
        PageStream {
            inner: futures::stream::once(async move { Ok(first) })
                .chain(self.pages)
                .boxed(),
        }
    }
}

impl<T> Stream for Pager<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.started && self.continuation.is_none() {
                return Poll::Ready(None);
            }
            match self.pages.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => {
                    self.started = true;
                    self.continuation = page.continuation_token;
                    self.buffer = page.items.into_iter();
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

// The stream is boxed, so the pager moves freely.
impl<T> Unpin for Pager<T> {}

impl<T> fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("buffered", &self.buffer.len())
            .field("has_more", &self.continuation.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        api_version::ApiVersion,
        pipeline::ClientOptions,
        test_support::{CountingCredential, Reply, Server},
    };
    use futures::TryStreamExt;
    use std::sync::Arc;

    fn pipeline(server: &Arc<Server>) -> (KeyVaultPipeline, String) {
        let mut options = ClientOptions {
            api_version: Some(ApiVersion::V7_4),
            ..Default::default()
        };
        options.client_options.transport = Some(server.transport());
        let credential = CountingCredential::new(azure_core::time::Duration::hours(1));
        let host = crate::test_support::unique_vault_url("page");
        (
            KeyVaultPipeline::new(&host, credential, options, "t", "0").unwrap(),
            host,
        )
    }

    /// Three pages of two items; next links carry another api-version, as the service's do.
    fn three_pages() -> Arc<Server> {
        Server::authorized(|seen, _| {
            let page = if seen.url.contains("skip=2") {
                2
            } else if seen.url.contains("skip=1") {
                1
            } else {
                0
            };
            let host = seen.url.split("/secrets").next().unwrap().to_string();
            let next = if page < 2 {
                format!(
                    r#","nextLink":"{host}/secrets?api-version=2026-04-01&skip={}""#,
                    page + 1
                )
            } else {
                r#","nextLink":null"#.to_string()
            };
            Reply::json(
                200,
                &format!(r#"{{"value":[{},{}]{next}}}"#, page * 2, page * 2 + 1),
            )
        })
    }

    #[tokio::test]
    async fn items_stream_across_pages_with_our_api_version() {
        let server = three_pages();
        let (p, _) = pipeline(&server);
        let first = first_page_url(&p, &["secrets"], Some(2)).unwrap();
        let items: Vec<u32> = Pager::<u32>::new(p, first).try_collect().await.unwrap();
        assert_eq!(items, [0, 1, 2, 3, 4, 5]);
        let urls: Vec<_> = server.seen().into_iter().skip(1).map(|s| s.url).collect();
        assert!(urls[0].contains("maxresults=2"));
        assert!(
            urls.iter()
                .all(|u| u.contains("api-version=7.4") && !u.contains("2026-04-01")),
            "{urls:?}"
        );
    }

    #[tokio::test]
    async fn pages_and_continuation_tokens_lose_nothing() {
        let server = three_pages();
        let (p, _) = pipeline(&server);
        let mut pager: Pager<u32> = Pager::new(p.clone(), p.url(&["secrets"]));
        assert_eq!(pager.try_next().await.unwrap(), Some(0));
        let token = pager.continuation_token().unwrap().to_string();
        // The unread item of the first page comes first, as its own page.
        let pages: Vec<Page<u32>> = pager.into_pages().try_collect().await.unwrap();
        let items: Vec<Vec<u32>> = pages.iter().map(|p| p.items.clone()).collect();
        assert_eq!(items, [vec![1], vec![2, 3], vec![4, 5]]);
        let resumed: Vec<u32> = Pager::<u32>::from_continuation_token(p, &token)
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(resumed, [2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn a_next_link_to_another_host_is_refused() {
        let server = Server::authorized(|_, _| {
            Reply::json(
                200,
                r#"{"value":[1],"nextLink":"https://evil.example/secrets?x=1"}"#,
            )
        });
        let (p, _) = pipeline(&server);
        let mut pager: Pager<u32> = Pager::new(p.clone(), p.url(&["secrets"]));
        assert!(pager.try_next().await.is_err());
        assert_eq!(server.seen().len(), 2, "nothing sent to the other host");
    }

    #[tokio::test]
    async fn relative_next_links_are_followed_and_sent_as_written() {
        // The link is relative to the page that gave it, and its query carries characters a
        // form encoder would rewrite (`$`, `%20`, `+`, `/`).
        let server = Server::authorized(|seen, _| {
            if seen.url.contains("skiptoken") {
                Reply::json(200, r#"{"value":[2],"nextLink":null}"#)
            } else {
                Reply::json(
                    200,
                    r#"{"value":[1],"nextLink":"versions?$skiptoken=a%20b+c/d&api-version=2026-04-01&maxresults=1"}"#,
                )
            }
        });
        let (p, _) = pipeline(&server);
        let first = p.url(&["secrets", "s", "versions"]);
        let items: Vec<u32> = Pager::<u32>::new(p, first).try_collect().await.unwrap();
        assert_eq!(items, [1, 2]);
        let last = server.seen().last().unwrap().url.clone();
        assert!(
            last.ends_with("/secrets/s/versions?$skiptoken=a%20b+c/d&maxresults=1&api-version=7.4"),
            "{last}"
        );
    }

    #[tokio::test]
    async fn a_token_of_another_list_is_refused_before_sending() {
        let server = three_pages();
        let (p, host) = pipeline(&server);
        let token = format!("{host}/keys?api-version=7.4&$skiptoken=x");
        let options = ListOptions {
            continuation_token: Some(token),
            ..Default::default()
        };
        let err = options.pager::<u32>(&p, &["secrets"]).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { .. }) && err.to_string().contains("/keys"),
            "{err}"
        );
        // Another secret's versions are another list too; the same list, in any case, is not.
        let versions = |token: String| ListOptions {
            continuation_token: Some(token),
            ..Default::default()
        };
        assert!(versions(format!("{host}/secrets/a/versions?$skiptoken=x"))
            .pager::<u32>(&p, &["secrets", "b", "versions"])
            .is_err());
        assert!(versions(format!("{host}/Secrets/B/versions/?$skiptoken=x"))
            .pager::<u32>(&p, &["secrets", "b", "versions"])
            .is_ok());
        assert!(server.seen().is_empty(), "nothing was sent");
    }

    #[test]
    fn page_sizes_are_checked() {
        let server = three_pages();
        let (p, _) = pipeline(&server);
        for bad in [0, 26] {
            assert!(first_page_url(&p, &["secrets"], Some(bad)).is_err());
        }
        assert!(first_page_url(&p, &["secrets"], Some(25)).is_ok());
    }
}
