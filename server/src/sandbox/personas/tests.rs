use super::books::{affiliate_layout, interleave, layout};
use super::*;

fn book(id: &str) -> OrderBook {
    let shop = &persona(id).unwrap().shops[0];
    OrderBook::new(shop, 42, Frame::new(1_700_000_000), layout(shop))
}

fn affiliate(id: &str) -> AffiliateBook {
    let p = persona(id).unwrap();
    let plan = p.creator.as_ref().unwrap();
    AffiliateBook::new(
        plan,
        p.no,
        9,
        Frame::new(1_700_000_000),
        affiliate_layout(plan),
    )
}

#[test]
fn interleaving_keeps_every_count_exact_and_spreads_them() {
    let slots = interleave(&[('a', 6), ('b', 3), ('c', 1)]);
    let count = |c: char| slots.iter().filter(|(k, _)| *k == c).count();
    assert_eq!((count('a'), count('b'), count('c')), (6, 3, 1));
    assert_ne!(slots[0].0, slots[1].0, "not bunched: {slots:?}");
}

#[test]
fn the_boutique_has_150_completed_orders_worth_exactly_15000_dollars() {
    let b = book("seller-boutique");
    let (mut gmv, mut paid) = (0, 0);
    let mut kinds = std::collections::BTreeMap::new();
    for i in 0..b.len() {
        let kind = b.kind(i);
        *kinds.entry(b.status(kind)).or_insert(0) += 1;
        if let OrderKind::Paid(rank) = kind {
            assert_eq!(b.paid_index(rank), i);
            assert_eq!(
                b.status(kind),
                "COMPLETED",
                "the seed counts completed orders only"
            );
            gmv += b.paid_total(rank);
            paid += 1;
        }
    }
    assert_eq!((paid, gmv), (150, 1_500_000));
    assert_eq!(kinds.get("UNPAID"), Some(&4));
    assert_eq!(kinds.get("CANCELLED"), Some(&6));
    let returns = b.returns();
    let refunded: i64 = returns
        .iter()
        .filter(|r| r.1 == "RETURN_OR_REFUND_REQUEST_COMPLETE")
        .map(|r| r.2)
        .sum();
    assert_eq!(refunded, 75_000);
    assert!(returns
        .iter()
        .all(|r| r.1 != "RETURN_OR_REFUND_REQUEST_PENDING"));
}

#[test]
fn the_self_purchase_persona_adds_300_unshipped_orders_of_150_dollars() {
    let b = book("gamed-self-purchases");
    let extras: Vec<i64> = (0..b.len())
        .filter_map(|i| match b.kind(i) {
            k @ OrderKind::Extra(..) => {
                assert_eq!(b.status(k), "AWAITING_SHIPMENT");
                Some(b.total(k))
            }
            _ => None,
        })
        .collect();
    assert_eq!(extras.len(), 300);
    assert!(extras.iter().all(|t| *t == 15_000));
}

#[test]
fn order_times_increase_and_stay_inside_the_frame() {
    let b = book("large-shop");
    let mut last = b.frame.start;
    for i in (0..b.len()).step_by(97).chain([b.len() - 1]) {
        let t = b.create_time(i);
        assert!(t > last && t <= b.frame.end);
        last = t;
    }
    assert_eq!(b.first_at_or_after(b.create_time(1234)), 1234);
}

#[test]
fn the_seed_creator_settles_exactly_4500_dollars_on_30000_of_sales() {
    let a = affiliate("creator-fashion");
    let (mut sales, mut settled) = (0, 0);
    for i in 0..a.len() {
        if let AffiliateKind::Settled(_) = a.kind(i) {
            sales += a.sales(i);
            settled += 1;
        }
    }
    assert_eq!((settled, sales), (200, 3_000_000));
    assert_eq!(a.verified_commission(), 450_000);
}

#[test]
fn the_indonesian_creator_earns_in_parts_less_its_deductions() {
    let a = affiliate("creator-id");
    let deducted = (0..a.len())
        .filter(|i| a.kind(*i) == AffiliateKind::Deducted)
        .count();
    assert_eq!(deducted, 8);
    let settled: i64 = (0..a.len())
        .filter(|i| matches!(a.kind(*i), AffiliateKind::Settled(_)))
        .map(|i| a.parts(i).iter().sum::<i64>())
        .sum();
    assert!(a.verified_commission() < settled);
    // 10% + 2% of Rp14,400,000, Shop Ads on every fourth, Rp250 per order, less deductions.
    assert!(settled > 14_400_000 * 12 / 100);
}

#[test]
fn amounts_print_plain_for_the_open_api_and_localised_for_rupiah() {
    assert_eq!(amount(1050, Currency::USD), "10.50");
    assert_eq!(amount(-7, Currency::USD), "-0.07");
    assert_eq!(amount(1_500_000, Currency::IDR), "1500000");
    assert_eq!(rupiah(9_900), "Rp9.900");
    assert_eq!(rupiah(1_234_500), "Rp1.234.500");
    assert_eq!(rupiah(250), "250");
    assert_eq!(rupiah(-2_000), "-Rp2.000");
}
