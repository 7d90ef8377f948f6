//! `PostForm`: a form posting to a server function. Without JavaScript it is a plain HTML form
//! (the server answers a browser's form post with a redirect back to the page). In a hydrated
//! island it dispatches the server action instead, with the input its `read` function makes of
//! the form's fields, and the caller shows the action's value as it would a call's.
//!
//! Leptos' `ActionForm` does the same by reading any form into any server function's input
//! with serde_qs; one small function per form keeps that generic reader (and its copy per
//! server function) out of the wasm bundle. Unlike `ActionForm` it sets no redirect hook: the
//! server functions behind these forms answer a value and do not redirect.

use leptos::prelude::*;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::{Http, ServerFn};

use crate::error::AppError;

/// A form field's value by name (`None` when the form has no such field).
pub type Field<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The form.
#[component]
pub fn PostForm<S, O>(
    /// The server action the form dispatches.
    action: ServerAction<S>,
    /// The server function's input from the form's fields, or what is wrong with them.
    read: fn(Field<'_>) -> Result<S, String>,
    /// The form's class.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView
where
    // URL-encoded input: what a browser's own form post sends without JavaScript.
    S: ServerFn<Error = AppError, Protocol = Http<PostUrl, O>> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if ev.default_prevented() {
                return;
            }
            let form = ev
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok());
            // Without the form's data the browser posts it itself.
            let Some(data) = form.and_then(|form| web_sys::FormData::new_with_form(&form).ok())
            else {
                return;
            };
            ev.prevent_default();
            match read(&|name| data.get(name).as_string()) {
                Ok(input) => {
                    action.dispatch(input);
                }
                Err(message) => action.value().set(Some(Err(AppError::BadRequest(message)))),
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, read, action);
    };
    view! {
        <form method="post" action=S::url() class=(!class.is_empty()).then_some(class) on:submit=on_submit>
            {children()}
        </form>
    }
}
