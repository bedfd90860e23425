//! Words and numbers: sentences, the rules' explanations, and what a
//! person typed (the page's address, the client and settings forms)
//! checked and parsed.

pub(in crate::view) mod action_words;
pub(in crate::view) mod address;
pub(in crate::view) mod client_form;
pub(in crate::view) mod fixed;
pub(in crate::view) mod numbers;
pub(in crate::view) mod rules;
pub(in crate::view) mod settings_form;
pub(in crate::view) mod words;
