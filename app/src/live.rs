//! Live dashboard updates in the browser: an `EventSource` on `/api/live`; each event means the
//! wallet's figures changed (a webhook or a sync brought orders) and the page refetches them.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::pages::dashboard::{FIGURES_ID, INDICATOR_ID};

/// An open subscription; closing it on drop.
pub struct Live {
    source: web_sys::EventSource,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Subscribes: `on_change` runs for each event, `on_state` with whether the stream is open.
pub fn subscribe(
    on_change: impl Fn() + 'static,
    on_state: impl Fn(bool) + 'static,
) -> Option<Live> {
    let source = web_sys::EventSource::new("/api/live").ok()?;
    let on_state = std::rc::Rc::new(on_state);
    let opened = {
        let on_state = on_state.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_state(true))
    };
    let failed = {
        let on_state = on_state.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_state(false))
    };
    let message = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_change());
    source.set_onopen(Some(opened.as_ref().unchecked_ref()));
    source.set_onerror(Some(failed.as_ref().unchecked_ref()));
    source.set_onmessage(Some(message.as_ref().unchecked_ref()));
    Some(Live {
        source,
        _handlers: vec![opened, failed, message],
    })
}

/// Puts the score and insights panels the server rendered in place of the ones shown.
pub fn show_figures(html: &str) {
    if let Some(figures) = element(FIGURES_ID) {
        figures.set_inner_html(html);
    }
}

/// Shows on the indicator whether updates arrive live.
pub fn show_live(open: bool) {
    if let Some(indicator) = element(INDICATOR_ID) {
        let _ = indicator.set_attribute("data-live", if open { "true" } else { "false" });
        indicator.set_text_content(Some(if open {
            "● live"
        } else {
            "updates on reload"
        }));
    }
}

fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}
