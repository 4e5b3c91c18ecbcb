//! People: names, pinyin, titles. This layer now holds the romanisation of names used by
//! bylines; the person rules build on it.

pub mod pinyin;

pub use pinyin::{name_to_pinyin, surname_of};
