//! Reading JavaScript values as hostile input.
//!
//! Every read here follows three rules (DESIGN.md, "the JS boundary trusts nothing"):
//! - **own properties only**: a key set on `Object.prototype` (a prototype-pollution bug
//!   anywhere in the process) is never read as the caller's input;
//! - **owned copies**: bytes and strings are copied out of JavaScript before any other JS can
//!   run, so a buffer that is transferred, changed or freed afterwards cannot reach Rust;
//! - **bounded**: depth and size limits (`crate::input`), so a cyclic or huge argument is an
//!   error, not a crash.
//!
//! A getter or a Proxy trap that throws makes the export throw (or reject with) that very
//! exception, as `JSON.stringify` does; any other failed N-API call is an `INVALID_ARGUMENT`
//! naming the field.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ptr;

use napi::sys;

use crate::input::{self, Source, Unreadable};

type Value = sys::napi_value;

/// Property-name strings kept for one env (see `Js::key`).
struct Keys {
    env: usize,
    array: sys::napi_ref,
    index: HashMap<&'static str, u32>,
}

thread_local! {
    static KEYS: RefCell<Keys> = RefCell::new(Keys { env: 0, array: ptr::null_mut(), index: HashMap::new() });
}

/// This thread's array of kept property names for `env`, made on first use. A thread runs
/// one env at a time (the main thread, or one worker per thread), so a change of env starts
/// a new array. (Node-API before version 10 cannot reference a string, an array it can.)
fn kept_keys(env: sys::napi_env) -> Option<Value> {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        let mut array = ptr::null_mut();
        // SAFETY: `env` is the live env of the current call; a reference lives as long as its
        // env (Node frees every reference of an env when the env ends), and one made for
        // another env is never used (checked first).
        unsafe {
            if keys.env != env as usize {
                let mut r = ptr::null_mut();
                if sys::napi_create_array(env, &mut array) != sys::Status::napi_ok
                    || sys::napi_create_reference(env, array, 1, &mut r) != sys::Status::napi_ok
                {
                    return None;
                }
                *keys = Keys { env: env as usize, array: r, index: HashMap::new() };
                return Some(array);
            }
            (sys::napi_get_reference_value(env, keys.array, &mut array) == sys::Status::napi_ok).then_some(array)
        }
    })
}

/// The most entries read from a `Map`, `Headers` or `URLSearchParams`.
const MAX_ENTRIES: u32 = 10_000;

/// The kind of a JavaScript value (`typeof`).
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
    /// The array of kept property names (see `Js::key`); null when it could not be made.
    keys: Value,
}

/// The failure of one N-API call (a throwing getter, a revoked Proxy …), already cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

type R<T> = std::result::Result<T, Failed>;

impl Js {
    pub fn new(env: &napi::Env) -> Self {
        let env = env.raw();
        Js { env, keys: kept_keys(env).unwrap_or(ptr::null_mut()) }
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

    /// The value of the own property `name`, or `None` when the object has no such own
    /// property or it is `undefined`. An inherited property is never read.
    pub fn own(&self, obj: Value, name: &str) -> R<Option<Value>> {
        let key = self.string_value(name)?;
        Ok(self.own_by_key(obj, key)?.map(|(v, _)| v))
    }

    /// [`Js::own`] for a name known at compile time (a struct field), with the name's JS
    /// string made once per thread and kept: V8 looks a kept (internalized) key up at once,
    /// where a fresh string must be hashed and internalized on every call.
    pub fn own_static(&self, obj: Value, name: &'static str) -> R<Option<(Value, Kind)>> {
        let key = self.key(name)?;
        self.own_by_key(obj, key)
    }

    /// The kept JS string for `name`: an element of the array this thread keeps for the env.
    fn key(&self, name: &'static str) -> R<Value> {
        if self.keys.is_null() {
            return self.string_value(name);
        }
        KEYS.with(|keys| {
            let mut keys = keys.borrow_mut();
            if let Some(&i) = keys.index.get(name) {
                return self.element(self.keys, i);
            }
            let v = self.string_value(name)?;
            let i = keys.index.len() as u32;
            // SAFETY: live env; an array and a string of it.
            self.ok(unsafe { sys::napi_set_element(self.env, self.keys, i, v) })?;
            keys.index.insert(name, i);
            Ok(v)
        })
    }

    fn own_by_key(&self, obj: Value, key: Value) -> R<Option<(Value, Kind)>> {
        let mut has = false;
        // SAFETY: live env; `obj` is an object and `key` a string of this env.
        self.ok(unsafe { sys::napi_has_own_property(self.env, obj, key, &mut has) })?;
        if !has {
            return Ok(None);
        }
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        self.ok(unsafe { sys::napi_get_property(self.env, obj, key, &mut v) })?;
        Ok(match self.kind(v)? {
            Kind::Undefined => None,
            kind => Some((v, kind)),
        })
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
        // Most strings read (tokens, ids, names) are short: one call into a stack buffer.
        let mut small = [0u8; 256];
        let mut written = 0;
        // SAFETY: live env and a string of it; `small` has room for 255 bytes and the NUL.
        self.ok(unsafe {
            sys::napi_get_value_string_utf8(self.env, v, small.as_mut_ptr().cast(), small.len(), &mut written)
        })?;
        if written < small.len() - 4 {
            // Less than a full buffer (minus the longest UTF-8 sequence): nothing was cut.
            return String::from_utf8(small[..written].to_vec()).map_err(|_| Failed);
        }
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

    /// True for a `Buffer`, any typed array, a `DataView` or an `ArrayBuffer` (detached or not).
    pub fn is_binary(&self, v: Value) -> R<bool> {
        let (mut is_typed, mut is_view, mut is_buffer) = (false, false, false);
        // SAFETY: live env and a value of it; the out pointers are valid.
        unsafe {
            self.ok(sys::napi_is_typedarray(self.env, v, &mut is_typed))?;
            self.ok(sys::napi_is_dataview(self.env, v, &mut is_view))?;
            self.ok(sys::napi_is_arraybuffer(self.env, v, &mut is_buffer))?;
        }
        Ok(is_typed || is_view || is_buffer)
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
        // A plain object (its prototype `null` or a root such as `Object.prototype`, as for
        // `{}` and a query parser's output) is none of them: no class is asked (each asking
        // of a non-instance throws, which costs far more than the whole check).
        let proto = self.prototype(obj)?;
        if self.kind(proto)? == Kind::Null || self.kind(self.prototype(proto)?)? == Kind::Null {
            return Ok(None);
        }
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

    fn prototype(&self, obj: Value) -> R<Value> {
        let mut proto = ptr::null_mut();
        // SAFETY: live env and an object of it.
        self.ok(unsafe { sys::napi_get_prototype(self.env, obj, &mut proto) })?;
        Ok(proto)
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

/// A JavaScript value read as caller input (see [`crate::input`]).
#[derive(Clone, Copy)]
pub struct JsValue {
    js: Js,
    v: Value,
    /// `typeof`, when already known.
    kind: Option<Kind>,
}

impl Js {
    pub fn value(self, v: Value) -> JsValue {
        JsValue { js: self, v, kind: None }
    }
}

impl From<Failed> for Unreadable {
    fn from(_: Failed) -> Self {
        Unreadable
    }
}

impl Source for JsValue {
    fn kind(self) -> Result<input::Kind, Unreadable> {
        let js = self.js;
        let kind = match self.kind {
            Some(kind) => kind,
            None => js.kind(self.v)?,
        };
        Ok(match kind {
            Kind::Undefined | Kind::Null => input::Kind::Nullish,
            Kind::Boolean => input::Kind::Boolean,
            Kind::Number => input::Kind::Number,
            Kind::String => input::Kind::String,
            Kind::Other => input::Kind::Other,
            Kind::Object if js.is_array(self.v)? => input::Kind::Array,
            Kind::Object if js.is_binary(self.v)? => input::Kind::Binary,
            Kind::Object => input::Kind::Object,
        })
    }
    fn string(self) -> Result<String, Unreadable> {
        Ok(self.js.string(self.v)?)
    }
    fn number(self) -> Result<f64, Unreadable> {
        Ok(self.js.number(self.v)?)
    }
    fn boolean(self) -> Result<bool, Unreadable> {
        Ok(self.js.boolean(self.v)?)
    }
    fn field(self, name: &str) -> Result<Option<Self>, Unreadable> {
        Ok(self.js.own(self.v, name)?.map(|v| self.js.value(v)))
    }
    fn static_field(self, name: &'static str) -> Result<Option<Self>, Unreadable> {
        Ok(self.js.own_static(self.v, name)?.map(|(v, kind)| JsValue { js: self.js, v, kind: Some(kind) }))
    }
    fn keys(self) -> Result<Vec<String>, Unreadable> {
        let js = self.js;
        Ok(js.own_keys(self.v)?.into_iter().map(|k| js.string(k)).collect::<R<_>>()?)
    }
    fn array_len(self) -> Result<u32, Unreadable> {
        Ok(self.js.array_len(self.v)?)
    }
    fn element(self, i: u32) -> Result<Option<Self>, Unreadable> {
        Ok(self.js.own_element(self.v, i)?.map(|v| self.js.value(v)))
    }
    fn entries(self) -> Result<Option<Vec<(Self, Self)>>, Unreadable> {
        let js = self.js;
        Ok(js.collection_entries(self.v)?.map(|e| e.into_iter().map(|(k, v)| (js.value(k), js.value(v))).collect()))
    }
    fn bytes(self, limit: usize) -> Result<Option<Vec<u8>>, Unreadable> {
        Ok(self.js.bytes(self.v, limit)?.map(|(bytes, _len)| bytes))
    }
}
