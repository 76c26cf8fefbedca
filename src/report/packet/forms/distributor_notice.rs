//! A notice to an authorised distributor that broke the brand's policy (price
//! floor, territory): the first step of the distributor escalation ladder.

use super::generic::notice_fields;
use super::{Facts, Form};
use crate::report::packet::FormField;

pub(super) struct DistributorNotice;

impl Form for DistributorNotice {
    fn id(&self) -> &'static str {
        "distributor_notice"
    }
    fn title(&self) -> &'static str {
        "Distributor notice"
    }
    fn in_marketplace_language(&self) -> bool {
        false
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        notice_fields(f)
    }
}
