//! Reading JavaScript values as hostile input.
//!
//! Every read here follows three rules (DESIGN.md, "the JS boundary trusts nothing"):
//! - **own properties only**: a key set on `Object.prototype` (a prototype-pollution bug
//!   anywhere in the process) is never read as the caller's input;
//! - **owned copies**: bytes and strings are copied out of JavaScript before any other JS can
//!   run, so a buffer that is transferred, changed or freed afterwards cannot reach Rust;
//! - **bounded**: depth and size limits, so a cyclic or huge argument is an error, not a crash.
//!
//! A getter or a Proxy trap that throws makes the export throw (or reject with) that very
//! exception, as `JSON.stringify` does; any other failed N-API call is an `INVALID_ARGUMENT`
//! naming the field.

use std::ptr;

use napi::sys;

use crate::error::Error as CoreError;

type Value = sys::napi_value;

/// The deepest nesting of objects/arrays read from a JS argument (real inputs nest < 10).
const MAX_DEPTH: u32 = 64;
/// The most values (objects, arrays, primitives) read from one JS argument.
const MAX_VALUES: u32 = 100_000;
/// The most entries read from a `Map`, `Headers` or `URLSearchParams`.
const MAX_ENTRIES: u32 = 10_000;

/// The kind of a JavaScript value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Boolean,
    Number,
    String,
    Object,
    /// Symbol, function, external, bigint.
    Other,
}

/// The live env of the current call. Every method must be used on the JavaScript thread
/// during that call, with values obtained from the same env.
#[derive(Clone, Copy)]
pub struct Js {
    env: sys::napi_env,
}

/// The failure of one N-API call (a throwing getter, a revoked Proxy …), already cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

type R<T> = std::result::Result<T, Failed>;

impl Js {
    pub fn new(env: &napi::Env) -> Self {
        Js { env: env.raw() }
    }

    /// Checks a status. On failure an exception thrown by the caller's own code (a getter, a
    /// Proxy trap) stays pending: the export then throws or rejects with it as it is, as
    /// `JSON.stringify` does, and makes no further N-API call.
    fn ok(&self, status: sys::napi_status) -> R<()> {
        if status == sys::Status::napi_ok {
            Ok(())
        } else {
            Err(Failed)
        }
    }

    /// Drops the exception a probing call left pending (a brand check that said no).
    fn clear_exception(&self) {
        let mut pending = false;
        // SAFETY: `self.env` is the live env of this call (see `Js`).
        unsafe {
            if sys::napi_is_exception_pending(self.env, &mut pending) == sys::Status::napi_ok && pending {
                let mut exception = ptr::null_mut();
                sys::napi_get_and_clear_last_exception(self.env, &mut exception);
            }
        }
    }

    pub fn kind(&self, v: Value) -> R<Kind> {
        let mut t = 0;
        // SAFETY: live env and a value of it.
        self.ok(unsafe { sys::napi_typeof(self.env, v, &mut t) })?;
        Ok(match t {
            sys::ValueType::napi_undefined => Kind::Undefined,
            sys::ValueType::napi_null => Kind::Null,
            sys::ValueType::napi_boolean => Kind::Boolean,
            sys::ValueType::napi_number => Kind::Number,
            sys::ValueType::napi_string => Kind::String,
            sys::ValueType::napi_object => Kind::Object,
            _ => Kind::Other,
        })
    }

    pub fn is_nullish(&self, v: Value) -> bool {
        matches!(self.kind(v), Ok(Kind::Undefined | Kind::Null))
    }

    /// The value of the own property `name`, or `None` when the object has no such own
    /// property or it is `undefined`. An inherited property is never read.
    pub fn own(&self, obj: Value, name: &str) -> R<Option<Value>> {
        let key = self.string_value(name)?;
        self.own_by_key(obj, key)
    }

    fn own_by_key(&self, obj: Value, key: Value) -> R<Option<Value>> {
        let mut has = false;
        // SAFETY: live env; `obj` is an object and `key` a string of this env.
        self.ok(unsafe { sys::napi_has_own_property(self.env, obj, key, &mut has) })?;
        if !has {
            return Ok(None);
        }
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        self.ok(unsafe { sys::napi_get_property(self.env, obj, key, &mut v) })?;
        Ok(if matches!(self.kind(v)?, Kind::Undefined) { None } else { Some(v) })
    }

    /// The own, enumerable, string-keyed property names (array indices as strings), in
    /// JavaScript's order: what `Object.keys` gives.
    pub fn own_keys(&self, obj: Value) -> R<Vec<Value>> {
        let mut names = ptr::null_mut();
        // SAFETY: live env and an object of it.
        self.ok(unsafe {
            sys::napi_get_all_property_names(
                self.env,
                obj,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut names,
            )
        })?;
        let len = self.array_len(names)?;
        (0..len).map(|i| self.element(names, i)).collect()
    }

    pub fn is_array(&self, v: Value) -> R<bool> {
        let mut is = false;
        // SAFETY: live env and a value of it.
        self.ok(unsafe { sys::napi_is_array(self.env, v, &mut is) })?;
        Ok(is)
    }

    pub fn array_len(&self, arr: Value) -> R<u32> {
        let mut len = 0;
        // SAFETY: live env and an array of it.
        self.ok(unsafe { sys::napi_get_array_length(self.env, arr, &mut len) })?;
        Ok(len)
    }

    fn element(&self, arr: Value, i: u32) -> R<Value> {
        let mut v = ptr::null_mut();
        // SAFETY: live env and an object of it.
        self.ok(unsafe { sys::napi_get_element(self.env, arr, i, &mut v) })?;
        Ok(v)
    }

    /// Element `i` of an array when it is the array's own (a hole is `None`: never looked
    /// up on `Array.prototype`).
    pub fn own_element(&self, arr: Value, i: u32) -> R<Option<Value>> {
        let mut has = false;
        let key = self.string_value(&i.to_string())?;
        // SAFETY: live env; an object and a string of it.
        self.ok(unsafe { sys::napi_has_own_property(self.env, arr, key, &mut has) })?;
        if has {
            self.element(arr, i).map(Some)
        } else {
            Ok(None)
        }
    }

    fn string_value(&self, s: &str) -> R<Value> {
        let mut v = ptr::null_mut();
        // SAFETY: live env; the text is passed with its byte length.
        self.ok(unsafe { sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), s.len() as isize, &mut v) })?;
        Ok(v)
    }

    /// A JS string as UTF-8 (an unpaired surrogate becomes U+FFFD), copied.
    pub fn string(&self, v: Value) -> R<String> {
        let mut len = 0;
        // SAFETY: live env and a string of it; a null buffer asks for the length.
        self.ok(unsafe { sys::napi_get_value_string_utf8(self.env, v, ptr::null_mut(), 0, &mut len) })?;
        let mut buf = vec![0u8; len + 1];
        let mut written = 0;
        // SAFETY: `buf` has room for `len` bytes and the NUL napi writes.
        self.ok(unsafe {
            sys::napi_get_value_string_utf8(self.env, v, buf.as_mut_ptr().cast(), buf.len(), &mut written)
        })?;
        buf.truncate(written);
        String::from_utf8(buf).map_err(|_| Failed)
    }

    pub fn number(&self, v: Value) -> R<f64> {
        let mut n = 0.0;
        // SAFETY: live env and a number of it.
        self.ok(unsafe { sys::napi_get_value_double(self.env, v, &mut n) })?;
        Ok(n)
    }

    pub fn boolean(&self, v: Value) -> R<bool> {
        let mut b = false;
        // SAFETY: live env and a boolean of it.
        self.ok(unsafe { sys::napi_get_value_bool(self.env, v, &mut b) })?;
        Ok(b)
    }

    /// The bytes of a `Buffer`, any typed array, a `DataView` or an `ArrayBuffer`, copied
    /// (at most `limit` bytes, with the full length), or `None` for any other value. A
    /// detached buffer is `Err`.
    pub fn bytes(&self, v: Value, limit: usize) -> R<Option<(Vec<u8>, usize)>> {
        let mut data: *mut std::ffi::c_void = ptr::null_mut();
        let mut len = 0usize;
        let (mut is_typed, mut is_view, mut is_buffer) = (false, false, false);
        // SAFETY: live env and a value of it; the out pointers are valid.
        unsafe {
            self.ok(sys::napi_is_typedarray(self.env, v, &mut is_typed))?;
            self.ok(sys::napi_is_dataview(self.env, v, &mut is_view))?;
            self.ok(sys::napi_is_arraybuffer(self.env, v, &mut is_buffer))?;
        }
        if is_typed {
            let (mut kind, mut count, mut offset) = (0, 0usize, 0usize);
            let mut buffer = ptr::null_mut();
            // SAFETY: `v` is a typed array of this env.
            self.ok(unsafe {
                sys::napi_get_typedarray_info(self.env, v, &mut kind, &mut count, &mut data, &mut buffer, &mut offset)
            })?;
            self.check_attached(buffer)?;
            len = count.checked_mul(element_size(kind).ok_or(Failed)?).ok_or(Failed)?;
        } else if is_view {
            let (mut offset, mut buffer) = (0usize, ptr::null_mut());
            // SAFETY: `v` is a DataView of this env.
            self.ok(unsafe {
                sys::napi_get_dataview_info(self.env, v, &mut len, &mut data, &mut buffer, &mut offset)
            })?;
            self.check_attached(buffer)?;
        } else if is_buffer {
            self.check_attached(v)?;
            // SAFETY: `v` is an ArrayBuffer of this env.
            self.ok(unsafe { sys::napi_get_arraybuffer_info(self.env, v, &mut data, &mut len) })?;
        } else {
            return Ok(None);
        }
        let take = len.min(limit);
        if take == 0 || data.is_null() {
            return Ok(Some((Vec::new(), len)));
        }
        // SAFETY: napi reported `len` readable bytes at `data`, owned by a live, attached
        // buffer; no JavaScript runs between that report and this copy, so nothing can
        // transfer, detach or free it in between. After the copy Rust never looks at JS
        // memory again.
        let copy = unsafe { std::slice::from_raw_parts(data as *const u8, take) }.to_vec();
        Ok(Some((copy, len)))
    }

    fn check_attached(&self, buffer: Value) -> R<()> {
        let mut detached = false;
        // SAFETY: live env and an ArrayBuffer of it.
        self.ok(unsafe { sys::napi_is_detached_arraybuffer(self.env, buffer, &mut detached) })?;
        if detached {
            Err(Failed)
        } else {
            Ok(())
        }
    }

    /// The `[key, value]` pairs of a `Map`, `Headers` or `URLSearchParams` (of any realm: a
    /// Jest sandbox, a `vm` context), or `None` for any other object. The check is the one
    /// the classes make themselves: each class's own `entries` (taken from this realm's
    /// global constructor, never from the object) is called on the object, and refuses
    /// anything that is not one of its instances. At most `MAX_ENTRIES` pairs.
    pub fn collection_entries(&self, obj: Value) -> R<Option<Vec<(Value, Value)>>> {
        let mut global = ptr::null_mut();
        // SAFETY: live env.
        self.ok(unsafe { sys::napi_get_global(self.env, &mut global) })?;
        for class in ["Map", "Headers", "URLSearchParams"] {
            let Some(ctor) = self.own(global, class)? else { continue };
            if self.kind_raw(ctor)? != sys::ValueType::napi_function {
                continue;
            }
            let Some(proto) = self.own(ctor, "prototype")? else { continue };
            if self.kind(proto)? != Kind::Object {
                continue;
            }
            let Some(entries) = self.own(proto, "entries")? else { continue };
            if self.kind_raw(entries)? != sys::ValueType::napi_function {
                continue;
            }
            // Not an instance of this class: the call throws, and that is no error here.
            let Ok(iter) = self.call(obj, entries) else {
                self.clear_exception();
                continue;
            };
            return self.drain(iter).map(Some);
        }
        Ok(None)
    }

    /// The `[key, value]` pairs an entries iterator yields.
    fn drain(&self, iter: Value) -> R<Vec<(Value, Value)>> {
        let next = self.method(iter, "next")?;
        let mut out = Vec::new();
        loop {
            let step = self.call(iter, next)?;
            if self.kind(step)? != Kind::Object {
                return Err(Failed);
            }
            let done = self.own(step, "done")?.map(|d| self.boolean(d)).transpose()?.unwrap_or(false);
            if done {
                return Ok(out);
            }
            if out.len() as u32 >= MAX_ENTRIES {
                return Err(Failed);
            }
            let pair = self.own(step, "value")?.ok_or(Failed)?;
            let key = self.own(pair, "0")?.ok_or(Failed)?;
            let value = self.own(pair, "1")?.ok_or(Failed)?;
            out.push((key, value));
        }
    }

    fn kind_raw(&self, v: Value) -> R<i32> {
        let mut t = 0;
        // SAFETY: live env and a value of it.
        self.ok(unsafe { sys::napi_typeof(self.env, v, &mut t) })?;
        Ok(t)
    }

    /// A method looked up as JavaScript would (through the class), which must be a function.
    fn method(&self, obj: Value, name: &str) -> R<Value> {
        let key = self.string_value(name)?;
        let mut f = ptr::null_mut();
        // SAFETY: live env; an object and a string of it.
        self.ok(unsafe { sys::napi_get_property(self.env, obj, key, &mut f) })?;
        if self.kind_raw(f)? != sys::ValueType::napi_function {
            return Err(Failed);
        }
        Ok(f)
    }

    fn call(&self, this: Value, f: Value) -> R<Value> {
        let mut out = ptr::null_mut();
        // SAFETY: live env; `f` is a function of it, called with no arguments.
        self.ok(unsafe { sys::napi_call_function(self.env, this, f, 0, ptr::null(), &mut out) })?;
        Ok(out)
    }

    /// A JS value as JSON, own enumerable properties only, refusing cycles, deep nesting,
    /// huge structures, non-finite numbers and values JSON cannot hold. `field` names the
    /// value in errors (`message.quickReplies[2].title`).
    pub fn json_of(&self, v: Value, field: &str) -> Result<serde_json::Value, CoreError> {
        let mut budget = MAX_VALUES;
        self.json(v, field, field, 0, &mut budget)
    }

    /// `root` is the field the walk started at: a size or depth error names it (the path of a
    /// cycle would only repeat itself).
    fn json(
        &self,
        v: Value,
        root: &str,
        field: &str,
        depth: u32,
        budget: &mut u32,
    ) -> Result<serde_json::Value, CoreError> {
        use serde_json::Value as J;
        let unreadable = || CoreError::invalid(field, "cannot be read");
        if *budget == 0 || depth > MAX_DEPTH {
            return Err(CoreError::invalid(
                if root.is_empty() { "value" } else { root },
                "must be a plain, acyclic value nested at most 64 levels deep with at most 100000 values",
            ));
        }
        *budget -= 1;
        Ok(match self.kind(v).map_err(|_| unreadable())? {
            Kind::Undefined | Kind::Null => J::Null,
            Kind::Boolean => J::Bool(self.boolean(v).map_err(|_| unreadable())?),
            Kind::Number => {
                let n = self.number(v).map_err(|_| unreadable())?;
                if !n.is_finite() {
                    return Err(CoreError::invalid(field, "must be a finite number (not NaN or Infinity)"));
                }
                json_number(n)
            }
            Kind::String => J::String(self.string(v).map_err(|_| unreadable())?),
            Kind::Other => {
                return Err(CoreError::invalid(
                    field,
                    "has an unsupported type (a function, symbol or bigint): pass strings, numbers, booleans, arrays and objects",
                ))
            }
            Kind::Object if self.is_array(v).map_err(|_| unreadable())? => {
                let len = self.array_len(v).map_err(|_| unreadable())?;
                if len >= *budget {
                    return Err(CoreError::invalid(field, "is too long"));
                }
                let mut items = Vec::with_capacity(len as usize);
                for i in 0..len {
                    let path = format!("{field}[{i}]");
                    items.push(match self.own_element(v, i).map_err(|_| CoreError::invalid(&*path, "cannot be read"))? {
                        Some(e) => self.json(e, root, &path, depth + 1, budget)?,
                        None => J::Null,
                    });
                }
                J::Array(items)
            }
            Kind::Object => {
                if self.bytes(v, 0).map_err(|_| unreadable())?.is_some() {
                    return Err(CoreError::invalid(field, "must not be binary data here"));
                }
                let mut map = serde_json::Map::new();
                for key in self.own_keys(v).map_err(|_| unreadable())? {
                    let name = self.string(key).map_err(|_| unreadable())?;
                    let path = if field.is_empty() { name.clone() } else { format!("{field}.{name}") };
                    let Some(item) = self.own_by_key(v, key).map_err(|_| CoreError::invalid(&*path, "cannot be read"))?
                    else {
                        continue;
                    };
                    let item = self.json(item, root, &path, depth + 1, budget)?;
                    map.insert(name, item);
                }
                J::Object(map)
            }
        })
    }
}

/// A finite JS number as JSON: an integer when it is one (so integer fields read it),
/// else a float.
pub fn json_number(n: f64) -> serde_json::Value {
    const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.fract() == 0.0 && n.abs() <= SAFE {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
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
