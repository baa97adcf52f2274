//! Macros shared by the service crates.

/// Defines a service enum that keeps values it does not know.
///
/// The enum gets an `Other(String)` variant, `as_str`, `From<&str>`, `From<String>`,
/// `FromStr`, `Display` and serde as its wire string. Parsing prefers an exact match and then
/// accepts a known value in any case (the service compares several of these without case);
/// anything else is kept as `Other`, so a value newer than the crate survives a round trip.
///
/// ```
/// keyvault_core::string_enum! {
///     /// A colour.
///     pub enum Colour {
///         /// Red.
///         Red = "red",
///         /// Green.
///         Green = "green",
///     }
/// }
/// assert_eq!(Colour::from("RED"), Colour::Red);
/// assert_eq!(Colour::from("blue"), Colour::Other("blue".into()));
/// assert_eq!(serde_json::to_string(&Colour::Green).unwrap(), "\"green\"");
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, kept as the service sent it.
            Other(::std::string::String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [$name] = &[$( $name::$variant, )+];

            /// The wire form.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )+
                    $name::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $( if value == $value { return $name::$variant; } )+
                $( if value.eq_ignore_ascii_case($value) { return $name::$variant; } )+
                $name::Other(value.to_string())
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                // A visitor rather than a `String`: known values then cost no allocation.
                struct Visitor;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: $crate::__private::serde::de::Error>(
                        self,
                        value: &str,
                    ) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

/// Declares the options types of client operations, in the one shape every operation of every
/// crate takes (`options: Option<XOptions<'_>>`, last argument): the operation's optional
/// parameters as public fields, and `method_options`, azure_core's per-call
/// [`ClientMethodOptions`](azure_core::http::ClientMethodOptions) whose `context` every request
/// of the call carries. Each type is `Clone + Debug + Default`, so callers write
/// `Some(XOptions { field: ..., ..Default::default() })`.
///
/// A `list` type also has `max_page_size` and `continuation_token` (see
/// [`ListOptions`](crate::ListOptions)); a `poller` type has `polling_interval` and
/// `continuation_token` (see [`PollerOptions`](crate::PollerOptions)).
///
/// ```
/// keyvault_core::method_options! {
///     /// Options of `get_thing`.
///     pub struct GetThingOptions {
///         /// The version; the latest when `None`.
///         pub version: Option<String>,
///     }
///     /// Options of `list_things`.
///     list pub struct ListThingsOptions {}
///     /// Options of `begin_delete_thing`.
///     poller pub struct BeginDeleteThingOptions {}
/// }
/// let options = GetThingOptions { version: Some("1".into()), ..Default::default() };
/// assert!(options.method_options.context.value::<u8>().is_none());
/// let list = ListThingsOptions { max_page_size: Some(5), ..Default::default() };
/// assert_eq!(list.list_options().max_page_size, Some(5));
/// ```
#[macro_export]
macro_rules! method_options {
    () => {};
    (
        $(#[$meta:meta])*
        list pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty),* $(,)? }
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name<'a> {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Items per page (the data plane's `maxresults`, 1 to 25; Resource Manager's
            /// `$top`); the service's default when `None`.
            pub max_page_size: ::std::option::Option<u32>,
            /// Resume the list from a token given by an earlier pager.
            pub continuation_token: ::std::option::Option<::std::string::String>,
            /// Per-call options: the `Context` every request of this call carries.
            pub method_options: $crate::azure_core::http::ClientMethodOptions<'a>,
        }

        impl $name<'_> {
            /// The paging part of these options.
            pub fn list_options(&self) -> $crate::ListOptions {
                $crate::ListOptions {
                    max_page_size: self.max_page_size,
                    continuation_token: self.continuation_token.clone(),
                }
            }
        }
        $crate::method_options!($($rest)*);
    };
    (
        $(#[$meta:meta])*
        poller pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty),* $(,)? }
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name<'a> {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// The wait between polls when the service does not say; default two seconds.
            pub polling_interval: ::std::option::Option<::std::time::Duration>,
            /// Resume the operation from a token given by `Poller::continuation_token`
            /// instead of starting it.
            pub continuation_token: ::std::option::Option<::std::string::String>,
            /// The longest wait between two polls, whatever the service's `Retry-After`
            /// asks; default one minute.
            pub max_polling_interval: ::std::option::Option<::std::time::Duration>,
            /// Per-call options: the `Context` every request of this call carries.
            pub method_options: $crate::azure_core::http::ClientMethodOptions<'a>,
        }

        impl $name<'_> {
            /// The polling part of these options.
            pub fn poller_options(&self) -> $crate::PollerOptions {
                $crate::PollerOptions {
                    polling_interval: self.polling_interval,
                    continuation_token: self.continuation_token.clone(),
                    max_polling_interval: self.max_polling_interval,
                }
            }
        }
        $crate::method_options!($($rest)*);
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty),* $(,)? }
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name<'a> {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Per-call options: the `Context` every request of this call carries.
            pub method_options: $crate::azure_core::http::ClientMethodOptions<'a>,
        }
        $crate::method_options!($($rest)*);
    };
}

/// Implements what every data-plane client offers besides its operations, on a
/// `struct $client { pipeline: KeyVaultPipeline }`: `new`, `vault_url`, `api_version` and
/// `send_request`. `$options` is the client's options type (an alias of [`crate::ClientOptions`]),
/// `$url` the form of its vault URL, for the documentation, and `default_api_version` the version
/// it sends when the options name none. For the service crates: the
/// user agent names the crate that expands it.
///
/// Each client then gives the four methods an example:
/// `new { /// ... } vault_url { /// ... } api_version { /// ... } send_request { /// ... }`,
/// appended to each method's documentation.
#[doc(hidden)]
#[macro_export]
macro_rules! vault_client {
    (
        $client:ident, $options:ty, $url:literal, default_api_version = $default:expr,
        new { $(#[$new:meta])* }
        vault_url { $(#[$vault_url:meta])* }
        api_version { $(#[$api_version:meta])* }
        send_request { $(#[$send_request:meta])* }
    ) => {
        impl $client {
            #[doc = concat!("A client of the vault at `vault_url` (`", $url, "`). Without an `api_version` in the options it sends `", stringify!($default), "`.")]
            $(#[$new])*
            pub fn new(
                vault_url: &str,
                credential: ::std::sync::Arc<dyn $crate::azure_core::credentials::TokenCredential>,
                options: ::std::option::Option<$options>,
            ) -> $crate::Result<Self> {
                let mut options = options.unwrap_or_default();
                options.api_version.get_or_insert($default);
                let pipeline = $crate::KeyVaultPipeline::new(
                    vault_url,
                    credential,
                    options,
                    env!("CARGO_PKG_NAME"),
                    env!("CARGO_PKG_VERSION"),
                )?;
                Ok($client { pipeline })
            }

            /// The vault's URL, `https://{host}[:{port}]`, as in the ids the service returns.
            $(#[$vault_url])*
            pub fn vault_url(&self) -> &str {
                self.pipeline.vault_url().as_str().trim_end_matches('/')
            }

            /// The API version this client sends.
            $(#[$api_version])*
            pub fn api_version(&self) -> &$crate::ApiVersion {
                self.pipeline.api_version()
            }

            /// Sends a request of your own through this client's pipeline (challenge
            /// authentication, retries, request id) and returns the response whatever its
            /// status, for operations the client does not offer. The URL must point at this
            /// client's vault; the client's API version is added when the URL carries none.
            $(#[$send_request])*
            pub async fn send_request(
                &self,
                request: $crate::azure_core::http::Request,
            ) -> $crate::Result<$crate::azure_core::http::RawResponse> {
                self.pipeline.send_request(request).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        /// A test enum.
        pub enum Shape {
            /// Round.
            Round = "Round",
            /// Square.
            Square = "square",
        }
    }

    #[test]
    fn known_values_any_case_and_unknown_kept() {
        assert_eq!(Shape::from("Round"), Shape::Round);
        assert_eq!(Shape::from("round"), Shape::Round);
        assert_eq!("SQUARE".parse::<Shape>().unwrap(), Shape::Square);
        let other: Shape = serde_json::from_str("\"hexagon\"").unwrap();
        assert_eq!(other, Shape::Other("hexagon".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"hexagon\"");
        assert_eq!(Shape::Square.to_string(), "square");
        assert_eq!(Shape::KNOWN.len(), 2);
    }
}
