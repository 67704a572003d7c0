//! The fault catalogue: deliberate contract violations the mock can be switched into, to
//! measure whether the generated suite notices a broken server.

use std::fmt;
use std::str::FromStr;

macro_rules! faults {
    (
        $( $variant:ident = $name:literal : $kind:literal, $doc:literal; )*
        ; variants:
        $( $lvariant:ident = $lname:literal : $lkind:literal, $ldoc:literal; )*
    ) => {
        /// One deliberate contract violation, or (in [`Fault::VARIANTS`]) a behaviour a
        /// correct server may have where the pages are silent.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Fault {
            $( #[doc = $doc] $variant, )*
            $( #[doc = $ldoc] $lvariant, )*
        }

        impl Fault {
            /// Every contract violation, in catalogue order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),*];

            /// Behaviours that are not violations (the suite must pass against them).
            pub const VARIANTS: &'static [Fault] = &[$(Fault::$lvariant),*];

            /// The name used by `--fault`.
            pub fn name(self) -> &'static str {
                match self { $(Fault::$variant => $name,)* $(Fault::$lvariant => $lname,)* }
            }

            /// The kind of violation (`not a violation` for the variants).
            pub fn kind(self) -> &'static str {
                match self { $(Fault::$variant => $kind,)* $(Fault::$lvariant => $lkind,)* }
            }

            /// One line saying what the server then does wrong, and which case catches it
            /// (by an assertion, or by a snapshot diff: the page leaves that answer open).
            pub fn description(self) -> &'static str {
                match self { $(Fault::$variant => $doc,)* $(Fault::$lvariant => $ldoc,)* }
            }

            /// Whether it breaks a promise of the pages.
            pub fn is_violation(self) -> bool {
                Fault::ALL.contains(&self)
            }
        }
    };
}

faults! {
    UnbindStatus201 = "unbind-success-201": "wrong success status", "unbind answers 201 instead of the documented 200";
    UnbindAccountIdRenamed = "unbind-account-id-renamed": "renamed field", "unbind's success body says accountId instead of account_id";
    UnbindEmptyNamesAccepted = "unbind-empty-names-accepted": "missing error", "unbind accepts an empty user_names instead of APP.ACCOUNT.0001";
    UnbindAppNotFoundCode = "unbind-app-not-found-code": "wrong error code", "an unknown app_id answers APP.0006 instead of APP.0001";
    UnbindMessageEnglish = "unbind-message-english": "changed message", "APP.ACCOUNT.0038 carries an English message instead of 公共账号不存在";
    UnbindNonAscii500 = "unbind-non-ascii-500": "500 on unusual input", "unbind answers 500 when a user name holds non-ASCII characters";
    UnbindPermissionSkipped = "unbind-permission-skipped": "auth check skipped", "unbind accepts a token without account_all";
    DeleteOrgStatus200 = "delete-org-success-200": "wrong success status", "delete organization answers 200 with a body instead of 204";
    DeleteOrgIgnoresChildren = "delete-org-ignores-children": "state rule ignored", "an organization with sub-organizations is deleted instead of ORG.0020";
    DeleteOrgNotPersisted = "delete-org-not-persisted": "change not persisted", "delete organization answers 204 but keeps the organization";
    DeleteOrgGroupsCode = "delete-org-groups-code": "wrong error code", "an organization with user groups answers ORG.0022 instead of ORG.0021";
    DeleteOrgHalfDone = "delete-org-error-half-done": "state changed on error", "ORG.0021 comes back but the organization with user groups is deleted anyway";
    DeleteOrgNotFound404 = "delete-org-not-found-404": "wrong error status", "an unknown organization answers 404 instead of the documented 400";
    DeleteOrgOrgPermissionSkipped = "delete-org-permission-skipped": "auth check skipped", "delete organization accepts a token without org_all";
    DeleteOrgRequiresAll = "delete-org-requires-all": "permission check wrong", "delete organization refuses a token granted org_all (demands all)";
    DisableOrgIgnoresUsers = "disable-org-ignores-users": "state rule ignored", "an organization with enabled users is disabled instead of ORG.0026";
    DisableOrgIdNumber = "disable-org-id-number": "wrong type", "disable organization's org_id is a number instead of a string";
    DisableOrgTextPlain = "disable-org-text-plain": "wrong content type", "disable organization's success is sent as text/plain instead of application/json";
    DisableOrgLongId500 = "disable-org-long-id-500": "500 on unusual input", "disable organization answers 500 for an org_id longer than 200 characters";
    DisableOrgNotPersisted = "disable-org-not-persisted": "change not persisted", "disable organization answers 200 but the organization stays enabled";
    DataartsNoTokenAccepted = "dataarts-no-token-accepted": "auth check skipped", "delete workspace users runs without X-Auth-Token";
    DataartsExpiredTokenAccepted = "dataarts-expired-token-accepted": "auth check skipped", "delete workspace users accepts an expired IAM token";
    DataartsBadRequest500 = "dataarts-bad-request-500": "wrong error status", "a request without user_ids answers 500 DAYU.3531 instead of 400 DAYU.4402";
    DataartsNullElement500 = "dataarts-null-element-500": "500 on unusual input", "a null element in user_ids answers 500";
    DataartsIsSuccessString = "dataarts-is-success-string": "wrong type", "the success body's is_success is the string \"true\"";
    DataartsMissingCode = "dataarts-missing-code": "missing error code", "DAYU.4402 errors come without error_code";
    EnosNotFoundAsSuccess = "enos-not-found-as-success": "missing error code", "an unknown OU answers code 0 with data false instead of 31404";
    EnosPermissionSkipped = "enos-permission-skipped": "state rule ignored", "a user is removed from an OU where the application lacks the permission";
    EnosSignatureUnchecked = "enos-signature-unchecked": "auth check skipped", "apim-signature is not checked";
    EnosTwoOuUserDeleted = "enos-two-ou-user-deleted": "state rule ignored", "a user in two OUs is deleted entirely when removed from one";
    EnosDataRenamed = "enos-data-renamed": "renamed field", "the success envelope says result instead of data";
    EnosBadParam500 = "enos-bad-param-500": "500 on unusual input", "a userId that is not a string answers HTTP 500";
    EnosCodeAsString = "enos-code-as-string": "wrong type", "error envelopes carry code as a string (\"31400\") instead of a number";
    DeleteOrgIgnoresDisabledChildren = "delete-org-ignores-disabled-children": "state rule ignored", "an organization whose sub-organizations are all disabled is deleted instead of ORG.0020 (assertion: error::ORG.0020::org_children_disabled)";
    OneaccessExpiredRefused403 = "oneaccess-expired-403": "refusal changed", "an expired OneAccess token gets 403 instead of 401 (snapshot diff: auth::expired; the pages give no refusal status)";
    UnbindWhitespaceAppIdUnknown = "unbind-whitespace-app-id-unknown": "edge answer changed", "a whitespace-only app_id answers APP.0001 (unknown) instead of APP.0006 (empty) (snapshot diff: invalid::edge_app_id_whitespace; both are documented errors)";
    DataartsPartialRemoval = "dataarts-partial-removal": "state changed on error", "a user_ids list with a non-member answers DAYU.4402 but removes the members it names (assertion: stateful::mixed_user_ids, \"The operation failed\")";
    UnbindWrongAccountId = "unbind-wrong-account-id": "wrong echoed value", "unbind's success echoes the app_id as account_id instead of the account's id (assertion: success fields, account_id = app_user_id)";
    DataartsIsSuccessFalse = "dataarts-is-success-false": "wrong success value", "delete workspace users answers 200 with is_success false (assertion: success fields, is_success true)";
    ; variants:
    LenientContentType = "lenient-content-type": "not a violation", "unbind accepts any Content-Type (the page tells the client what to send, it promises no rejection): the suite must pass";
    LenientTrimsIds = "lenient-trims-ids": "not a violation", "OneAccess trims the ids of the path (\" org-leaf \" is org-leaf): the suite must pass";
    LenientIgnoresNonMembers = "lenient-ignores-non-members": "not a violation", "DataArts ignores ids that are not members and removes the others (the page leaves mixed lists open): the suite must pass";
}

impl Fault {
    /// The vendor service whose behaviour it changes.
    pub fn service(self) -> &'static str {
        use Fault::*;
        match self {
            DataartsNoTokenAccepted
            | DataartsExpiredTokenAccepted
            | DataartsBadRequest500
            | DataartsNullElement500
            | DataartsIsSuccessString
            | DataartsMissingCode
            | DataartsPartialRemoval
            | DataartsIsSuccessFalse
            | LenientIgnoresNonMembers => "dataarts",
            EnosNotFoundAsSuccess
            | EnosPermissionSkipped
            | EnosSignatureUnchecked
            | EnosTwoOuUserDeleted
            | EnosDataRenamed
            | EnosBadParam500
            | EnosCodeAsString => "enos",
            UnbindStatus201
            | UnbindAccountIdRenamed
            | UnbindEmptyNamesAccepted
            | UnbindAppNotFoundCode
            | UnbindMessageEnglish
            | UnbindNonAscii500
            | UnbindPermissionSkipped
            | DeleteOrgStatus200
            | DeleteOrgIgnoresChildren
            | DeleteOrgNotPersisted
            | DeleteOrgGroupsCode
            | DeleteOrgHalfDone
            | DeleteOrgNotFound404
            | DeleteOrgOrgPermissionSkipped
            | DeleteOrgRequiresAll
            | DisableOrgIgnoresUsers
            | DisableOrgIdNumber
            | DisableOrgTextPlain
            | DisableOrgLongId500
            | DisableOrgNotPersisted
            | DeleteOrgIgnoresDisabledChildren
            | OneaccessExpiredRefused403
            | UnbindWhitespaceAppIdUnknown
            | UnbindWrongAccountId
            | LenientContentType
            | LenientTrimsIds => "oneaccess",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown fault name.
#[derive(Debug, thiserror::Error)]
#[error("unknown fault `{0}` (see `contract-harness mock --list-faults`)")]
pub struct UnknownFault(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;
    fn from_str(s: &str) -> Result<Self, UnknownFault> {
        Fault::ALL
            .iter()
            .chain(Fault::VARIANTS)
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFault(s.to_string()))
    }
}

/// Which fault is on, if any. Cheap to copy into handlers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Faults(pub Option<Fault>);

impl Faults {
    /// Whether `f` is switched on.
    pub fn on(self, f: Fault) -> bool {
        self.0 == Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Fault::ALL.len());
        assert!(Fault::ALL.len() >= 20);
        for f in Fault::ALL.iter().chain(Fault::VARIANTS) {
            assert_eq!(f.name().parse::<Fault>().ok(), Some(*f));
        }
        assert!(Fault::VARIANTS.iter().all(|f| !f.is_violation()));
        assert!(Fault::ALL.iter().all(|f| f.is_violation()));
        assert!("nope".parse::<Fault>().is_err());
    }

    #[test]
    fn each_fault_names_its_service() {
        for f in Fault::ALL.iter().chain(Fault::VARIANTS) {
            let prefixed = ["dataarts", "enos"]
                .into_iter()
                .find(|p| f.name().starts_with(p));
            match prefixed {
                Some(p) => assert_eq!(f.service(), p, "{f}"),
                None if *f == Fault::LenientIgnoresNonMembers => {
                    assert_eq!(f.service(), "dataarts");
                }
                None => assert_eq!(f.service(), "oneaccess", "{f}"),
            }
        }
    }
}
