//! JavaScript values read as hostile input: the [`Source`] that [`crate::input`] reads.
//!
//! Three rules (DESIGN.md, "the JS boundary trusts nothing"):
//! - **own properties only**: a key set on `Object.prototype` (a prototype-pollution bug
//!   anywhere in the process) is never read as the caller's input;
//! - **owned copies**: bytes and strings are copied out before any other JS can run, so a
//!   buffer transferred, changed or freed afterwards cannot reach Rust;
//! - **bounded**: depth and size limits live in `crate::input`; at most `MAX_ENTRIES` pairs
//!   are read from a collection.
//!
//! A getter or a Proxy trap that throws leaves its exception pending: the export then throws
//! (or rejects with) that very exception, as `JSON.stringify` does.

use std::cell::RefCell;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;

use super::convert::take_exception;
use crate::input::{Kind, Source, Unreadable};

/// The most entries read from a `Map`, `Headers` or `URLSearchParams`.
const MAX_ENTRIES: u32 = 10_000;

type R<T> = std::result::Result<T, Unreadable>;

impl From<napi::Error> for Unreadable {
    fn from(_: napi::Error) -> Self {
        Unreadable
    }
}

/// One argument (or a value inside it) of the current call, on the JavaScript thread.
#[derive(Clone, Copy)]
pub struct Arg<'e> {
    v: Unknown<'e>,
    /// The kind, when already known.
    kind: Option<Kind>,
}

/// The kind `typeof` tells alone; `None` for an object (an array? binary data?).
fn kind_of(ty: ValueType) -> Option<Kind> {
    Some(match ty {
        ValueType::Undefined | ValueType::Null => Kind::Nullish,
        ValueType::Boolean => Kind::Boolean,
        ValueType::Number => Kind::Number,
        ValueType::String => Kind::String,
        ValueType::Object => return None,
        _ => Kind::Other,
    })
}

impl<'e> Arg<'e> {
    pub fn new(v: Unknown<'e>) -> Self {
        Arg { v, kind: None }
    }

    fn env(&self) -> Env {
        Env::from_raw(self.v.value().env)
    }

    /// The value as an object: N-API refuses every object call on anything else.
    fn object(&self) -> R<Object<'e>> {
        Ok(Object::from_unknown(self.v)?)
    }

    /// The own property `key`, unless absent or `undefined`; never an inherited one.
    fn own<'k>(&self, key: impl JsValue<'k> + Copy) -> R<Option<Self>> {
        let obj = self.object()?;
        if !obj.has_own_property_js(key)? {
            return Ok(None);
        }
        let v: Unknown<'e> = obj.get_property_unchecked(key)?;
        Ok(match v.get_type()? {
            ValueType::Undefined => None,
            ty => Some(Arg { v, kind: kind_of(ty) }),
        })
    }

    fn own_named(&self, name: &str) -> R<Option<Self>> {
        self.own(self.env().create_string(name)?)
    }

    fn function(&self) -> R<Option<Function<'e, (), Unknown<'e>>>> {
        Ok(match self.v.get_type()? {
            ValueType::Function => Some(Function::from_unknown(self.v)?),
            _ => None,
        })
    }

    /// The `[key, value]` pairs an entries iterator yields (`next` looked up as JS would).
    fn drain(&self, iter: Self) -> R<Vec<(Self, Self)>> {
        let next: Unknown = iter.object()?.get_named_property_unchecked("next")?;
        let next = Arg::new(next).function()?.ok_or(Unreadable)?;
        let mut out = Vec::new();
        loop {
            let step = Arg::new(next.apply(iter.v, ())?);
            if step.v.get_type()? != ValueType::Object {
                return Err(Unreadable);
            }
            if step.own_named("done")?.map(|d| d.boolean()).transpose()?.unwrap_or(false) {
                return Ok(out);
            }
            if out.len() as u32 >= MAX_ENTRIES {
                return Err(Unreadable);
            }
            let pair = step.own_named("value")?.ok_or(Unreadable)?;
            out.push((pair.own_named("0")?.ok_or(Unreadable)?, pair.own_named("1")?.ok_or(Unreadable)?));
        }
    }
}

/// Bytes per element of a typed array kind; `None` for a kind this addon does not know.
fn element_size(kind: sys::napi_typedarray_type) -> Option<usize> {
    use sys::TypedarrayType as T;
    Some(match kind {
        T::int8_array | T::uint8_array | T::uint8_clamped_array => 1,
        T::int16_array | T::uint16_array => 2,
        T::int32_array | T::uint32_array | T::float32_array => 4,
        T::float64_array | T::bigint64_array | T::biguint64_array => 8,
        _ => return None,
    })
}

impl<'e> Source for Arg<'e> {
    fn kind(self) -> R<Kind> {
        Ok(match self.kind.map_or_else(|| self.v.get_type().map(kind_of), |k| Ok(Some(k)))? {
            Some(kind) => kind,
            None if self.v.is_array()? => Kind::Array,
            None if self.v.is_typedarray()? || self.v.is_dataview()? || self.v.is_arraybuffer()? => Kind::Binary,
            None => Kind::Object,
        })
    }
    /// A copy as UTF-8 (an unpaired surrogate becomes U+FFFD). Most strings read (tokens, ids,
    /// names) are short: one call into a stack buffer; a longer one is read again whole.
    fn string(self) -> R<String> {
        let (mut small, mut written) = ([0u8; 256], 0);
        // SAFETY: the live env of this call and a value of it; `small` has room for 255 bytes
        // and the NUL napi writes.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                self.env().raw(),
                self.v.raw(),
                small.as_mut_ptr().cast(),
                256,
                &mut written,
            )
        };
        if status == sys::Status::napi_ok && written < small.len() - 4 {
            // Less than a full buffer (minus the longest UTF-8 sequence): nothing was cut.
            return String::from_utf8(small[..written].to_vec()).map_err(|_| Unreadable);
        }
        Ok(String::from_unknown(self.v)?)
    }
    fn number(self) -> R<f64> {
        Ok(f64::from_unknown(self.v)?)
    }
    fn boolean(self) -> R<bool> {
        Ok(bool::from_unknown(self.v)?)
    }
    fn with_kind(self, kind: Kind) -> Self {
        Arg { kind: Some(kind), ..self }
    }
    fn field(self, name: &str) -> R<Option<Self>> {
        self.own_named(name)
    }
    fn static_field(self, name: &'static str) -> R<Option<Self>> {
        let env = self.env();
        match kept_key(&env, name) {
            Some(key) => self.own(key),
            None => self.own_named(name),
        }
    }
    /// What `Object.keys` gives: own, enumerable, string-keyed, in JavaScript's order.
    fn keys(self) -> R<Vec<String>> {
        let (own, enumerable) = (KeyCollectionMode::OwnOnly, KeyFilter::Enumerable);
        let names = self.object()?.get_all_property_names(own, enumerable, KeyConversion::NumbersToStrings)?;
        let mut out = Vec::new();
        for i in 0..names.get_array_length()? {
            let name: Unknown = names.get_element(i)?;
            if name.get_type()? == ValueType::String {
                out.push(String::from_unknown(name)?);
            }
        }
        Ok(out)
    }
    fn array_len(self) -> R<u32> {
        Ok(self.object()?.get_array_length()?)
    }
    /// A hole is `None`: never looked up on `Array.prototype`.
    fn element(self, i: u32) -> R<Option<Self>> {
        self.own_named(&i.to_string())
    }
    /// The `[key, value]` pairs of a `Map`, `Headers` or `URLSearchParams` of any realm (a
    /// Jest sandbox, a `vm` context), `None` for any other object: each class's own `entries`
    /// (from this realm's global, never from the object) is called on the object, and refuses
    /// anything that is not one of its instances, as the classes themselves check.
    fn entries(self) -> R<Option<Vec<(Self, Self)>>> {
        // A plain object (prototype `null` or a root such as `Object.prototype`) is none of
        // them: no class is asked (each refusal throws, which costs more than the whole check).
        let proto = self.object()?.get_prototype()?;
        if proto.get_type()? == ValueType::Null
            || Object::from_unknown(proto)?.get_prototype()?.get_type()? == ValueType::Null
        {
            return Ok(None);
        }
        let global = Arg::new(JsValue::to_unknown(&self.env().get_global()?));
        // `global[class].prototype.entries`, own properties all the way.
        let entries = |class| -> R<Option<Self>> {
            let Some(ctor) = global.own_named(class)?.filter(|c| c.kind == Some(Kind::Other)) else {
                return Ok(None);
            };
            let proto = ctor.own_named("prototype")?.filter(|p| p.kind.is_none());
            Ok(proto.map(|p| p.own_named("entries")).transpose()?.flatten())
        };
        for class in ["Map", "Headers", "URLSearchParams"] {
            let Some(entries) = entries(class)?.map(|f| f.function()).transpose()?.flatten() else { continue };
            match entries.apply(self.v, ()) {
                Ok(iter) => return self.drain(Arg::new(iter)).map(Some),
                // Not an instance of this class: its refusal is no error here.
                Err(_) => drop(take_exception(&self.env())?),
            }
        }
        Ok(None)
    }

    /// The bytes of a typed array, `DataView` or `ArrayBuffer`, copied (at most `limit`); `None`
    /// for any other value. A detached buffer is `Err`.
    fn bytes(self, limit: usize) -> R<Option<Vec<u8>>> {
        let (env, v) = (self.env().raw(), self.v.raw());
        let (mut data, mut len, mut buffer) = (ptr::null_mut(), 0usize, v);
        let ok = |status| if status == sys::Status::napi_ok { Ok(()) } else { Err(Unreadable) };
        // SAFETY: the live env of this call and values of it; the out pointers are valid.
        unsafe {
            if self.v.is_typedarray()? {
                let (mut kind, mut offset) = (0, 0);
                ok(sys::napi_get_typedarray_info(env, v, &mut kind, &mut len, &mut data, &mut buffer, &mut offset))?;
                len = len.checked_mul(element_size(kind).ok_or(Unreadable)?).ok_or(Unreadable)?;
            } else if self.v.is_dataview()? {
                let mut offset = 0;
                ok(sys::napi_get_dataview_info(env, v, &mut len, &mut data, &mut buffer, &mut offset))?;
            } else if self.v.is_arraybuffer()? {
                ok(sys::napi_get_arraybuffer_info(env, v, &mut data, &mut len))?;
            } else {
                return Ok(None);
            }
            let mut detached = false;
            ok(sys::napi_is_detached_arraybuffer(env, buffer, &mut detached))?;
            if detached {
                return Err(Unreadable);
            }
        }
        let take = len.min(limit);
        if take == 0 || data.is_null() {
            return Ok(Some(Vec::new()));
        }
        // SAFETY: napi reported `len` readable bytes at `data`, owned by a live, attached
        // buffer; no JavaScript runs between that report and this copy, so nothing can
        // transfer, detach or free it in between. After the copy Rust never looks at JS
        // memory again.
        Ok(Some(unsafe { std::slice::from_raw_parts(data as *const u8, take) }.to_vec()))
    }
}

/// Property-name strings kept for one env (`env` as an address, never dereferenced), in an
/// array a reference holds: Node-API before version 10 cannot reference a string.
struct Keys {
    env: usize,
    array: ObjectRef<false>,
    /// The names, at their index in the array.
    names: Vec<&'static str>,
}

thread_local! {
    static KEYS: RefCell<Option<Keys>> = const { RefCell::new(None) };
}

/// The kept JS string for `name`: V8 looks a kept (internalized) key up at once, where a fresh
/// string is hashed and internalized on every call. A thread runs one env at a time (the main
/// thread, or one worker), so a new env starts a new array; a reference lives as long as its
/// env. `None` when the array cannot be made.
fn kept_key<'a>(env: &'a Env, name: &'static str) -> Option<Unknown<'a>> {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.as_ref().is_none_or(|k| k.env != env.raw() as usize) {
            let array = env.create_array(0).ok()?.coerce_to_object().ok()?.create_ref().ok()?;
            *keys = Some(Keys { env: env.raw() as usize, array, names: Vec::new() });
        }
        let keys = keys.as_mut()?;
        let mut array = keys.array.get_value(env).ok()?;
        // Field names are `'static` literals: the same address, almost always (no hashing).
        let found =
            keys.names.iter().position(|k| ptr::eq(*k, name)).or_else(|| keys.names.iter().position(|k| *k == name));
        if let Some(i) = found {
            return array.get_element(i as u32).ok();
        }
        let key = env.create_string(name).ok()?;
        array.set_element(keys.names.len() as u32, key).ok()?;
        keys.names.push(name);
        Some(key.to_unknown())
    })
}
