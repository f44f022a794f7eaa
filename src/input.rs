//! Reading caller input into core types: one serde `Deserializer` over any [`Source`] (a
//! JavaScript argument in the binding, a `serde_json::Value` in tests), reading only the
//! fields a type asks for, with `INVALID_ARGUMENT` errors that name the field path
//! (`message.quickReplies[3].title`) and never echo the value (it may be a secret passed in
//! the wrong place).
//!
//! Errors are built from what the deserializer knows (the field, what was asked, what was
//! there), never by reading serde's message text. A struct reads its own fields by name, so
//! the other keys of a large object (an n8n credential) cost nothing and cannot fail a call.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use crate::error::Error as CoreError;

/// The deepest nesting read from one argument (real inputs nest < 10).
const MAX_DEPTH: u32 = 64;
/// The most values read from one argument.
const MAX_VALUES: u32 = 100_000;

/// The kind of an input value, as JavaScript sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `undefined` or `null`.
    Nullish,
    Boolean,
    Number,
    String,
    Array,
    Object,
    /// A `Buffer`, typed array, `DataView` or `ArrayBuffer`.
    Binary,
    /// A function, symbol or bigint.
    Other,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Nullish => "null",
            Kind::Boolean => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
            Kind::Binary => "binary data",
            Kind::Other => "a function, symbol or bigint",
        }
    }
}

/// A value could not be read (a getter or Proxy trap threw, a buffer was detached). The
/// binding leaves the caller's exception pending, so the export throws that exception.
#[derive(Debug, Clone, Copy)]
pub struct Unreadable;

/// Where input comes from. Every read is of the value's own data: `field` and `keys` see own
/// properties only, and `element` reports a hole as `None`.
pub trait Source: Copy {
    fn kind(self) -> Result<Kind, Unreadable>;
    fn string(self) -> Result<String, Unreadable>;
    /// Only called on a `Number`.
    fn number(self) -> Result<f64, Unreadable>;
    fn boolean(self) -> Result<bool, Unreadable>;
    /// The own property `name` of an object; `None` when absent or `undefined`.
    fn field(self, name: &str) -> Result<Option<Self>, Unreadable>;
    /// [`Source::field`] for a name known at compile time (a struct's field), which a source
    /// may look up faster.
    fn static_field(self, name: &'static str) -> Result<Option<Self>, Unreadable> {
        self.field(name)
    }
    /// The own enumerable string keys of an object, in JavaScript's order.
    fn keys(self) -> Result<Vec<String>, Unreadable>;
    fn array_len(self) -> Result<u32, Unreadable>;
    /// Element `i` of an array; `None` for a hole.
    fn element(self, i: u32) -> Result<Option<Self>, Unreadable>;
    /// The `[key, value]` pairs of a `Map`, `Headers` or `URLSearchParams`; `None` for any
    /// other value.
    fn entries(self) -> Result<Option<Vec<(Self, Self)>>, Unreadable> {
        Ok(None)
    }
    /// A copy of the bytes of binary data (at most `limit`); `None` for any other value.
    fn bytes(self, _limit: usize) -> Result<Option<Vec<u8>>, Unreadable> {
        Ok(None)
    }
    /// The same value, told its kind (just read), for a source that would ask again.
    fn with_kind(self, _kind: Kind) -> Self {
        self
    }
}

/// Reads `value` (which must be an object) as `T`. `root` names the argument: fields of
/// `options` and `secrets` are reported as `options.timeoutMs`, those of a request or a
/// credential by their own name (`accessToken`), and the argument itself as `root`.
pub fn read<S: Source, T: DeserializeOwned>(value: S, root: &'static str) -> Result<T, CoreError> {
    let kind = value.kind().map_err(|_| CoreError::invalid(root, "cannot be read"))?;
    if kind != Kind::Object {
        return Err(CoreError::invalid(root, "must be an object"));
    }
    let prefix = if matches!(root, "options" | "secrets") { root } else { "" };
    let budget = Cell::new(MAX_VALUES);
    let de = De { value: Some(value.with_kind(kind)), path: &Path::Root(prefix), depth: 0, budget: &budget };
    T::deserialize(de).map_err(|e| {
        let field = if e.field.is_empty() { root.to_string() } else { e.field };
        CoreError::invalid(field, e.problem)
    })
}

/// [`read`] for an optional argument: absent, `undefined` and `null` give the default.
pub fn read_opt<S: Source, T: DeserializeOwned + Default>(
    value: Option<S>,
    root: &'static str,
) -> Result<T, CoreError> {
    let Some(value) = value else { return Ok(T::default()) };
    match value.kind().map_err(|_| CoreError::invalid(root, "cannot be read"))? {
        Kind::Nullish => Ok(T::default()),
        kind => read(value.with_kind(kind), root),
    }
}

/// [`read`] from JSON (tests and tools).
pub fn from_json<T: DeserializeOwned>(json: serde_json::Value, root: &'static str) -> Result<T, CoreError> {
    read(&json, root)
}

impl Source for &serde_json::Value {
    fn kind(self) -> Result<Kind, Unreadable> {
        use serde_json::Value as J;
        Ok(match self {
            J::Null => Kind::Nullish,
            J::Bool(_) => Kind::Boolean,
            J::Number(_) => Kind::Number,
            J::String(_) => Kind::String,
            J::Array(_) => Kind::Array,
            J::Object(_) => Kind::Object,
        })
    }
    fn string(self) -> Result<String, Unreadable> {
        self.as_str().map(str::to_string).ok_or(Unreadable)
    }
    fn number(self) -> Result<f64, Unreadable> {
        self.as_f64().ok_or(Unreadable)
    }
    fn boolean(self) -> Result<bool, Unreadable> {
        self.as_bool().ok_or(Unreadable)
    }
    fn field(self, name: &str) -> Result<Option<Self>, Unreadable> {
        Ok(self.get(name))
    }
    fn keys(self) -> Result<Vec<String>, Unreadable> {
        Ok(self.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default())
    }
    fn array_len(self) -> Result<u32, Unreadable> {
        self.as_array().map(|a| a.len() as u32).ok_or(Unreadable)
    }
    fn element(self, i: u32) -> Result<Option<Self>, Unreadable> {
        Ok(self.get(i as usize))
    }
}

/// A field path, built on the stack while descending and written out only for an error.
enum Path<'a> {
    Root(&'static str),
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, u32),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(r) => f.write_str(r),
            Path::Field(p, name) => {
                let parent = p.to_string();
                if parent.is_empty() {
                    f.write_str(name)
                } else {
                    write!(f, "{parent}.{name}")
                }
            }
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// A problem with one field. `field` is filled in by the innermost deserializer that sees
/// the error (serde's derived code creates errors without knowing where it is).
#[derive(Debug)]
pub struct InputError {
    field: String,
    located: bool,
    /// Set by `missing_field`: the name to append to the struct's path.
    missing: Option<&'static str>,
    problem: String,
}

impl InputError {
    fn new(problem: impl Into<String>) -> Self {
        InputError { field: String::new(), located: false, missing: None, problem: problem.into() }
    }

    fn at(mut self, path: &Path<'_>) -> Self {
        if !self.located {
            self.located = true;
            self.field = match self.missing.take() {
                Some(name) => Path::Field(path, name).to_string(),
                None => path.to_string(),
            };
        }
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for InputError {}

impl de::Error for InputError {
    /// Custom errors come from this crate's own types; their text is a whole problem
    /// ("must be …"), for instance an untagged enum's `expecting`.
    fn custom<T: fmt::Display>(msg: T) -> Self {
        InputError::new(msg.to_string())
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let got = match unexp {
            de::Unexpected::Bool(_) => Kind::Boolean,
            de::Unexpected::Unsigned(_) | de::Unexpected::Signed(_) | de::Unexpected::Float(_) => Kind::Number,
            de::Unexpected::Str(_) | de::Unexpected::Char(_) => Kind::String,
            de::Unexpected::Seq => Kind::Array,
            de::Unexpected::Map | de::Unexpected::Bytes(_) => Kind::Object,
            _ => Kind::Nullish,
        };
        InputError::new(format!("must be {exp} (got {})", got.noun()))
    }

    fn invalid_value(_: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        InputError::new(format!("must be {exp}"))
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        let quoted: Vec<String> = expected.iter().map(|v| format!("'{v}'")).collect();
        InputError::new(match quoted.as_slice() {
            [one] => format!("must be {one}"),
            [a, b] => format!("must be {a} or {b}"),
            all => format!("must be one of {}", all.join(", ")),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        InputError { missing: Some(field), ..InputError::new("is required") }
    }
}

/// One value being read. `None` is a missing value (an absent property, a hole).
struct De<'p, S> {
    value: Option<S>,
    path: &'p Path<'p>,
    depth: u32,
    budget: &'p Cell<u32>,
}

type R<T> = Result<T, InputError>;

impl<'p, S: Source> De<'p, S> {
    fn fail(&self, problem: impl Into<String>) -> InputError {
        InputError::new(problem).at(self.path)
    }

    /// The kind, counted against the size and depth bounds.
    fn kind(&self) -> R<Kind> {
        let Some(v) = self.value else { return Ok(Kind::Nullish) };
        let left = self.budget.get();
        if left == 0 || self.depth > MAX_DEPTH {
            return Err(InputError::new(
                "must be a plain, acyclic value nested at most 64 levels deep with at most 100000 values",
            )
            .at(&Path::Root("")));
        }
        self.budget.set(left - 1);
        v.kind().map_err(|_| self.fail("cannot be read"))
    }

    fn read<T>(&self, f: impl FnOnce(S) -> Result<T, Unreadable>) -> R<T> {
        self.value.ok_or(Unreadable).and_then(f).map_err(|_| self.fail("cannot be read"))
    }

    fn wrong(&self, expected: &str, got: Kind) -> InputError {
        match got {
            Kind::Other => self.fail(
                "has an unsupported type (a function, symbol or bigint): pass strings, numbers, booleans, arrays and objects",
            ),
            Kind::Binary => self.fail("must not be binary data here"),
            got => self.fail(format!("must be {expected} (got {})", got.noun())),
        }
    }

    fn finite(&self) -> R<f64> {
        let n = self.read(S::number)?;
        if n.is_finite() {
            Ok(n)
        } else {
            Err(self.fail("must be a finite number (not NaN or Infinity)"))
        }
    }

    fn child<'c>(&self, value: Option<S>, path: &'c Path<'c>) -> De<'c, S>
    where
        'p: 'c,
    {
        De { value, path, depth: self.depth + 1, budget: self.budget }
    }

    fn located<T>(&self, r: R<T>) -> R<T> {
        r.map_err(|e| e.at(self.path))
    }
}

impl<'de, 'p, S: Source> de::Deserializer<'de> for De<'p, S> {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let r = match self.kind()? {
            Kind::Nullish => visitor.visit_unit(),
            Kind::Boolean => visitor.visit_bool(self.read(S::boolean)?),
            Kind::Number => {
                let n = self.finite()?;
                if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
                    visitor.visit_i64(n as i64)
                } else {
                    visitor.visit_f64(n)
                }
            }
            Kind::String => visitor.visit_string(self.read(S::string)?),
            Kind::Array => return self.deserialize_seq(visitor),
            Kind::Object => {
                let keys = self.read(S::keys)?;
                visitor.visit_map(Fields { de: &self, names: keys.into_iter().map(Cow::Owned), next: None })
            }
            other => return Err(self.wrong("a plain value", other)),
        };
        self.located(r)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.kind()? {
            Kind::Boolean => self.located(visitor.visit_bool(self.read(S::boolean)?)),
            other => Err(self.wrong("a boolean", other)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.kind()? {
            Kind::Number => self.located(visitor.visit_f64(self.finite()?)),
            other => Err(self.wrong("a number", other)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.kind()? {
            Kind::String => self.located(visitor.visit_string(self.read(S::string)?)),
            other => Err(self.wrong("a string", other)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.value {
            None => visitor.visit_none(),
            Some(v) if matches!(v.kind(), Ok(Kind::Nullish)) => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.kind()? {
            Kind::Array => {
                let len = self.read(S::array_len)?;
                if len >= self.budget.get() {
                    return Err(self.fail("is too long"));
                }
                self.located(visitor.visit_seq(Elements { de: &self, next: 0, len }))
            }
            other => Err(self.wrong("an array", other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        match self.kind()? {
            Kind::Object => {
                let names = fields.iter().map(|f| Cow::Borrowed(*f));
                self.located(visitor.visit_map(Fields { de: &self, names, next: None }))
            }
            other => Err(self.wrong("an object", other)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.kind()? {
            Kind::Object => self.deserialize_any(visitor),
            other => Err(self.wrong("an object", other)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        match self.kind()? {
            Kind::String => {
                let s = self.read(S::string)?;
                self.located(visitor.visit_enum(s.into_deserializer()))
            }
            other => Err(self.wrong("a string", other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> R<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 char bytes byte_buf unit unit_struct tuple
        tuple_struct identifier
    }
}

/// An object's properties: a struct's field names, or every own key (`deserialize_any`).
struct Fields<'d, 'p, S, I> {
    de: &'d De<'p, S>,
    names: I,
    next: Option<(Cow<'static, str>, S)>,
}

impl<'de, S: Source, I: Iterator<Item = Cow<'static, str>>> de::MapAccess<'de> for Fields<'_, '_, S, I> {
    type Error = InputError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let obj = self.de.value.ok_or_else(|| self.de.fail("cannot be read"))?;
        for name in self.names.by_ref() {
            let value = match &name {
                Cow::Borrowed(name) => obj.static_field(name),
                Cow::Owned(name) => obj.field(name),
            };
            let value = value.map_err(|_| InputError::new("cannot be read").at(&Path::Field(self.de.path, &name)))?;
            if let Some(value) = value {
                let key = seed.deserialize(name.as_ref().into_deserializer())?;
                self.next = Some((name, value));
                return Ok(Some(key));
            }
        }
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> R<T::Value> {
        let (name, value) = self.next.take().ok_or_else(|| self.de.fail("cannot be read"))?;
        let path = Path::Field(self.de.path, &name);
        let child = self.de.child(Some(value), &path);
        seed.deserialize(child).map_err(|e| e.at(&path))
    }
}

/// An array's own elements (a hole reads as a missing value).
struct Elements<'d, 'p, S> {
    de: &'d De<'p, S>,
    next: u32,
    len: u32,
}

impl<'de, S: Source> de::SeqAccess<'de> for Elements<'_, '_, S> {
    type Error = InputError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> R<Option<T::Value>> {
        if self.next >= self.len {
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        let path = Path::Index(self.de.path, i);
        let arr = self.de.value.ok_or_else(|| self.de.fail("cannot be read"))?;
        let value = arr.element(i).map_err(|_| InputError::new("cannot be read").at(&path))?;
        seed.deserialize(self.de.child(value, &path)).map(Some).map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.next) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Req {
        access_token: crate::secret::Secret,
        items: Option<Vec<Item>>,
        login_type: Option<crate::graph::LoginType>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        title: String,
    }

    fn err(v: serde_json::Value) -> String {
        from_json::<Req>(v, "request").unwrap_err().to_string()
    }

    #[test]
    fn paths_without_values() {
        assert_eq!(err(serde_json::json!({})), "accessToken: is required");
        assert_eq!(err(serde_json::json!({"accessToken": 5})), "accessToken: must be a string (got a number)");
        assert_eq!(err(serde_json::json!({"accessToken": null})), "accessToken: must be a string (got null)");
        assert_eq!(
            err(serde_json::json!({"accessToken": "IGAAsecret", "items": [{"title": "a"}, {"title": 7}]})),
            "items[1].title: must be a string (got a number)"
        );
        assert_eq!(err(serde_json::json!({"accessToken": "IGAAsecret", "items": [{}]})), "items[0].title: is required");
        assert_eq!(
            err(serde_json::json!({"accessToken": "IGAAsecret", "items": "IGAAsecret"})),
            "items: must be an array (got a string)"
        );
        assert_eq!(
            err(serde_json::json!({"accessToken": "IGAAsecret", "loginType": "IGAAsecret"})),
            "loginType: must be 'instagram' or 'facebook'"
        );
        assert_eq!(err(serde_json::json!([1])), "request: must be an object");
    }

    #[test]
    fn options_fields_carry_the_argument_name() {
        let e = from_json::<crate::graph::CallOptionsInput>(serde_json::json!({"timeoutMs": "x"}), "options");
        assert_eq!(e.unwrap_err().to_string(), "options.timeoutMs: must be a number (got a string)");
    }
}
