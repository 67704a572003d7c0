//! The model's either-or fields, deserialized by hand (no `#[serde(untagged)]`, whose error
//! names neither alternative): a body is `none` or a JSON body, a sequence step expects
//! `success`, `documented` or `{error: CODE}`. The format schema has already checked the
//! document; these messages are for a model built any other way.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
use serde::{Deserialize, de::value::MapAccessDeserializer};
use serde_json::Value;

use super::model::{Body, Expect, ExpectWord, JsonBody};

const BODY: &str = "`none` or a JSON body (a mapping with `schema` and an optional `example`)";
const EXPECT: &str = "`success`, `documented` or `{error: CODE}`";

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(BODY)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Body, E> {
        if v == "none" {
            Ok(Body::None)
        } else {
            Err(E::invalid_value(Unexpected::Str(v), &self))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Body, A::Error> {
        JsonBody::deserialize(MapAccessDeserializer::new(map)).map(Body::Json)
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BodyVisitor)
    }
}

struct ExpectVisitor;

impl<'de> Visitor<'de> for ExpectVisitor {
    type Value = Expect;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECT)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Expect, E> {
        match v {
            "success" => Ok(Expect::Word(ExpectWord::Success)),
            "documented" => Ok(Expect::Word(ExpectWord::Documented)),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Expect, A::Error> {
        let mut error: Option<Value> = None;
        while let Some(key) = map.next_key::<String>()? {
            if key != "error" {
                return Err(de::Error::unknown_field(&key, &["error"]));
            }
            if error.is_some() {
                return Err(de::Error::duplicate_field("error"));
            }
            error = Some(map.next_value()?);
        }
        match error {
            Some(error) => Ok(Expect::Error { error }),
            None => Err(de::Error::missing_field("error")),
        }
    }
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ExpectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Result<Body, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    fn expect(v: Value) -> Result<Expect, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn a_body_is_none_or_a_json_body_and_anything_else_names_both() {
        assert!(matches!(body(json!("none")), Ok(Body::None)));
        let Ok(Body::Json(b)) = body(json!({"schema": {"type": "object"}, "example": {}})) else {
            panic!("a JSON body");
        };
        assert_eq!(b.example, Some(json!({})));
        for wrong in [json!("nothing"), json!(3), json!(["none"])] {
            let e = body(wrong.clone()).expect_err("neither");
            assert!(e.contains(BODY), "{wrong}: {e}");
        }
        // A mapping is a JSON body: its own mistakes are named as such.
        let e = body(json!({"schema": {}, "exampel": 1})).expect_err("unknown field");
        assert!(e.contains("unknown field `exampel`"), "{e}");
        let e = body(json!({"example": 1})).expect_err("no schema");
        assert!(e.contains("missing field `schema`"), "{e}");
    }

    #[test]
    fn an_expectation_is_a_word_or_an_error_code_and_anything_else_names_the_three() {
        assert!(matches!(
            expect(json!("success")),
            Ok(Expect::Word(ExpectWord::Success))
        ));
        assert!(matches!(
            expect(json!("documented")),
            Ok(Expect::Word(ExpectWord::Documented))
        ));
        assert!(
            matches!(expect(json!({"error": "ORG.0001"})), Ok(Expect::Error { error }) if error == "ORG.0001")
        );
        assert!(matches!(expect(json!({"error": 42})), Ok(Expect::Error { error }) if error == 42));
        for wrong in [json!("succes"), json!(1), json!(null)] {
            let e = expect(wrong.clone()).expect_err("not an expectation");
            assert!(e.contains(EXPECT), "{wrong}: {e}");
        }
        let e = expect(json!({"code": 1})).expect_err("unknown key");
        assert!(e.contains("unknown field `code`, expected `error`"), "{e}");
        let e = expect(json!({})).expect_err("empty");
        assert!(e.contains("missing field `error`"), "{e}");
    }
}
