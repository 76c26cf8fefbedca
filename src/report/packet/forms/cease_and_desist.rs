//! A cease-and-desist letter to a seller (the case's path when no marketplace
//! complaint fits, e.g. a seller outside any marketplace's programme).

use super::generic::notice_fields;
use super::{Facts, Form};
use crate::report::packet::FormField;

pub(super) struct CeaseAndDesist;

impl Form for CeaseAndDesist {
    fn id(&self) -> &'static str {
        "cease_and_desist"
    }
    fn title(&self) -> &'static str {
        "Cease-and-desist letter"
    }
    fn in_marketplace_language(&self) -> bool {
        false
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        notice_fields(f)
    }
}
