//! Each Open API endpoint the product calls, as a typed request that knows its response type,
//! written from TikTok's reference page (the page is named on each type). Ids stay strings,
//! money stays a string (parsed exactly by [`super::normalize`]), times are unix seconds.
//! Responses are read tolerantly: unknown fields are ignored, missing ones default,
//! numbers-as-strings are accepted, and one unreadable element of a list is kept aside
//! ([`Items`]) instead of failing the whole page.

pub mod affiliate;
pub mod analytics;
pub mod finance;
pub mod orders;
pub mod products;
pub mod returns;
pub mod shops;

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::de;

pub use affiliate::*;
pub use analytics::*;
pub use finance::*;
pub use orders::*;
pub use products::*;
pub use returns::*;
pub use shops::*;

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST (searches: reads all the same).
    Post,
}

/// An Open API endpoint: a typed request that knows its response type.
pub trait ApiRequest: Send + Sync {
    /// The `data` of a successful envelope.
    type Response: DeserializeOwned + Send;
    /// The method.
    const METHOD: Method;
    /// The path, no host, no query (what is signed). Versioned as the reference documents.
    const PATH: &'static str;
    /// The call needs `shop_cipher` (a seller token); creator calls have none.
    const SHOP_SCOPED: bool;
    /// The scope the reference names for it.
    const SCOPE: &'static str;
    /// A read: retried on 429/5xx even when it is a POST search.
    const IDEMPOTENT_READ: bool = true;
    /// The path with any path parameters filled in (defaults to [`ApiRequest::PATH`]).
    fn path(&self) -> String {
        Self::PATH.to_string()
    }
    /// Endpoint query parameters (the send path adds `app_key`, `timestamp`, `sign`,
    /// `shop_cipher`).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The JSON body, serialised once: these exact bytes are signed and sent.
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        Ok(None)
    }
    /// Checks the request against the reference's documented ranges before it is sent.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A cursor-paginated request.
pub trait Paginated: ApiRequest + Clone {
    /// The same request for the page at `token` (`None`: the first page).
    fn at_page(&self, token: Option<String>) -> Self;
    /// The `page_size` it asks for (what bounds the pages a `total_count` allows).
    fn page_size(&self) -> u32;
}

/// A page of a cursor-paginated response.
pub trait Page {
    /// The token of the next page; `None` at the end (TikTok sends an empty string).
    fn next_page_token(&self) -> Option<&str>;
    /// `total_count`, when the endpoint reports one.
    fn total_count(&self) -> Option<i64> {
        None
    }
}

/// The `page_size` range an endpoint documents (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRange {
    /// Smallest allowed.
    pub min: u32,
    /// Largest allowed: what a backfill uses.
    pub max: u32,
}

impl PageRange {
    /// `1..=100`: orders, creator and seller affiliate orders, products, finance.
    pub const UP_TO_100: PageRange = PageRange { min: 1, max: 100 };
    /// `10..=50`: returns.
    pub const RETURNS: PageRange = PageRange { min: 10, max: 50 };
    /// `1..=50`: cancellations.
    pub const UP_TO_50: PageRange = PageRange { min: 1, max: 50 };

    /// An error unless `size` is inside the range.
    pub fn check(self, path: &str, size: u32) -> Result<(), String> {
        if (self.min..=self.max).contains(&size) {
            Ok(())
        } else {
            Err(format!(
                "page_size {size} is outside {path}'s documented range {}..={}",
                self.min, self.max
            ))
        }
    }
}

/// The response envelope's head: `{code, message, request_id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvelopeHead {
    /// 0 on success; `None` when the body is JSON but not an envelope.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub code: Option<i64>,
    /// TikTok's message.
    #[serde(default, deserialize_with = "de::string")]
    pub message: String,
    /// TikTok's request id.
    #[serde(default, deserialize_with = "de::string")]
    pub request_id: String,
}

/// The envelope's `data`.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvelopeData<T> {
    /// The payload.
    pub data: Option<T>,
}

/// `ASC`/`DESC` sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortOrder {
    /// Oldest first.
    #[serde(rename = "ASC")]
    Asc,
    /// Newest first.
    #[serde(rename = "DESC")]
    Desc,
}

impl SortOrder {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "ASC",
            SortOrder::Desc => "DESC",
        }
    }
}

/// `{amount, currency}`: analytics and affiliate money.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// The amount as TikTok wrote it (creator orders write `"Rp9.900"`).
    #[serde(default, deserialize_with = "de::string")]
    pub amount: String,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
}

/// A list whose elements are read one by one: an element that does not decode is kept aside
/// with the reason (and its `id` when it has one) instead of failing the page. Each element is
/// first kept as its text (`RawValue`), which serde's buffered content cannot give: an `Items`
/// field must not sit under `#[serde(flatten)]` or in an untagged or internally tagged enum.
#[derive(Clone, PartialEq)]
pub struct Items<T> {
    /// The elements that decoded.
    pub ok: Vec<T>,
    /// `(id, reason)` of those that did not.
    pub bad: Vec<(String, String)>,
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items {
            ok: Vec::new(),
            bad: Vec::new(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("ok", &self.ok)
            .field("bad", &self.bad)
            .finish()
    }
}

impl<T> Items<T> {
    /// How many elements the list had.
    pub fn len(&self) -> usize {
        self.ok.len() + self.bad.len()
    }

    /// Whether the list was empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(ok: Vec<T>) -> Self {
        Items {
            ok,
            bad: Vec::new(),
        }
    }
}

impl<T: Serialize> Serialize for Items<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.ok.serialize(s)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Each element is kept as its text and read as `T` straight from it; only one that does
        // not read that way is built into a `Value` and read from it (what TikTok's loose JSON
        // may need: a repeated key, say), and set aside with its id if that fails too.
        let raws = <Option<Vec<Box<RawValue>>>>::deserialize(d)?.unwrap_or_default();
        let mut items = Items::default();
        for raw in raws {
            let text = raw.get();
            let read = serde_json::from_str::<T>(text).or_else(|_| {
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(value) => serde_json::from_value::<T>(value).map_err(|e| e.to_string()),
                    // Text a `Value` refuses (a lone surrogate, a number out of range).
                    Err(e) => Err(e.to_string()),
                }
            });
            match read {
                Ok(item) => items.ok.push(item),
                Err(reason) => items.bad.push((element_id(text), reason)),
            }
        }
        Ok(items)
    }
}

/// The id of an element set aside: its first non-empty `id`, `return_id`, `order_id` or
/// `cancel_id` (a string or a number), or empty when it has none readable.
fn element_id(text: &str) -> String {
    #[derive(Deserialize)]
    struct Ids {
        #[serde(default, deserialize_with = "de::string")]
        id: String,
        #[serde(default, deserialize_with = "de::string")]
        return_id: String,
        #[serde(default, deserialize_with = "de::string")]
        order_id: String,
        #[serde(default, deserialize_with = "de::string")]
        cancel_id: String,
    }
    serde_json::from_str::<Ids>(text)
        .ok()
        .and_then(|ids| {
            [ids.id, ids.return_id, ids.order_id, ids.cancel_id]
                .into_iter()
                .find(|id| !id.is_empty())
        })
        .unwrap_or_default()
}

pub(crate) fn push_opt(
    query: &mut Vec<(&'static str, String)>,
    key: &'static str,
    value: &Option<impl ToString>,
) {
    if let Some(v) = value {
        query.push((key, v.to_string()));
    }
}

/// Implements [`Page`] for pages with `next_page_token` (and optionally `total_count`).
macro_rules! page_impl {
    ($($ty:ty),+ $(,)?) => {
        $(impl $crate::tiktok::api::Page for $ty {
            fn next_page_token(&self) -> Option<&str> {
                Some(self.next_page_token.as_str()).filter(|t| !t.trim().is_empty())
            }
        })+
    };
    (counted: $($ty:ty),+ $(,)?) => {
        $(impl $crate::tiktok::api::Page for $ty {
            fn next_page_token(&self) -> Option<&str> {
                Some(self.next_page_token.as_str()).filter(|t| !t.trim().is_empty())
            }
            fn total_count(&self) -> Option<i64> {
                Some(self.total_count)
            }
        })+
    };
}

/// Implements [`Paginated`] for requests with a `page_token` field.
macro_rules! paginated_impl {
    ($($ty:ty),+ $(,)?) => {
        $(impl $crate::tiktok::api::Paginated for $ty {
            fn at_page(&self, token: Option<String>) -> Self {
                Self { page_token: token, ..self.clone() }
            }
            fn page_size(&self) -> u32 {
                self.page_size
            }
        })+
    };
}

pub(crate) use {page_impl, paginated_impl};

#[cfg(test)]
mod tests {
    use super::Items;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Element {
        id: String,
        n: u32,
    }

    fn element(id: &str, n: u32) -> Element {
        Element { id: id.into(), n }
    }

    #[test]
    fn list_elements_are_read_one_by_one_and_those_that_do_not_decode_are_set_aside_with_their_id()
    {
        let items: Items<Element> = serde_json::from_str(
            r#"[{"id":"a","n":1},{"id":"b","n":2,"n":3},{"id":7,"n":"x"},{"order_id":"c"}]"#,
        )
        .unwrap();
        // A repeated key fails the direct read ("duplicate field"); read through a `Value`, as
        // a JSON object reads it, the last one counts.
        assert_eq!(items.ok, vec![element("a", 1), element("b", 3)]);
        let bad: Vec<&str> = items.bad.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(bad, ["7", "c"]);
        assert!(
            items.bad[1].1.contains("missing field `id`"),
            "{:?}",
            items.bad
        );
        assert_eq!(items.len(), 4);
        let none: Items<Element> = serde_json::from_str("null").unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn an_element_no_json_value_can_hold_is_set_aside_with_its_id() {
        let items: Items<Element> =
            serde_json::from_str(r#"[{"id":"d","n":"\ud800"},{"id":"e","n":5}]"#).unwrap();
        assert_eq!(items.ok, vec![element("e", 5)]);
        assert_eq!(items.bad.len(), 1);
        assert_eq!(items.bad[0].0, "d");
        assert!(items.bad[0].1.contains("escape"), "{:?}", items.bad);
    }

    #[test]
    fn a_list_inside_a_json_value_reads_the_same() {
        let items: Items<Element> = serde_json::from_value(serde_json::json!([
            {"id": "a", "n": 1},
            {"id": 7, "n": "x"},
        ]))
        .unwrap();
        assert_eq!(items.ok, vec![element("a", 1)]);
        assert_eq!(items.bad.len(), 1);
        assert_eq!(items.bad[0].0, "7");
    }
}
