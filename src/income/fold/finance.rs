//! The fold's finance and catalogue records: statements, payouts, unsettled transactions,
//! commission the shop pays creators, and products.

use super::{label, minor, IncomeAccumulator};
use crate::income::state::{earliest, keep_smallest};
use crate::income::warnings::WarningCode;
use crate::income::window::Position;
use crate::money::div_half_even;
use crate::records::{
    Payment, PaymentStatus, Product, Record, SellerAffiliateOrder, SellerAffiliateStatus,
    Statement, UnsettledTransaction,
};

impl IncomeAccumulator {
    pub(super) fn add_statement(&mut self, record: &Record, statement: &Statement) {
        let mut amounts = vec![statement.settlement];
        amounts.extend(
            [
                statement.revenue,
                statement.fee,
                statement.adjustment,
                statement.shipping_cost,
            ]
            .into_iter()
            .flatten(),
        );
        let Some((i, Position::Window)) = self.admit(record, statement.statement_time, &amounts)
        else {
            return;
        };
        let components = [statement.fee, statement.shipping_cost, statement.adjustment];
        let revenue = match statement.revenue {
            Some(revenue) => minor(revenue),
            None if components.iter().any(Option::is_some) => {
                minor(statement.settlement)
                    - components.iter().flatten().map(|m| minor(*m)).sum::<i128>()
            }
            None => div_half_even(minor(statement.settlement) * 100, 85),
        };
        let state = &mut self.states[i];
        state.sums.statement_revenue += revenue;
        state.counts.statements += 1;
        state.has_statements = true;
    }

    pub(super) fn add_payment(&mut self, record: &Record, payment: &Payment) {
        let time = payment.paid_time.unwrap_or(payment.create_time);
        let Some((i, Position::Window)) = self.admit(record, time, &[payment.amount]) else {
            return;
        };
        if payment.amount.is_negative() {
            self.warnings.add(WarningCode::NegativeAmount, || {
                label(&payment.source, &payment.id)
            });
            return;
        }
        if let PaymentStatus::Unknown(_) = payment.status {
            self.warnings.add(WarningCode::UnknownStatus, || {
                label(&payment.source, &payment.id)
            });
        }
        let state = &mut self.states[i];
        state.counts.payments += 1;
        state.has_payments = true;
        if payment.status == PaymentStatus::Paid {
            state.sums.payments_paid += minor(payment.amount);
        }
    }

    pub(super) fn add_unsettled(&mut self, unsettled: &UnsettledTransaction) {
        let example = || label(&unsettled.source, &unsettled.id);
        let Some(i) = self.source_index(&unsettled.source) else {
            self.warnings.add(WarningCode::UnknownSource, example);
            return;
        };
        if unsettled.estimated_settlement.currency != self.sources[i].currency {
            self.warnings.add(WarningCode::CurrencyMismatch, example);
            return;
        }
        let state = &mut self.states[i];
        state.sums.unsettled += minor(unsettled.estimated_settlement);
        state.counts.unsettled_transactions += 1;
        state.unsettled_earliest =
            earliest(state.unsettled_earliest, unsettled.estimated_settle_time);
    }

    pub(super) fn add_seller_affiliate(&mut self, record: &Record, line: &SellerAffiliateOrder) {
        let mut amounts = vec![line.estimated_paid];
        amounts.extend(line.actual_paid);
        let Some((i, Position::Window)) = self.admit(record, line.create_time, &amounts) else {
            return;
        };
        if amounts.iter().any(|m| m.is_negative()) {
            self.warnings.add(WarningCode::NegativeAmount, || {
                label(&line.source, &line.id)
            });
            return;
        }
        if let SellerAffiliateStatus::Unknown(_) = line.status {
            self.warnings
                .add(WarningCode::UnknownStatus, || label(&line.source, &line.id));
        }
        let state = &mut self.states[i];
        state.counts.seller_affiliate_lines += 1;
        match line.status {
            SellerAffiliateStatus::Completed => {
                state.sums.seller_paid += line.actual_paid.map_or(0, minor);
            }
            SellerAffiliateStatus::Processing
            | SellerAffiliateStatus::Frozen
            | SellerAffiliateStatus::Unknown(_) => {
                state.sums.seller_estimated += minor(line.estimated_paid);
            }
            SellerAffiliateStatus::Cancelled | SellerAffiliateStatus::Deducted => {}
        }
    }

    pub(super) fn add_product(&mut self, product: &Product) {
        let example = || label(&product.source, &product.id);
        let Some(i) = self.source_index(&product.source) else {
            self.warnings.add(WarningCode::UnknownSource, example);
            return;
        };
        let position = self.window.position(product.create_time);
        if position == Position::Future {
            self.warnings.add(WarningCode::FutureTimestamp, example);
            return;
        }
        let entry = self.states[i]
            .products
            .entry(product.id.clone())
            .or_default();
        keep_smallest(&mut entry.title, &product.title);
        entry.launched_in_window |= position == Position::Window;
    }
}
