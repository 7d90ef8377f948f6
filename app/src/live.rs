//! Live dashboard updates in the browser: an `EventSource` on `/api/live`; each event means the
//! wallet's figures changed (a webhook or a sync brought orders) and the page refetches them.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::components::insights::INDICATOR_ID;
use crate::pages::dashboard::FIGURES_ID;

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

/// Puts the score and insights panels the server rendered in place of the ones shown; the
/// charts' figure tables a reader opened stay open.
pub fn show_figures(html: &str) {
    let Some(figures) = element(FIGURES_ID) else {
        return;
    };
    let open: Vec<u32> = details(&figures)
        .filter(|(_, d)| d.has_attribute("open"))
        .map(|(i, _)| i)
        .collect();
    figures.set_inner_html(html);
    for (i, d) in details(&figures) {
        if open.contains(&i) {
            let _ = d.set_attribute("open", "");
        }
    }
}

/// The `<details>` elements under `root`, numbered in document order.
fn details(root: &web_sys::Element) -> impl Iterator<Item = (u32, web_sys::Element)> {
    let list = root.query_selector_all("details").ok();
    let count = list.as_ref().map_or(0, web_sys::NodeList::length);
    (0..count).filter_map(move |i| {
        let node = list.as_ref()?.item(i)?;
        Some((i, node.dyn_into::<web_sys::Element>().ok()?))
    })
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
