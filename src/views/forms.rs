//! Form pieces shared by every staff and admin form: labelled fields that show what the user
//! typed and the Thai message for that field, and the summary of all problems at the top.

use maud::{Markup, html};

use crate::thai::Digits;

/// A problem with one field, in Thai, naming the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's form name (`topic`), or `""` for the form as a whole.
    pub field: String,
    /// The message.
    pub message: String,
}

impl Problem {
    /// A problem with one field.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { field: field.into(), message: message.into() }
    }
}

impl From<crate::workflow::request::FieldError> for Problem {
    fn from(e: crate::workflow::request::FieldError) -> Problem {
        Problem::new(e.field, e.message)
    }
}

fn message_for<'a>(problems: &'a [Problem], name: &str) -> Option<&'a str> {
    problems.iter().find(|p| p.field == name).map(|p| p.message.as_str())
}

/// The list of problems at the top of a form, linked to their fields; its count in `digits`.
pub fn summary(problems: &[Problem], digits: Digits) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.problems role="alert" tabindex="-1" {
                h2 { "กรุณาแก้ไข " (digits.apply(&problems.len().to_string())) " รายการ" }
                ul {
                    @for p in problems {
                        li {
                            @if p.field.is_empty() { (p.message) }
                            @else { a href=(format!("#f-{}", p.field)) { (p.message) } }
                        }
                    }
                }
            }
        }
    }
}

/// How a field is entered.
#[derive(Debug, Clone, Copy)]
pub enum Input {
    /// One line of text.
    Text,
    /// A password (never re-displayed).
    Password,
    /// A date.
    Date,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
    /// Several lines.
    Area,
}

/// A labelled field with its value and, if any, its problem.
pub fn field(
    name: &str,
    label: &str,
    value: &str,
    input: Input,
    required: bool,
    problems: &[Problem],
) -> Markup {
    let id = format!("f-{name}");
    let problem = message_for(problems, name);
    let err_id = format!("{id}-err");
    html! {
        div.field.invalid[problem.is_some()] {
            label for=(id) { (label) @if required { " " span.req aria-hidden="true" { "*" } } }
            @if let Some(msg) = problem { p.error id=(err_id) { (msg) } }
            @match input {
                Input::Area => textarea id=(id) name=(name) rows="6" required[required]
                    aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| &err_id)] { (value) },
                _ => input id=(id) name=(name)
                    type=(match input { Input::Password => "password", Input::Date => "date", Input::Url => "url", Input::Email => "email", _ => "text" })
                    value=[(!matches!(input, Input::Password)).then_some(value)]
                    required[required]
                    aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| &err_id)];
            }
        }
    }
}

/// The hidden CSRF field every state-changing form carries.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A small GET form that shows a page for another fiscal year (`?fy=`).
pub fn year_picker(action: &str, years: &[i32], chosen: i32, digits: crate::thai::Digits) -> Markup {
    html! {
        form.inline-filter method="get" action=(action) {
            label for="fy" { "ปีงบประมาณ" }
            select #fy name="fy" {
                @for y in years { option value=(y) selected[*y == chosen] { (digits.apply(&y.to_string())) } }
            }
            button type="submit" { "แสดง" }
        }
    }
}
