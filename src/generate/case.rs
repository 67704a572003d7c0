//! What a generated case is: a name, what it sends, what it expects, and where in the spec
//! that expectation comes from.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::contract::{InputChange, Operation, ParamIn};

/// The kinds of case, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The documented success.
    Success,
    /// A documented error, provoked by its trigger.
    Error,
    /// Missing, malformed, wrong, expired or insufficient credentials.
    Auth,
    /// Property-based invalid input.
    Invalid,
    /// Property-based valid input.
    Valid,
    /// A multi-step check of state.
    Stateful,
}

impl Kind {
    /// The name segment (`error`, `auth`, ...).
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Success => "success",
            Kind::Error => "error",
            Kind::Auth => "auth",
            Kind::Invalid => "invalid",
            Kind::Valid => "valid",
            Kind::Stateful => "stateful",
        }
    }

    /// Every kind.
    pub const ALL: [Kind; 6] = [
        Kind::Success,
        Kind::Error,
        Kind::Auth,
        Kind::Invalid,
        Kind::Valid,
        Kind::Stateful,
    ];
}

/// Which credential a call sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cred {
    /// A named role of the service (`default`, `org_only`).
    Role(String),
    /// No credential at all.
    Missing,
    /// A credential of the wrong form.
    Malformed,
    /// A well-formed credential the server never issued (a signed request: a wrong signature).
    Wrong,
    /// An expired credential (the target's `expired` role).
    Expired,
}

/// A request body replacing the documented one.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyOverride {
    /// This JSON value.
    Json(Value),
    /// These bytes with this Content-Type (`None`: no Content-Type header).
    Raw(Vec<u8>, Option<String>),
}

/// One request of a case, described by what it changes on the documented success request.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Operation id.
    pub op: String,
    /// Fixture whose values fill the path and body.
    pub fixture: String,
    /// Which entry of the fixture's pool (live targets give destructive cases their own).
    pub pool: usize,
    /// Values provisioned for this case, used instead of the pool's (live targets that
    /// provision the fixture; set just before the case runs).
    pub provided: Option<BTreeMap<String, String>>,
    /// Value renames: `org_id` takes the fixture's `child_org_id` (or, written `{{name}}`, a
    /// value an earlier step of the sequence captured).
    pub bind: BTreeMap<String, String>,
    /// Values this step takes from its response for later steps: name → JSON pointer or
    /// `header:Name`.
    pub capture: BTreeMap<String, String>,
    /// Values set literally (unknown ids, generated values).
    pub values: BTreeMap<String, String>,
    /// The trigger's input change.
    pub input: InputChange,
    /// A replacement body.
    pub body: Option<BodyOverride>,
    /// A replacement Content-Type of the documented body (`Some(None)`: no header).
    pub content_type: Option<Option<String>>,
    /// Credential.
    pub cred: Cred,
}

impl Call {
    /// The documented success request of `op` on `fixture` with the default credential.
    pub fn success(op: &str, fixture: &str) -> Self {
        Self {
            op: op.to_string(),
            fixture: fixture.to_string(),
            pool: 0,
            provided: None,
            bind: BTreeMap::new(),
            capture: BTreeMap::new(),
            values: BTreeMap::new(),
            input: InputChange::default(),
            body: None,
            content_type: None,
            cred: Cred::Role("default".into()),
        }
    }
}

/// What must come back.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// The documented success.
    Success,
    /// This documented error code.
    Error(Value),
    /// A refusal of the credential: never a success, never a 5xx, a 4xx (or an envelope error).
    Refused,
    /// Rejected input: never a success or 5xx; a documented error or a 4xx with an error body.
    Rejected,
    /// Any documented response (success or a documented error), never a 5xx.
    Documented,
    /// An input the page leaves open (an edge value, a Content-Type other than the one the
    /// client is told to send): never a 5xx, an error in the documented error shape, and a
    /// success only when `may_succeed` (the page documents no error for it). The answer itself
    /// is recorded in a snapshot.
    Edge {
        /// Whether a correct server may carry the request out.
        may_succeed: bool,
    },
    /// The documented success after a refusal (asserted: the refusal changed nothing); when the
    /// previous step was not refused, any documented response (recorded).
    AfterRefusal,
}

/// The property of a property-based case.
#[derive(Debug, Clone, PartialEq)]
pub enum Property {
    /// Bodies that violate the request schema in this top-level field (`None`: bodies that
    /// are not objects) are rejected.
    InvalidBody {
        /// The field.
        field: Option<String>,
    },
    /// Malformed JSON (sent with the JSON Content-Type) is rejected.
    MalformedBody,
    /// Requests whose query or header parameter `name` violates its schema (or leave it out,
    /// when it is required) are rejected.
    InvalidParam {
        /// Query or header.
        location: ParamIn,
        /// The parameter.
        name: String,
    },
    /// Any value that names nothing gives the documented error.
    UnknownValue {
        /// The value name (`org_id`).
        value: String,
        /// The documented code.
        code: Value,
    },
    /// Valid requests get a documented response.
    ValidInput,
}

/// What a case does.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// One request.
    Single {
        /// The request.
        call: Call,
        /// What must come back.
        expect: Expect,
        /// Record the response in a snapshot.
        snapshot: bool,
    },
    /// Requests in order on one state.
    Sequence {
        /// The steps.
        steps: Vec<(Call, Expect)>,
    },
    /// Generated inputs.
    Property {
        /// Which property.
        property: Property,
        /// The call generated inputs are applied to.
        base: Call,
    },
    /// An error no client can provoke: its documented shape is checked instead.
    Shape {
        /// The code.
        code: Value,
    },
}

/// What identifies a case: its service, operation and kind, and the detail that tells it from
/// the operation's other cases of that kind. The case's name is rendered from it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseId {
    /// Service.
    pub service: String,
    /// Operation id.
    pub op: String,
    /// Kind.
    pub kind: Kind,
    /// What tells it apart (`documented`, `ORG.0020::org_children_disabled`, `missing`).
    pub detail: String,
}

impl CaseId {
    /// The id of `op`'s case of `kind` told apart by `detail`.
    pub fn new(op: &Operation, kind: Kind, detail: impl Into<String>) -> Self {
        Self {
            service: op.service.clone(),
            op: op.id.clone(),
            kind,
            detail: detail.into(),
        }
    }

    /// The case's name: `<service>::<operation>::<kind>::<detail>` (libtest's name, and the
    /// snapshot file's).
    pub fn name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::{}::{}::{}",
            self.service,
            self.op,
            self.kind.segment(),
            self.detail
        )
    }
}

/// A documented error: the operation, and the error's position in its `errors:`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ErrorId {
    /// Operation id.
    pub op: String,
    /// Position in the operation's `errors:`.
    pub index: usize,
}

/// A generated case.
#[derive(Debug, Clone)]
pub struct Case {
    /// What identifies it.
    pub id: CaseId,
    /// Its name, rendered from `id` (`<service>::<operation>::<kind>::<detail>`).
    pub name: String,
    /// `file:line:column` of the promise checked.
    pub spec_at: String,
    /// What it checks, in a sentence.
    pub about: String,
    /// What it does.
    pub plan: Plan,
    /// Why it must not run on this target, if so (listed as ignored).
    pub ignore: Option<String>,
    /// The documented promise it exercises, if it is the documented success or a documented
    /// error (coverage reads this, never the name).
    pub promise: Option<Promise>,
}

/// A documented promise a case exercises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Promise {
    /// The documented success.
    Success,
    /// A documented error of the operation, whose code is `code`.
    Error {
        /// Which error.
        error: ErrorId,
        /// The code as the page writes it.
        code: String,
    },
}

impl Case {
    /// A case named by `id`, with no ignore reason and no documented promise.
    pub fn new(id: CaseId, spec_at: String, about: String, plan: Plan) -> Self {
        Self {
            name: id.name(),
            id,
            spec_at,
            about,
            plan,
            ignore: None,
            promise: None,
        }
    }

    /// Every call of the case.
    pub fn calls_mut(&mut self) -> Vec<&mut Call> {
        match &mut self.plan {
            Plan::Single { call, .. } => vec![call],
            Plan::Sequence { steps } => steps.iter_mut().map(|(c, _)| c).collect(),
            Plan::Property { base, .. } => vec![base],
            Plan::Shape { .. } => vec![],
        }
    }

    /// Whether a correct server may delete or disable the case's fixture: the documented
    /// success, sequences, generated valid input, and inputs a correct server may carry out
    /// (a padded id, a Content-Type the page does not forbid). On a live target such a case
    /// gets a fixture entry of its own.
    pub fn consumes_fixture(&self) -> bool {
        let may_carry_out = |e: &Expect| {
            matches!(
                e,
                Expect::Success
                    | Expect::Documented
                    | Expect::AfterRefusal
                    | Expect::Edge { may_succeed: true }
            )
        };
        match &self.plan {
            // A sequence of refusals only (the same error twice) leaves its fixture as it is.
            Plan::Sequence { steps } => steps.iter().any(|(_, e)| may_carry_out(e)),
            Plan::Single { expect, .. } => self.id.kind == Kind::Success || may_carry_out(expect),
            Plan::Property { .. } => self.id.kind == Kind::Valid,
            Plan::Shape { .. } => false,
        }
    }

    /// Fixtures whose values the case sends.
    pub fn fixtures(&self) -> Vec<&str> {
        let calls: Vec<&Call> = match &self.plan {
            Plan::Single { call, .. } => vec![call],
            Plan::Sequence { steps } => steps.iter().map(|(c, _)| c).collect(),
            Plan::Property { base, .. } => vec![base],
            Plan::Shape { .. } => vec![],
        };
        let mut out: Vec<&str> = calls.iter().map(|c| c.fixture.as_str()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(kind: Kind, plan: Plan) -> Case {
        let id = CaseId {
            service: "s".into(),
            op: "o".into(),
            kind,
            detail: "d".into(),
        };
        Case {
            name: id.name(),
            id,
            spec_at: String::new(),
            about: String::new(),
            plan,
            ignore: None,
            promise: None,
        }
    }

    #[test]
    fn a_name_is_rendered_from_its_id_with_the_detail_whole() {
        let id = CaseId {
            service: "oneaccess".into(),
            op: "delete_organization".into(),
            kind: Kind::Error,
            detail: "ORG.0020::org_children_disabled".into(),
        };
        assert_eq!(
            id.name(),
            "oneaccess::delete_organization::error::ORG.0020::org_children_disabled"
        );
        let c = Case::new(
            id.clone(),
            String::new(),
            String::new(),
            Plan::Shape { code: 1.into() },
        );
        assert_eq!((c.name.as_str(), &c.id), (id.name().as_str(), &id));
        assert!(c.ignore.is_none() && c.promise.is_none());
    }

    #[test]
    fn only_cases_a_correct_server_may_carry_out_consume_their_fixture() {
        let call = Call::success("o", "f");
        let single = |expect| Plan::Single {
            call: call.clone(),
            expect,
            snapshot: false,
        };
        assert!(case(Kind::Success, single(Expect::Success)).consumes_fixture());
        assert!(!case(Kind::Error, single(Expect::Error(1.into()))).consumes_fixture());
        assert!(!case(Kind::Auth, single(Expect::Refused)).consumes_fixture());
        assert!(case(Kind::Invalid, single(Expect::Edge { may_succeed: true })).consumes_fixture());
        assert!(
            !case(Kind::Invalid, single(Expect::Edge { may_succeed: false })).consumes_fixture()
        );
        let twice = Plan::Sequence {
            steps: vec![
                (call.clone(), Expect::Error(1.into())),
                (call.clone(), Expect::Error(1.into())),
            ],
        };
        assert!(!case(Kind::Stateful, twice).consumes_fixture());
        let then_success = Plan::Sequence {
            steps: vec![
                (call.clone(), Expect::Refused),
                (call.clone(), Expect::Success),
            ],
        };
        assert!(case(Kind::Stateful, then_success).consumes_fixture());
        let property = |property| Plan::Property {
            property,
            base: call.clone(),
        };
        assert!(case(Kind::Valid, property(Property::ValidInput)).consumes_fixture());
        assert!(!case(Kind::Invalid, property(Property::MalformedBody)).consumes_fixture());
    }
}
