//! The JavaScript surface: the only module that imports napi. `js` reads JavaScript values
//! as hostile input, `exports` holds the functions, `convert` hands results and errors back.

mod convert;
mod exports;
mod js;
