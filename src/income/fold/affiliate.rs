//! The fold's creator lines: statuses, commission parts, deductions, estimates, distinct
//! orders, and the groups that self-dealing is decided on at the end.

use super::{label, minor, IncomeAccumulator};
use crate::income::filter::order_key;
use crate::income::state::{earliest, shop_key, GroupKey, Programme};
use crate::income::warnings::WarningCode;
use crate::income::window::Position;
use crate::records::{AffiliateOrder, AffiliateStatus, Record};

impl IncomeAccumulator {
    pub(super) fn add_affiliate(&mut self, record: &Record, line: &AffiliateOrder) {
        let mut amounts = vec![line.sales];
        amounts.extend(line.estimated.present());
        amounts.extend(line.actual.present());
        let Some((i, position)) = self.admit(record, line.create_time, &amounts) else {
            return;
        };
        let deduction = line.status == AffiliateStatus::Deducted;
        if !deduction && amounts.iter().any(|m| m.is_negative()) {
            self.warnings.add(WarningCode::NegativeAmount, || {
                label(&line.source, &line.id)
            });
            return;
        }
        let in_window = position == Position::Window;
        let first = in_window
            && self
                .affiliate_seen
                .insert_new(order_key(&line.source, &line.order_id));
        let warn = match &line.status {
            AffiliateStatus::Unknown(_) => Some(WarningCode::UnknownStatus),
            AffiliateStatus::Settled if line.actual.is_empty() => {
                Some(WarningCode::MissingActualCommission)
            }
            _ => None,
        };
        if let Some(code) = warn {
            self.warnings.add(code, || label(&line.source, &line.id));
        }
        let window = self.window;
        let placed_at = line
            .delivery_time
            .filter(|t| *t >= line.create_time)
            .unwrap_or(line.create_time)
            .min(window.end);
        let placement = window.offset(placed_at);
        let created = window.offset(line.create_time);
        let state = &mut self.states[i];
        let key = group_key(line);
        let group = state.groups.entry(key).or_default();
        if group.shop_name.is_empty() || (!line.shop.is_empty() && line.shop < group.shop_name) {
            group.shop_name = line.shop.clone();
        }
        let estimated: i128 = line.estimated.present().map(minor).sum();
        if in_window {
            state.counts.affiliate_lines += 1;
            group.lines += 1;
            if line.status != AffiliateStatus::Refunded {
                group.sales += minor(line.sales);
                state.affiliate_sales += minor(line.sales);
            }
        }
        if first {
            state.counts.affiliate_orders += 1;
        }
        match &line.status {
            AffiliateStatus::Settled if !line.actual.is_empty() => {
                let parts = [
                    line.actual.commission,
                    line.actual.bonus,
                    line.actual.shop_ads,
                    line.actual.creator_reward,
                ]
                .map(|p| p.map_or(0, minor));
                *group.days.entry(placement).or_default() += parts.iter().sum::<i128>();
                group.first_settled = earliest(group.first_settled, Some(line.create_time));
                if in_window {
                    for (k, part) in parts.iter().enumerate() {
                        group.settled[k] += part;
                        state.settled_parts[k] += part;
                    }
                }
                if first {
                    state.counts.affiliate_settled_orders += 1;
                    group.settled_orders += 1;
                    *group.settled_order_days.entry(created).or_default() += 1;
                }
            }
            AffiliateStatus::Settled => {}
            AffiliateStatus::Deducted => {
                let taken = if line.actual.is_empty() {
                    line.estimated.present().map(|m| minor(m).abs()).sum()
                } else {
                    line.actual.present().map(|m| minor(m).abs()).sum::<i128>()
                };
                *group.days.entry(placement).or_default() -= taken;
                if in_window {
                    group.deducted += taken;
                    state.deducted += taken;
                }
                if first {
                    state.counts.affiliate_deducted_orders += 1;
                }
            }
            AffiliateStatus::Refunded => {
                if first {
                    state.counts.affiliate_reversed_orders += 1;
                }
            }
            AffiliateStatus::Ordered
            | AffiliateStatus::Frozen
            | AffiliateStatus::Unspecified
            | AffiliateStatus::Unknown(_) => {
                state.days[placement as usize].estimated += estimated;
                if in_window {
                    group.estimated += estimated;
                    state.estimated += estimated;
                }
                if first {
                    state.counts.affiliate_estimated_orders += 1;
                }
            }
        }
    }
}

fn group_key(line: &AffiliateOrder) -> GroupKey {
    let (programme, programme_id) = if !line.target_collaboration_id.is_empty() {
        (Programme::Target, line.target_collaboration_id.clone())
    } else if !line.open_collaboration_id.is_empty() {
        (Programme::Open, line.open_collaboration_id.clone())
    } else if !line.campaign_id.is_empty() {
        (Programme::Campaign, line.campaign_id.clone())
    } else {
        (Programme::None, String::new())
    };
    GroupKey {
        shop: shop_key(&line.shop),
        product_id: line.product_id.clone(),
        content_id: line.content_id.clone(),
        content_type: line.content_type.trim().to_ascii_uppercase(),
        campaign_id: line.campaign_id.clone(),
        programme,
        programme_id,
    }
}
