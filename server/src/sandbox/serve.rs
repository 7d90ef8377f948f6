//! What each endpoint answers: the reference's filters, sort orders and required parameters
//! applied to the persona's books, one page at a time.

use serde_json::{json, Value};

use super::openapi::{Call, Handler, Reject};
use super::personas::{AffiliateBook, OrderBook, OrderKind, DAY};
use super::render::{affiliate, finance, orders, shop};
use super::Switches;
use crate::tiktok::codes;

fn book(call: &Call<'_>) -> Result<OrderBook, Reject> {
    let shop = call
        .shop
        .ok_or_else(|| Reject::new(codes::SHOP_CIPHER, "Missing identifier. The `shop_cipher` query parameter is required to identify the target shop."))?;
    Ok(call.sandbox.book(shop, call.anchor))
}

fn creator_book(call: &Call<'_>) -> Result<AffiliateBook, Reject> {
    call.sandbox
        .affiliate_book(call.persona, call.anchor)
        .ok_or_else(|| {
            Reject::new(
                codes::WRONG_ACCOUNT,
                "Invalid query or header. The token has an invalid `user_type` for this endpoint.",
            )
        })
}

/// Whether `t` is inside the optional `[ge, lt)` bounds.
fn within(t: i64, ge: Option<i64>, lt: Option<i64>) -> bool {
    ge.is_none_or(|ge| t >= ge) && lt.is_none_or(|lt| t < lt)
}

/// Answers one authenticated call.
pub fn serve_api(call: &Call<'_>, handler: Handler, switches: Switches) -> Result<Value, Reject> {
    match handler {
        Handler::Shops => Ok(shop::authorized_shops(
            call.persona,
            call.sandbox.config.seed,
            call.account,
        )),
        Handler::OrderSearch => order_search(call, switches),
        Handler::OrderDetail => {
            let book = book(call)?;
            let ids: Vec<&str> = call
                .params
                .get("ids")
                .map(|s| s.split(',').filter(|s| !s.is_empty()).collect())
                .unwrap_or_default();
            if ids.is_empty() || ids.len() > 50 {
                return Err(Reject::new(
                    codes::REQUEST_ERROR,
                    "Invalid request parameter. ids must name 1 to 50 orders.",
                ));
            }
            let found: Vec<Value> = ids
                .iter()
                .filter_map(|id| orders::order_index(&book, id))
                .map(|i| orders::order(&book, i))
                .collect();
            Ok(json!({ "orders": found }))
        }
        Handler::Returns => {
            let book = book(call)?;
            let body = call.body_json()?;
            let (ge, lt) = (
                call.time_param(&body, "create_time_ge")?,
                call.time_param(&body, "create_time_lt")?,
            );
            let (uge, ult) = (
                call.time_param(&body, "update_time_ge")?,
                call.time_param(&body, "update_time_lt")?,
            );
            let statuses: Option<Vec<String>> = body
                .get("return_status")
                .and_then(|v| serde_json::from_value(v.clone()).ok());
            let wanted_orders: Option<Vec<String>> = body
                .get("order_ids")
                .and_then(|v| serde_json::from_value(v.clone()).ok());
            // Filtered on their facts; only the page is written out.
            let returns = book.returns();
            let matching: Vec<usize> = returns
                .iter()
                .enumerate()
                .filter(|(_, ret)| {
                    let facts = orders::return_facts(&book, **ret);
                    within(facts.create_time, ge, lt)
                        && within(facts.update_time, uge, ult)
                        && statuses
                            .as_ref()
                            .is_none_or(|s| s.iter().any(|s| s == ret.1))
                        && wanted_orders.as_ref().is_none_or(|ids| {
                            let order = orders::order_id(book.seed, book.shop, facts.order);
                            ids.contains(&order)
                        })
                })
                .map(|(r, _)| r)
                .collect();
            let (range, next) = call.page(matching.len() as u64)?;
            let page: Vec<Value> = range
                .map(|k| {
                    let r = matching[k as usize];
                    orders::return_order(&book, r, returns[r])
                })
                .collect();
            Ok(json!({
                "return_orders": page,
                "total_count": matching.len(),
                "next_page_token": next,
            }))
        }
        Handler::Cancellations => {
            let book = book(call)?;
            let cancelled: Vec<u64> = (0..book.len())
                .filter(|i| book.kind(*i) == OrderKind::Cancelled)
                .collect();
            let (range, next) = call.page(cancelled.len() as u64)?;
            let page: Vec<Value> = range
                .map(|k| {
                    let i = cancelled[k as usize];
                    let o = orders::order(&book, i);
                    json!({
                        "cancel_id": format!("8{}", o["id"].as_str().unwrap_or_default()),
                        "order_id": o["id"],
                        "cancel_type": "BUYER_CANCEL",
                        "cancel_status": "CANCELLATION_REQUEST_COMPLETE",
                        "role": "BUYER",
                        "create_time": o["cancel_time"],
                        "update_time": o["cancel_time"],
                        "refund_amount": { "currency": o["payment"]["currency"], "refund_total": o["payment"]["total_amount"] },
                    })
                })
                .collect();
            Ok(json!({
                "cancellations": page,
                "total_count": cancelled.len(),
                "next_page_token": next,
            }))
        }
        Handler::Products => {
            let book = book(call)?;
            let body = call.body_json()?;
            let ge = call.time_param(&body, "create_time_ge")?;
            let le = call.time_param(&body, "create_time_le")?;
            let matching: Vec<u64> = (0..shop::product_count(&book))
                .filter(|q| {
                    let t = shop::product_time(&book, *q);
                    ge.is_none_or(|ge| t >= ge) && le.is_none_or(|le| t <= le)
                })
                .collect();
            if matching.len() > 10_000 {
                return Err(Reject::new(
                    12052180,
                    "The total number of search results can not exceed 10000.",
                ));
            }
            let (range, next) = call.page(matching.len() as u64)?;
            let products: Vec<Value> = range
                .map(|k| shop::product(&book, matching[k as usize]))
                .collect();
            Ok(
                json!({ "products": products, "total_count": matching.len(), "next_page_token": next }),
            )
        }
        Handler::Statements | Handler::Payments => {
            let book = book(call)?;
            let statements = handler == Handler::Statements;
            let (sort, ge_key, lt_key, time_key) = if statements {
                (
                    "statement_time",
                    "statement_time_ge",
                    "statement_time_lt",
                    "statement_time",
                )
            } else {
                (
                    "create_time",
                    "create_time_ge",
                    "create_time_lt",
                    "create_time",
                )
            };
            call.require("sort_field", &[sort])?;
            let none = json!({});
            let (ge, lt) = (
                call.time_param(&none, ge_key)?,
                call.time_param(&none, lt_key)?,
            );
            let all: Vec<Value> = if statements || finance::has_payments(&book) {
                finance::statements(&book)
                    .into_iter()
                    .map(|(s, p)| if statements { s } else { p })
                    .filter(|v| within(v[time_key].as_i64().unwrap_or(0), ge, lt))
                    .collect()
            } else {
                Vec::new()
            };
            let (range, next) = call.page(all.len() as u64)?;
            let key = if statements { "statements" } else { "payments" };
            Ok(
                json!({ key: all[range.start as usize..range.end as usize], "next_page_token": next }),
            )
        }
        Handler::Withdrawals => {
            let book = book(call)?;
            if call.params.get("types").is_none_or(|t| t.is_empty()) {
                return Err(Reject::new(
                    codes::REQUEST_ERROR,
                    "Invalid request parameter. types is required.",
                ));
            }
            let all = finance::withdrawals(&book);
            let (range, next) = call.page(all.len() as u64)?;
            Ok(
                json!({ "withdrawals": all[range.start as usize..range.end as usize], "total_count": all.len(), "next_page_token": next }),
            )
        }
        Handler::Unsettled => {
            let book = book(call)?;
            call.require("sort_field", &["order_create_time"])?;
            let none = json!({});
            let (ge, lt) = (
                call.time_param(&none, "search_time_ge")?,
                call.time_param(&none, "search_time_lt")?,
            );
            let all: Vec<Value> = finance::unsettled(&book)
                .into_iter()
                .filter(|v| within(v["order_create_time"].as_i64().unwrap_or(0), ge, lt))
                .collect();
            let sum = |key: &str| -> String {
                let total: f64 = all
                    .iter()
                    .filter_map(|v| v[key].as_str()?.parse::<f64>().ok())
                    .sum();
                format!("{total}")
            };
            let (range, next) = call.page(all.len() as u64)?;
            Ok(json!({
                "transactions": all[range.start as usize..range.end as usize],
                "total_count": all.len(),
                "next_page_token": next,
                "sum_est_settlement_amount": sum("est_settlement_amount"),
                "sum_est_revenue_amount": sum("est_revenue_amount"),
            }))
        }
        Handler::CreatorOrders => {
            let book = creator_book(call)?;
            let body = call.body_json()?;
            let (ge, lt) = (
                call.time_param(&body, "create_time_ge")?,
                call.time_param(&body, "create_time_lt")?,
            );
            let matching: Vec<u64> = (0..book.len())
                .filter(|i| within(book.create_time(*i), ge, lt))
                .collect();
            let (range, next) = call.page(matching.len() as u64)?;
            let found: Vec<Value> = range
                .map(|k| affiliate::creator_order(call.persona, &book, matching[k as usize]))
                .collect();
            Ok(json!({ "orders": found, "next_page_token": next, "total_count": matching.len() }))
        }
        Handler::CreatorProfile => {
            affiliate::profile(call.persona, call.account).ok_or_else(|| {
                Reject::new(
                    codes::CREATOR_NO_SALE_REGION,
                    "no sale region error; detail: creator has no sale region.",
                )
            })
        }
        Handler::SellerAffiliateOrders => {
            let book = book(call)?;
            let body = call.body_json()?;
            let (ge, lt) = (
                call.time_param(&body, "create_time_ge")?,
                call.time_param(&body, "create_time_lt")?,
            );
            let from = ge.map(|t| book.first_at_or_after(t)).unwrap_or(0);
            let until = lt
                .map(|t| book.first_at_or_after(t))
                .unwrap_or(book.len())
                .max(from);
            let matching = affiliate::seller_affiliate_indices(&book, from, until);
            let (range, next) = call.page(matching.len() as u64)?;
            let found: Vec<Value> = range
                .map(|k| affiliate::seller_affiliate_order(&book, matching[k as usize]))
                .collect();
            Ok(json!({ "orders": found, "next_page_token": next, "total_count": matching.len() }))
        }
        Handler::ShopPerformance => {
            let book = book(call)?;
            let date = |key: &str| {
                call.params
                    .get(key)
                    .and_then(|d| shop::parse_date(d))
                    .ok_or_else(|| {
                        Reject::new(
                            28001022,
                            "invalid request params; detail: start time or end time is invalid.",
                        )
                    })
            };
            let (start, end) = (date("start_date_ge")?, date("end_date_lt")?);
            if end <= start {
                return Err(Reject::new(
                    28001022,
                    "invalid request params; detail: start time or end time is invalid.",
                ));
            }
            match call.params.get("currency").map(String::as_str) {
                None | Some("LOCAL") => {}
                Some("USD") if book.shop.currency == shopscore::money::Currency::USD => {}
                Some(other) => return Err(Reject::new(codes::REQUEST_ERROR, format!("Invalid request parameter. The sandbox answers currency LOCAL only; got {other:?}."))),
            }
            if call.params.get("granularity").is_some_and(|g| g != "ALL") {
                return Err(Reject::new(
                    codes::REQUEST_ERROR,
                    "Invalid request parameter. The sandbox answers granularity ALL only.",
                ));
            }
            Ok(shop::performance(&book, start, end))
        }
        Handler::CustomerService => {
            let book = book(call)?;
            for key in ["support_date_ge", "support_date_lt"] {
                if call
                    .params
                    .get(key)
                    .and_then(|d| shop::parse_date(d))
                    .is_none()
                {
                    return Err(Reject::new(
                        codes::REQUEST_ERROR,
                        format!("Invalid request parameter. {key} must be YYYY-MM-DD."),
                    ));
                }
            }
            Ok(shop::customer_service(&book))
        }
    }
}

/// The order search: create or update time windows, one status, either sort, the largest page
/// 100, simulated orders included; with the hostile switches, an endless cursor or a broken
/// record on each page.
fn order_search(call: &Call<'_>, switches: Switches) -> Result<Value, Reject> {
    let book = book(call)?;
    let body = call.body_json()?;
    let sort_field = call
        .params
        .get("sort_field")
        .map(String::as_str)
        .unwrap_or("create_time");
    if !matches!(sort_field, "create_time" | "update_time") {
        return Err(Reject::new(
            codes::REQUEST_ERROR,
            "Invalid request parameter. sort_field only supports create_time and update_time.",
        ));
    }
    let descending = call.params.get("sort_order").map(String::as_str) != Some("ASC");
    let (ge, lt) = (
        call.time_param(&body, "create_time_ge")?,
        call.time_param(&body, "create_time_lt")?,
    );
    let (uge, ult) = (
        call.time_param(&body, "update_time_ge")?,
        call.time_param(&body, "update_time_lt")?,
    );
    let status = body.get("order_status").and_then(Value::as_str);
    // An order is updated at most ten days after its creation.
    let from_t = match (ge, uge) {
        (Some(ge), Some(uge)) => Some(ge.max(uge - 11 * DAY)),
        (Some(ge), None) => Some(ge),
        (None, Some(uge)) => Some(uge - 11 * DAY),
        (None, None) => None,
    };
    let from = from_t.map(|t| book.first_at_or_after(t)).unwrap_or(0);
    let until = lt
        .or(ult)
        .map(|t| book.first_at_or_after(t))
        .unwrap_or(book.len())
        .max(from);
    // The matches are not kept: a page is picked from them as they are found, in index order
    // (create-time order) or, sorted by update time, from their keys and indices alone.
    let key_of = |i: u64| -> Option<(i64, u64)> {
        let kind = book.kind(i);
        if status.is_some_and(|s| s != book.status(kind)) {
            return None;
        }
        let updated = orders::update_time(&book, i);
        if !within(book.create_time(i), ge, lt) || !within(updated, uge, ult) {
            return None;
        }
        let key = if sort_field == "update_time" {
            updated
        } else {
            book.create_time(i)
        };
        Some((key, i))
    };
    let by_update: Option<Vec<(i64, u64)>> = (sort_field == "update_time").then(|| {
        let mut keys: Vec<(i64, u64)> = (from..until).filter_map(key_of).collect();
        keys.sort_by_key(|(key, _)| *key);
        keys
    });
    let book_hits = || -> Box<dyn Iterator<Item = (i64, u64)> + '_> {
        match &by_update {
            Some(keys) => Box::new(keys.iter().copied()),
            None => Box::new((from..until).filter_map(key_of)),
        }
    };
    let mut simulated: Vec<(i64, Value)> = Vec::new();
    for (id, created, total) in call.sandbox.simulated_orders(call.account, book.shop.no) {
        if within(created, ge, lt)
            && within(created, uge, ult)
            && status.is_none_or(|s| s == "AWAITING_SHIPMENT")
        {
            simulated.push((
                created,
                orders::simulated_order(book.shop, &id, created, total),
            ));
        }
    }
    simulated.sort_by_key(|(key, _)| *key);
    // Ascending by key; among equal keys the book's orders first, then the simulated ones.
    let ascending = || merge_hits(book_hits(), &simulated);
    let render = |hit: Hit| match hit {
        Hit::Book(i) => orders::order(&book, i),
        Hit::Simulated(s) => simulated[s].1.clone(),
    };
    let mut page: Vec<Value>;
    let (total, next);
    if switches.endless_order_cursor || descending {
        let all: Vec<Hit> = ascending().collect();
        total = all.len() as u64;
        let at = |k: u64| all[(if descending { total - 1 - k } else { k }) as usize];
        if switches.endless_order_cursor && total > 0 {
            let (range, _) = call.page(u64::MAX)?;
            let page: Vec<Value> = range.clone().map(|k| render(at(k % total))).collect();
            return Ok(
                json!({ "orders": page, "total_count": total, "next_page_token": call.page_token(range.end) }),
            );
        }
        let range;
        (range, next) = call.page(total)?;
        page = range.map(|k| render(at(k))).collect();
    } else {
        // One pass: the page's positions are known before the total.
        let (wanted, _) = call.page(u64::MAX)?;
        let mut count = 0u64;
        page = Vec::new();
        for hit in ascending() {
            if wanted.contains(&count) {
                page.push(render(hit));
            }
            count += 1;
        }
        total = count;
        (_, next) = call.page(total)?;
    }
    if switches.broken_order_records && !page.is_empty() {
        page.push(json!({ "id": "576999999999999999", "status": "COMPLETED", "create_time": { "not": "a time" } }));
    }
    Ok(json!({ "orders": page, "total_count": total, "next_page_token": next }))
}

/// One order the search found: the book's `i`-th or the `s`-th simulated one.
#[derive(Debug, Clone, Copy)]
enum Hit {
    Book(u64),
    Simulated(usize),
}

/// The book's hits and the simulated ones (each ascending by key) merged ascending, the book's
/// first among equal keys.
fn merge_hits<'a>(
    book: impl Iterator<Item = (i64, u64)> + 'a,
    simulated: &'a [(i64, Value)],
) -> impl Iterator<Item = Hit> + 'a {
    let mut book = book.peekable();
    let mut s = 0;
    std::iter::from_fn(move || {
        let from_book = match (book.peek(), simulated.get(s)) {
            (Some((b, _)), Some((k, _))) => b <= k,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if from_book {
            book.next().map(|(_, i)| Hit::Book(i))
        } else {
            s += 1;
            Some(Hit::Simulated(s - 1))
        }
    })
}
