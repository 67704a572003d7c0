//! Named values: a fixture entry's, a credential's, a case's (`org_id` → its value).

use std::collections::BTreeMap;

/// Values by name.
pub type Values = BTreeMap<String, String>;
