//! EnOS state: OUs (with the application's user permission in each) and users who belong to
//! one or more OUs. A user exists exactly while it belongs to at least one OU.

use std::collections::{BTreeMap, BTreeSet};

use crate::mock::vendor::seed::EnosSeed;

/// A documented EnOS error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnosError {
    /// 31400: incorrect or empty parameters.
    BadParam(&'static str),
    /// 31403: the application lacks "Create or delete user accounts in the OU".
    NoPermission,
    /// 31404: organization or user not found.
    NotFound(&'static str),
}

impl EnosError {
    /// The envelope code.
    pub fn code(self) -> i64 {
        match self {
            EnosError::BadParam(_) => 31400,
            EnosError::NoPermission => 31403,
            EnosError::NotFound(_) => 31404,
        }
    }

    /// The envelope message (the page documents none; these are the mock's).
    pub fn message(self) -> &'static str {
        match self {
            EnosError::BadParam(m) | EnosError::NotFound(m) => m,
            EnosError::NoPermission => {
                "The application has not been granted the \"Create or delete user accounts in the OU\" permission"
            }
        }
    }
}

/// Rule switches the fault catalogue turns off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Relaxed {
    /// Remove even where the application lacks the permission.
    pub ignore_permission: bool,
    /// Delete the user entirely on any removal.
    pub delete_entirely: bool,
}

/// EnOS state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enos {
    /// OU id → whether the application may create or delete user accounts there.
    pub ous: BTreeMap<String, bool>,
    /// User id → OUs it belongs to (never empty).
    pub users: BTreeMap<String, BTreeSet<String>>,
}

impl Enos {
    /// State from the seed.
    pub fn from_seed(seed: &EnosSeed) -> Self {
        Self {
            ous: seed
                .ous
                .iter()
                .map(|o| (o.id.clone(), o.user_permission))
                .collect(),
            users: seed
                .users
                .iter()
                .filter(|u| !u.ous.is_empty())
                .map(|u| (u.id.clone(), u.ous.iter().cloned().collect()))
                .collect(),
        }
    }

    /// Removes a user from an OU; a user left in no OU is deleted.
    ///
    /// # Errors
    /// 31400 for empty parameters, 31404 for an unknown OU or a user not in it, 31403 where
    /// the application lacks the permission.
    pub fn remove(
        &mut self,
        user_id: &str,
        org_id: &str,
        relaxed: Relaxed,
    ) -> Result<(), EnosError> {
        if user_id.trim().is_empty() {
            return Err(EnosError::BadParam("userId must not be empty"));
        }
        if org_id.trim().is_empty() {
            return Err(EnosError::BadParam("organizationId must not be empty"));
        }
        let permitted = *self
            .ous
            .get(org_id)
            .ok_or(EnosError::NotFound("organization not found"))?;
        if !permitted && !relaxed.ignore_permission {
            return Err(EnosError::NoPermission);
        }
        let ous = self
            .users
            .get_mut(user_id)
            .filter(|ous| ous.contains(org_id))
            .ok_or(EnosError::NotFound("user not found"))?;
        ous.remove(org_id);
        if ous.is_empty() || relaxed.delete_entirely {
            self.users.remove(user_id);
        }
        Ok(())
    }
}
