//! The typed spec model: services, operations, documented errors and their triggers.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::source::SourceFile;

/// All specs of a run.
#[derive(Debug, Clone, Default)]
pub struct SpecSet {
    /// Services by name.
    pub services: BTreeMap<String, Service>,
    /// Operations in a stable order (service, then file name).
    pub operations: Vec<Operation>,
}

impl SpecSet {
    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The service an operation belongs to.
    ///
    /// # Panics
    /// Never for operations of this set: the loader refuses operations without a service.
    pub fn service_of(&self, op: &Operation) -> &Service {
        &self.services[&op.service]
    }
}

/// A service file: what its operations share.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Service name (`pets`).
    #[serde(rename = "service")]
    pub name: String,
    /// Human title.
    pub title: String,
    /// Prefix of every operation path.
    #[serde(default)]
    pub base_path: String,
    /// What the service is (the OpenAPI export's `info`), where the spec gives it.
    #[serde(default)]
    pub description: Option<String>,
    /// Seed documents (none listed: operations name no `source`, or any).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Credential flow (see [`super::auth`]).
    pub auth: super::auth::AuthScheme,
    /// Credential roles by name; `default` always exists.
    pub credentials: BTreeMap<String, CredentialRole>,
    /// How errors are carried.
    pub errors: ErrorShape,
    /// Fixture declarations by name.
    pub fixtures: BTreeMap<String, FixtureDecl>,
    /// Where it was read from.
    #[serde(skip)]
    pub file: Option<Arc<SourceFile>>,
}

impl Service {
    /// `file:line:column` of the value at a JSON pointer of this service file.
    pub fn locate(&self, pointer: &str) -> String {
        match &self.file {
            Some(f) => {
                let p = f.key_pos(pointer);
                format!("{}:{}:{}", f.path.display(), p.line, p.column)
            }
            None => format!("<{}>{pointer}", self.name),
        }
    }
}

/// A named credential and the permission codes it grants.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialRole {
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// Permission codes granted.
    pub grants: Vec<String>,
}

/// How a service carries errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// HTTP status plus a code and message in the body.
    HttpStatus,
    /// A body envelope whose code says success or error; the HTTP status is not promised.
    Envelope,
}

/// The error body shape of a service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorShape {
    /// Status or envelope.
    pub carrier: Carrier,
    /// Body field holding the code.
    pub code_field: String,
    /// Body field holding the message.
    pub message_field: String,
    /// Envelope code of a success.
    #[serde(default)]
    pub success_code: Option<Value>,
    /// JSON Schema of an error body.
    pub schema: Schema,
}

/// A fixture the operations' cases need, and the values it provides.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureDecl {
    /// What the target must hold.
    pub description: String,
    /// Names of the values it binds (`org_id`, ...).
    pub values: Vec<String>,
}

/// One documented operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Operation id.
    pub id: String,
    /// Page title.
    pub summary: String,
    /// Seed document, where the spec names one.
    #[serde(default)]
    pub source: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path template (`/x/{id}`), without the service base path.
    pub path: String,
    /// Permission codes, any of which allows the call.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Whether the call deletes or disables something.
    #[serde(default)]
    pub destructive: bool,
    /// Path, query and header parameters.
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    /// Request headers and body.
    pub request: Request,
    /// The documented success.
    pub success: Success,
    /// The documented errors.
    pub errors: Vec<DocError>,
    /// The page's error examples.
    #[serde(default)]
    pub error_examples: Vec<ErrorExample>,
    /// What the page leaves open.
    #[serde(default)]
    pub not_promised: Vec<String>,
    /// Multi-step checks of state.
    #[serde(default)]
    pub sequences: Vec<Sequence>,
    /// Owning service (the directory).
    #[serde(skip)]
    pub service: String,
    /// Where it was read from.
    #[serde(skip)]
    pub file: Option<Arc<SourceFile>>,
}

impl Operation {
    /// `file:line:column` of the value at a JSON pointer of this spec.
    pub fn locate(&self, pointer: &str) -> String {
        match &self.file {
            Some(f) => {
                let p = f.key_pos(pointer);
                format!("{}:{}:{}", f.path.display(), p.line, p.column)
            }
            None => format!("<{}>{pointer}", self.id),
        }
    }

    /// Names of the path parameters, in template order.
    pub fn path_params(&self) -> Vec<String> {
        template_names(&self.path)
    }

    /// The query or header parameters (`location` not [`ParamIn::Path`]), by name.
    pub fn params_in(&self, location: ParamIn) -> impl Iterator<Item = (&String, &Parameter)> {
        self.parameters
            .iter()
            .filter(move |(_, p)| p.location == location)
    }
}

/// Names between braces in a path template, in order.
pub fn template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// A path, query or header parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Where it travels (`in:`, the path by default).
    #[serde(default, rename = "in")]
    pub location: ParamIn,
    /// Whether a request must carry it, as written (a path parameter always must; a query or
    /// header parameter only when `required: true`).
    #[serde(default)]
    pub required: Option<bool>,
    /// The page's description.
    #[serde(default)]
    pub description: String,
    /// JSON Schema of the value (a string when omitted), compiled.
    #[serde(default)]
    pub schema: Option<Schema>,
}

impl Parameter {
    /// Whether every request must carry it.
    pub fn is_required(&self) -> bool {
        self.location == ParamIn::Path || self.required.unwrap_or(false)
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    /// A `{name}` of the path template.
    #[default]
    Path,
    /// A query parameter (`?name=value`).
    Query,
    /// A request header.
    Header,
}

impl ParamIn {
    /// The word of the format (`path`, `query`, `header`).
    pub fn word(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
        }
    }
}

/// Request headers and body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Required Content-Type, when the page names one.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Other fixed headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Body,
}

/// `none` or a JSON body (deserialized in [`super::either`]).
#[derive(Debug, Clone)]
pub enum Body {
    /// No body (`body: none`).
    None,
    /// A JSON body.
    Json(JsonBody),
}

impl Body {
    /// The JSON body, if any.
    pub fn json(&self) -> Option<&JsonBody> {
        match self {
            Body::None => None,
            Body::Json(b) => Some(b),
        }
    }
}

/// A JSON body: schema and the page's example.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonBody {
    /// JSON Schema (draft 2020-12).
    pub schema: Schema,
    /// The page's example.
    #[serde(default)]
    pub example: Option<Value>,
}

/// A JSON Schema (draft 2020-12) with its validator, compiled when the model is deserialized
/// (shared: compiled once per run). The loader checks every schema compiles, with its position,
/// before it builds the typed model, so the deserializer's own error never reaches a user.
#[derive(Clone)]
pub struct Schema {
    /// The schema as written.
    pub raw: Value,
    /// Its validator.
    pub validator: Arc<jsonschema::Validator>,
}

impl Schema {
    /// Compiles a schema.
    ///
    /// # Errors
    /// When `raw` is not a valid JSON Schema (draft 2020-12).
    pub fn compile(raw: Value) -> Result<Self, jsonschema::ValidationError<'static>> {
        let validator = jsonschema::draft202012::new(&raw)?;
        Ok(Self {
            raw,
            validator: Arc::new(validator),
        })
    }

    /// The validator.
    pub fn validator(&self) -> &jsonschema::Validator {
        &self.validator
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        Schema::compile(raw).map_err(|e| {
            serde::de::Error::custom(format_args!("invalid JSON Schema (draft 2020-12): {e}"))
        })
    }
}

impl serde::Serialize for Schema {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Schema").field(&self.raw).finish()
    }
}

/// The documented success.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Success {
    /// HTTP status (one, or a list meaning "any of these"), when the page gives one.
    #[serde(default)]
    pub status: Option<Statuses>,
    /// Content-Type, when the page shows one.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The success body.
    pub body: Body,
    /// How to make the documented success request.
    pub case: SuccessCase,
}

/// The documented success statuses: one, or several of which any will do (`status: [200, 201]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statuses(Vec<u16>);

impl Statuses {
    /// These statuses (at least one; the loader refuses an empty list).
    ///
    /// # Errors
    /// When `list` is empty.
    pub fn new(list: Vec<u16>) -> Result<Self, String> {
        if list.is_empty() {
            Err("an empty list of statuses: give at least one".into())
        } else {
            Ok(Self(list))
        }
    }

    /// Every status, as written.
    pub fn all(&self) -> &[u16] {
        &self.0
    }

    /// The first status written (the example's).
    pub fn first(&self) -> u16 {
        self.0.first().copied().unwrap_or(200)
    }

    /// Whether `status` is one of them.
    pub fn contains(&self, status: u16) -> bool {
        self.0.contains(&status)
    }
}

impl std::fmt::Display for Statuses {
    /// `200`, or `200 or 201`, or `200, 201 or 202`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.split_last() {
            Some((last, [])) => write!(f, "{last}"),
            Some((last, rest)) => {
                let rest: Vec<String> = rest.iter().map(u16::to_string).collect();
                write!(f, "{} or {last}", rest.join(", "))
            }
            None => Ok(()),
        }
    }
}

impl<'de> Deserialize<'de> for Statuses {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StatusesVisitor)
    }
}

struct StatusesVisitor;

fn status_of<E: serde::de::Error>(v: u64) -> Result<u16, E> {
    u16::try_from(v)
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| E::custom(format!("status {v} is not an HTTP status (100 to 599)")))
}

impl<'de> serde::de::Visitor<'de> for StatusesVisitor {
    type Value = Statuses;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an HTTP status or a list of HTTP statuses")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Statuses, E> {
        Ok(Statuses(vec![status_of(v)?]))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Statuses, E> {
        let v = u64::try_from(v)
            .map_err(|_| E::custom(format!("status {v} is not an HTTP status (100 to 599)")))?;
        self.visit_u64(v)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Statuses, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<u64>()? {
            out.push(status_of(v)?);
        }
        Statuses::new(out).map_err(serde::de::Error::custom)
    }
}

/// The concrete documented-success request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessCase {
    /// Fixture whose values fill the path and `{{placeholders}}`.
    pub fixture: String,
    /// Body template.
    #[serde(default)]
    pub body: Option<Value>,
    /// Top-level body fields the documented success must carry with these values.
    #[serde(default)]
    pub fields: serde_json::Map<String, Value>,
    /// Query parameter values of the success request (`{{value}}` templates allowed).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Header parameter values of the success request (`{{value}}` templates allowed).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// A documented error.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocError {
    /// The code as the server sends it (string or number).
    pub code: Value,
    /// HTTP status, where documented.
    #[serde(default)]
    pub status: Option<u16>,
    /// The message as sent (`{0}` matches anything), where documented.
    #[serde(default)]
    pub message: Option<String>,
    /// Translation of the message.
    #[serde(default)]
    pub translation: Option<String>,
    /// Description from the page.
    #[serde(default)]
    pub description: Option<String>,
    /// Handling measure.
    #[serde(default)]
    pub measure: Option<String>,
    /// How to provoke it (exactly one of `trigger` and `triggers`).
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// Every way to provoke it, one per situation the page's text covers (the first is the
    /// one `error::<CODE>` uses; the others get a suffix, see [`Trigger::detail`]).
    #[serde(default)]
    pub triggers: Vec<Trigger>,
}

impl DocError {
    /// The code as text (for names and tables).
    pub fn code_text(&self) -> String {
        code_text(&self.code)
    }

    /// Its triggers in order: `trigger`, then `triggers`.
    pub fn all_triggers(&self) -> Vec<&Trigger> {
        self.trigger.iter().chain(self.triggers.iter()).collect()
    }

    /// Whether no client can provoke it (its only trigger is `not_provokable`).
    pub fn not_provokable(&self) -> bool {
        let all = self.all_triggers();
        !all.is_empty() && all.iter().all(|t| matches!(t, Trigger::NotProvokable(_)))
    }
}

/// A code value as text, without JSON quotes.
pub fn code_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How to provoke a documented error.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// A change of the success request.
    Input(InputChange),
    /// A value replaced by an id that does not exist.
    Unknown(String),
    /// The success request on another fixture.
    Fixture(String),
    /// Not provokable by a client (the reason).
    NotProvokable(String),
    /// A trigger not written yet (what `import openapi` leaves): what to write here. Lint
    /// warns at it; its case is listed as ignored.
    Todo(String),
}

impl Trigger {
    /// A name segment saying which situation the trigger provokes: the fixture name,
    /// `unknown_<value>`, or the input change (`path_app_id`, `body_user_names`,
    /// `remove_user_ids`, fields joined by `_`).
    pub fn detail(&self) -> String {
        match self {
            Trigger::Fixture(f) => f.clone(),
            Trigger::Unknown(v) => format!("unknown_{v}"),
            Trigger::NotProvokable(_) => "not_provokable".into(),
            Trigger::Todo(_) => "todo".into(),
            Trigger::Input(c) => {
                let mut parts: Vec<String> = Vec::new();
                parts.extend(c.path.keys().map(|k| format!("path_{k}")));
                parts.extend(c.body.iter().map(|(k, v)| {
                    let k = detail_key(k);
                    let what = match v {
                        Value::String(s) if s.is_empty() => "empty",
                        Value::String(s) if s.trim().is_empty() => "blank",
                        Value::Array(a) if a.is_empty() => "empty",
                        Value::Array(a)
                            if a.iter()
                                .all(|x| x.as_str().is_some_and(|s| s.trim().is_empty())) =>
                        {
                            "empty_element"
                        }
                        Value::Array(_) => "list",
                        Value::Null => "null",
                        _ => "value",
                    };
                    format!("body_{k}_{what}")
                }));
                parts.extend(c.remove.iter().map(|k| format!("remove_{}", detail_key(k))));
                for (word, map) in [("query", &c.query), ("header", &c.headers)] {
                    parts.extend(map.iter().map(|(k, v)| match v {
                        Value::Null => format!("{word}_{k}_absent"),
                        // The value names the situation: `limit` 0 and 101 are two triggers.
                        v => format!("{word}_{k}_{}", value_word(v)),
                    }));
                }
                parts.join("_")
            }
        }
    }
}

/// A parameter value of a trigger in a case name: short values as they are (characters other
/// than letters, digits, `.` and `-` as `_`), an empty one `empty`, a long one `value`.
fn value_word(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.trim().is_empty() {
        return "empty".into();
    }
    if text.chars().count() > 24 {
        return "value".into();
    }
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A body key of a trigger in a case name: a top-level field as it is, a JSON pointer as its
/// segments joined by `_` (`/owner/name` → `owner_name`).
fn detail_key(key: &str) -> String {
    match pointer_segments(key) {
        Some(segments) => segments.join("_"),
        None => key.to_string(),
    }
}

/// The unescaped segments of a JSON pointer (`/a~1b/0` → `a/b`, `0`), or `None` for a key that
/// does not start with `/` (a top-level field).
pub fn pointer_segments(key: &str) -> Option<Vec<String>> {
    let rest = key.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Changes to the success request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputChange {
    /// Path parameters replaced.
    #[serde(default)]
    pub path: BTreeMap<String, String>,
    /// Body values set: top-level fields, or JSON pointers (keys starting with `/`) into the
    /// body, whose missing intermediate objects are created.
    #[serde(default)]
    pub body: serde_json::Map<String, Value>,
    /// Body values removed: top-level fields, or JSON pointers.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Query parameters set (a string, number or boolean; `null` removes the parameter).
    #[serde(default)]
    pub query: BTreeMap<String, Value>,
    /// Header parameters set (`null` removes the header).
    #[serde(default)]
    pub headers: BTreeMap<String, Value>,
}

/// A page's error example.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExample {
    /// HTTP status shown.
    #[serde(default)]
    pub status: Option<u16>,
    /// Body shown.
    pub body: Value,
}

/// A multi-step check of state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// Name, part of the case name.
    pub name: String,
    /// What it checks.
    #[serde(default)]
    pub description: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a sequence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Operation id.
    pub call: String,
    /// Fixture.
    pub fixture: String,
    /// Value renames: `org_id: child_org_id` uses the fixture's `child_org_id` as `org_id`;
    /// `org_id: "{{created}}"` uses a value an earlier step captured.
    #[serde(default)]
    pub bind: BTreeMap<String, String>,
    /// Values taken from this step's response for later steps: name → JSON pointer into the
    /// body, or `header:Name`.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// What must come back.
    pub expect: Expect,
}

/// A step's expectation (deserialized in [`super::either`]).
#[derive(Debug, Clone)]
pub enum Expect {
    /// `success` or `documented`.
    Word(ExpectWord),
    /// `{error: CODE}`.
    Error {
        /// The code.
        error: Value,
    },
}

/// Word expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectWord {
    /// The documented success.
    Success,
    /// Any documented response (success or a documented error): observed, snapshotted.
    Documented,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_in_order() {
        assert_eq!(
            template_names("/a/{app_id}/b/{app_user_id}/c"),
            vec!["app_id", "app_user_id"]
        );
        assert!(template_names("/plain").is_empty());
    }

    #[test]
    fn trigger_details_name_the_situation() {
        let t = |v: serde_json::Value| -> Trigger { serde_json::from_value(v).expect("trigger") };
        use serde_json::json;
        assert_eq!(
            t(json!({"fixture": "org_children_disabled"})).detail(),
            "org_children_disabled"
        );
        assert_eq!(t(json!({"unknown": "userId"})).detail(), "unknown_userId");
        assert_eq!(
            t(json!({"input": {"path": {"app_id": ""}}})).detail(),
            "path_app_id"
        );
        assert_eq!(
            t(json!({"input": {"body": {"user_names": []}}})).detail(),
            "body_user_names_empty"
        );
        assert_eq!(
            t(json!({"input": {"body": {"user_names": [""]}}})).detail(),
            "body_user_names_empty_element"
        );
        assert_eq!(
            t(json!({"input": {"remove": ["userId"]}})).detail(),
            "remove_userId"
        );
        let e: DocError = serde_json::from_value(json!({
            "code": "X", "triggers": [{"fixture": "a"}, {"not_provokable": "why"}]
        }))
        .expect("error");
        assert_eq!(e.all_triggers().len(), 2);
        assert!(!e.not_provokable(), "one trigger is provokable");
        let e: DocError =
            serde_json::from_value(json!({"code": 1, "trigger": {"not_provokable": "why"}}))
                .expect("error");
        assert!(e.not_provokable());
    }

    #[test]
    fn success_status_is_one_or_a_list() {
        use serde_json::json;
        let s = |v: serde_json::Value| serde_json::from_value::<Statuses>(v);
        let one = s(json!(204)).expect("one");
        assert_eq!(one.all(), [204]);
        assert_eq!(one.to_string(), "204");
        let two = s(json!([200, 201])).expect("list");
        assert!(two.contains(201) && !two.contains(204));
        assert_eq!(two.to_string(), "200 or 201");
        assert_eq!(
            s(json!([200, 201, 202])).expect("three").to_string(),
            "200, 201 or 202"
        );
        assert_eq!(two.first(), 200);
        for (bad, why) in [
            (json!([]), "an empty list of statuses"),
            (json!(99), "status 99 is not an HTTP status"),
            (json!([200, 700]), "status 700 is not an HTTP status"),
            (json!("200"), "an HTTP status or a list of HTTP statuses"),
            (json!(-1), "status -1 is not an HTTP status"),
        ] {
            let e = s(bad.clone()).expect_err("refused").to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
        let success: Success = serde_json::from_value(
            json!({"status": [200, 201], "body": "none", "case": {"fixture": "f"}}),
        )
        .expect("success");
        assert_eq!(
            success.status.map(|s| s.all().to_vec()),
            Some(vec![200, 201])
        );
    }

    #[test]
    fn parameters_say_where_they_travel() {
        use serde_json::json;
        let p = |v: serde_json::Value| serde_json::from_value::<Parameter>(v).expect("parameter");
        let path = p(json!({"description": "Pet id"}));
        assert_eq!(path.location, ParamIn::Path);
        assert!(path.is_required(), "a path parameter is always required");
        let query = p(json!({"in": "query", "schema": {"type": "integer"}}));
        assert_eq!(query.location, ParamIn::Query);
        assert!(
            !query.is_required(),
            "query parameters are optional by default"
        );
        let header = p(json!({"in": "header", "required": true}));
        assert_eq!(header.location, ParamIn::Header);
        assert!(header.is_required());
        assert!(serde_json::from_value::<Parameter>(json!({"in": "cookie"})).is_err());
    }

    #[test]
    fn pointer_and_parameter_triggers_are_named_by_their_segments() {
        use serde_json::json;
        let t = |v: serde_json::Value| -> Trigger { serde_json::from_value(v).expect("trigger") };
        assert_eq!(
            t(json!({"input": {"body": {"/owner/name": ""}}})).detail(),
            "body_owner_name_empty"
        );
        assert_eq!(
            t(json!({"input": {"body": {"/tags/0": null}}})).detail(),
            "body_tags_0_null"
        );
        assert_eq!(
            t(json!({"input": {"remove": ["/owner/name", "/a~1b/c~0d"]}})).detail(),
            "remove_owner_name_remove_a/b_c~d"
        );
        assert_eq!(
            t(json!({"input": {"query": {"limit": 0}, "headers": {"X-Id": null}}})).detail(),
            "query_limit_0_header_X-Id_absent"
        );
        // Two bounds of one parameter are two situations, with two names.
        assert_eq!(
            t(json!({"input": {"query": {"limit": 101}}})).detail(),
            "query_limit_101"
        );
        assert_eq!(
            t(json!({"input": {"headers": {"If-Match": "\"v 1\""}}})).detail(),
            "header_If-Match__v_1_"
        );
        let c = match t(json!({"input": {"query": {"limit": 0}, "headers": {"X-Id": "a"}}})) {
            Trigger::Input(c) => c,
            other => panic!("{other:?}"),
        };
        assert_eq!(c.query["limit"], json!(0));
        assert_eq!(c.headers["X-Id"], json!("a"));
        assert_eq!(
            pointer_segments("/a~1b/m~0n/0"),
            Some(vec!["a/b".to_string(), "m~n".to_string(), "0".to_string()])
        );
        assert_eq!(pointer_segments("plain"), None);
    }

    #[test]
    fn triggers_are_externally_tagged() {
        let t: Trigger =
            serde_json::from_value(serde_json::json!({"unknown": "org_id"})).expect("trigger");
        assert!(matches!(t, Trigger::Unknown(ref s) if s == "org_id"));
        let t: Trigger =
            serde_json::from_value(serde_json::json!({"input": {"remove": ["user_ids"]}}))
                .expect("trigger");
        assert!(matches!(t, Trigger::Input(ref c) if c.remove == ["user_ids"]));
        let t: Trigger =
            serde_json::from_value(serde_json::json!({"todo": "provoke it"})).expect("trigger");
        assert!(matches!(t, Trigger::Todo(ref s) if s == "provoke it"));
        assert_eq!(t.detail(), "todo");
    }
}
