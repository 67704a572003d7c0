//! OneAccess state and its documented rules: public accounts and their bound users, the
//! organization tree with groups, users and enabled flags.
//!
//! Each operation checks everything before it changes anything, so an error leaves the state
//! exactly as it was.

use std::collections::{BTreeMap, BTreeSet};

use crate::mock::vendor::seed::OneAccessSeed;

/// A documented OneAccess error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OaError {
    /// APP.0006 应用ID不能为空
    AppIdEmpty,
    /// APP.ACCOUNT.0047 账号的ID不能为空
    AccountIdEmpty,
    /// APP.0001 应用不存在
    AppNotFound,
    /// APP.ACCOUNT.0038 公共账号不存在
    PublicAccountNotFound,
    /// APP.ACCOUNT.0001 账号名不能为空
    AccountNameEmpty,
    /// ORG.0001
    OrgNotFound,
    /// ORG.0020
    OrgHasChildren,
    /// ORG.0021
    OrgHasGroups,
    /// ORG.0022
    OrgHasUsers,
    /// ORG.0024
    OrgHasEnabledChildren,
    /// ORG.0026
    OrgHasEnabledUsers,
}

impl OaError {
    /// Code and message exactly as the pages give them.
    pub fn code_message(self) -> (&'static str, &'static str) {
        match self {
            OaError::AppIdEmpty => ("APP.0006", "应用ID不能为空"),
            OaError::AccountIdEmpty => ("APP.ACCOUNT.0047", "账号的ID不能为空"),
            OaError::AppNotFound => ("APP.0001", "应用不存在"),
            OaError::PublicAccountNotFound => ("APP.ACCOUNT.0038", "公共账号不存在"),
            OaError::AccountNameEmpty => ("APP.ACCOUNT.0001", "账号名不能为空"),
            OaError::OrgNotFound => ("ORG.0001", "Organization does not exist"),
            OaError::OrgHasChildren => (
                "ORG.0020",
                "The existing sub-organization under the current organization cannot be deleted",
            ),
            OaError::OrgHasGroups => (
                "ORG.0021",
                "User groups that exist in the current organization cannot be deleted",
            ),
            OaError::OrgHasUsers => (
                "ORG.0022",
                "Users in the current organization cannot be deleted",
            ),
            OaError::OrgHasEnabledChildren => (
                "ORG.0024",
                "Existing non-disabled child organizations under the current organization cannot be disabled",
            ),
            OaError::OrgHasEnabledUsers => (
                "ORG.0026",
                "Existing non-disabled users in the current organization cannot be disabled",
            ),
        }
    }
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// Parent id.
    pub parent: Option<String>,
    /// Enabled flag.
    pub enabled: bool,
    /// Group ids.
    pub groups: Vec<String>,
    /// Users (name, enabled).
    pub users: Vec<(String, bool)>,
}

/// Rule switches the fault catalogue turns off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Relaxed {
    /// Delete even with sub-organizations.
    pub ignore_children_on_delete: bool,
    /// Delete when every sub-organization is disabled.
    pub ignore_disabled_children_on_delete: bool,
    /// Disable even with enabled users.
    pub ignore_users_on_disable: bool,
    /// Accept an empty user_names.
    pub accept_empty_names: bool,
    /// Answer success without deleting.
    pub skip_delete: bool,
    /// Answer success without disabling.
    pub skip_disable: bool,
}

/// OneAccess state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneAccess {
    /// app id → public account id → bound user names.
    pub apps: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// Organizations by id.
    pub orgs: BTreeMap<String, Org>,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl OneAccess {
    /// State from the seed.
    pub fn from_seed(seed: &OneAccessSeed) -> Self {
        let apps = seed
            .applications
            .iter()
            .map(|a| {
                let accounts = a
                    .public_accounts
                    .iter()
                    .map(|p| (p.id.clone(), p.users.iter().cloned().collect()))
                    .collect();
                (a.id.clone(), accounts)
            })
            .collect();
        let orgs = seed
            .organizations
            .iter()
            .map(|o| {
                (
                    o.id.clone(),
                    Org {
                        parent: o.parent.clone(),
                        enabled: o.enabled,
                        groups: o.groups.clone(),
                        users: o
                            .users
                            .iter()
                            .map(|u| (u.name.clone(), u.enabled))
                            .collect(),
                    },
                )
            })
            .collect();
        Self { apps, orgs }
    }

    /// Unbinds users from a public account; returns the account id.
    ///
    /// # Errors
    /// The page's APP.* errors.
    pub fn unbind(
        &mut self,
        app_id: &str,
        app_user_id: &str,
        user_names: &[String],
        relaxed: Relaxed,
    ) -> Result<String, OaError> {
        if blank(app_id) {
            return Err(OaError::AppIdEmpty);
        }
        if blank(app_user_id) {
            return Err(OaError::AccountIdEmpty);
        }
        let empty = user_names.is_empty() || user_names.iter().any(|n| blank(n));
        if empty && !(relaxed.accept_empty_names && user_names.is_empty()) {
            return Err(OaError::AccountNameEmpty);
        }
        let accounts = self.apps.get_mut(app_id).ok_or(OaError::AppNotFound)?;
        let users = accounts
            .get_mut(app_user_id)
            .ok_or(OaError::PublicAccountNotFound)?;
        for name in user_names {
            users.remove(name);
        }
        Ok(app_user_id.to_string())
    }

    fn children(&self, org_id: &str) -> impl Iterator<Item = (&String, &Org)> {
        self.orgs
            .iter()
            .filter(move |(_, o)| o.parent.as_deref() == Some(org_id))
    }

    /// Deletes an organization that has no sub-organizations, groups or users.
    ///
    /// # Errors
    /// ORG.0001, ORG.0020, ORG.0021, ORG.0022.
    pub fn delete_org(&mut self, org_id: &str, relaxed: Relaxed) -> Result<(), OaError> {
        let org = self.orgs.get(org_id).ok_or(OaError::OrgNotFound)?;
        let has_children = self.children(org_id).next().is_some();
        let all_disabled = self.children(org_id).all(|(_, c)| !c.enabled);
        let ignored = relaxed.ignore_children_on_delete
            || (relaxed.ignore_disabled_children_on_delete && all_disabled);
        if has_children && !ignored {
            return Err(OaError::OrgHasChildren);
        }
        if !org.groups.is_empty() {
            return Err(OaError::OrgHasGroups);
        }
        if !org.users.is_empty() {
            return Err(OaError::OrgHasUsers);
        }
        if relaxed.skip_delete {
            return Ok(());
        }
        self.orgs.remove(org_id);
        if has_children {
            // Only reachable with the fault on: the children are orphaned, as a broken
            // server would leave them.
            for o in self.orgs.values_mut() {
                if o.parent.as_deref() == Some(org_id) {
                    o.parent = None;
                }
            }
        }
        Ok(())
    }

    /// Disables an organization whose children and users are all disabled.
    ///
    /// # Errors
    /// ORG.0001, ORG.0024, ORG.0026.
    pub fn disable_org(&mut self, org_id: &str, relaxed: Relaxed) -> Result<String, OaError> {
        let org = self.orgs.get(org_id).ok_or(OaError::OrgNotFound)?;
        if self.children(org_id).any(|(_, c)| c.enabled) {
            return Err(OaError::OrgHasEnabledChildren);
        }
        if org.users.iter().any(|(_, enabled)| *enabled) && !relaxed.ignore_users_on_disable {
            return Err(OaError::OrgHasEnabledUsers);
        }
        if !relaxed.skip_disable
            && let Some(o) = self.orgs.get_mut(org_id)
        {
            o.enabled = false;
        }
        Ok(org_id.to_string())
    }
}
