//! Where the page runs and what it was told: as the site's page, as the embed page in a host's
//! `<iframe>` (talking to the host through `postMessage`), or mounted into a host's element
//! by `embed.js`. Also the page's own files' addresses, the share link and the offline cache.

use crate::config::PageConfig;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The site's own page.
    Page,
    /// `embed.html`, usually in a host's `<iframe>`: compact, and it may talk to the host.
    Frame,
    /// Mounted by `embed.js` into an element of the host's page.
    Mounted,
}

/// What `embed.js` sets before it loads the module: the module's files by absolute address.
fn assets() -> Option<JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &"crmKpiAssets".into())
        .ok()
        .filter(|v| v.is_object())
}

fn asset_field(name: &str) -> Option<String> {
    js_sys::Reflect::get(&assets()?, &name.into())
        .ok()?
        .as_string()
}

/// The module was loaded by `embed.js`, which mounts it itself.
pub fn manual_mount() -> bool {
    assets().is_some()
}

/// One of the app's own files (`sample-deals.csv`, `formats.js` …): next to the page, or next
/// to `embed.js` when a host page mounted the app.
pub fn asset_url(file: &str) -> String {
    match asset_field("base") {
        Some(base) => web_sys::Url::new_with_base(file, &base)
            .map(|u| u.href())
            .unwrap_or_else(|_| file.to_string()),
        None => file.to_string(),
    }
}

/// The module's JS and wasm addresses, when `embed.js` gave them.
pub fn module_urls() -> Option<(String, String)> {
    Some((asset_field("js")?, asset_field("wasm")?))
}

/// The configuration in the page's address: the query, then the fragment (a shared link).
pub fn page_config() -> PageConfig {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return PageConfig::default();
    };
    let search = loc.search().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let query = [search.trim_start_matches('?'), hash.trim_start_matches('#')]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("&");
    let mut c = PageConfig::parse(&query);
    if loc.pathname().unwrap_or_default().ends_with("embed.html") {
        c.compact = true;
    }
    c
}

/// The fragment of a host page's address, when it is a shared link of this app (it parses
/// without a problem); a host page's own fragments are left alone.
pub fn shared_fragment() -> Option<PageConfig> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let c = PageConfig::parse(&hash);
    (hash.len() > 1 && c.problems.is_empty()).then_some(c)
}

/// The address of this page with `config`'s shareable part as the fragment. The fragment is
/// never sent to a server.
pub fn share_link(config: &PageConfig) -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{}", config.share_query())
}

/// Today as `YYYY-MM-DD` by the browser's clock (the engine has none).
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// The parent window, when the page is framed.
pub fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok()??;
    (p != w).then_some(p)
}

/// Post `message` to the host, once per allowed origin: the browser delivers it only where
/// the origin matches the parent's, so results never reach another site.
pub fn post_to_host(config: &PageConfig, message: &JsValue) {
    if let Some(p) = parent() {
        for origin in &config.origins {
            let _ = p.post_message(message, origin);
        }
    }
}

/// `{ type, …fields }` as a plain object.
pub fn message(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"type".into(), &kind.into());
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// A host's `options` object (or query string) as configuration text: arrays become lists,
/// the targets and theme objects `name:value` pairs.
pub fn options_query(options: &JsValue) -> String {
    if let Some(s) = options.as_string() {
        return s;
    }
    let mut q = form_urlencoded::Serializer::new(String::new());
    let Some(obj) = options.dyn_ref::<js_sys::Object>() else {
        return String::new();
    };
    for entry in js_sys::Object::entries(obj).iter() {
        let pair = js_sys::Array::from(&entry);
        let Some(key) = pair.get(0).as_string() else {
            continue;
        };
        let v = pair.get(1);
        let text = if js_sys::Array::is_array(&v) {
            js_sys::Array::from(&v)
                .iter()
                .filter_map(|x| x.as_string())
                .collect::<Vec<_>>()
                .join(",")
        } else if let Some(o) = v.dyn_ref::<js_sys::Object>().filter(|_| !v.is_string()) {
            js_sys::Object::entries(o)
                .iter()
                .filter_map(|e| {
                    let p = js_sys::Array::from(&e);
                    let val = p.get(1);
                    let val = val
                        .as_f64()
                        .map(|n| n.to_string())
                        .or_else(|| val.as_string())?;
                    Some(format!("{}:{val}", p.get(0).as_string()?))
                })
                .collect::<Vec<_>>()
                .join(";")
        } else if let Some(n) = v.as_f64() {
            n.to_string()
        } else if let Some(b) = v.as_bool() {
            b.to_string()
        } else {
            v.as_string().unwrap_or_default()
        };
        q.append_pair(&key, &text);
    }
    q.finish()
}

/// A host's file: text, or bytes in an `ArrayBuffer` or typed array.
pub fn file_bytes(data: &JsValue) -> Option<Vec<u8>> {
    if let Some(s) = data.as_string() {
        return Some(s.into_bytes());
    }
    if data.is_instance_of::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(data).to_vec());
    }
    if let Some(view) = data.dyn_ref::<js_sys::Uint8Array>() {
        return Some(view.to_vec());
    }
    None
}

/// An array of `{ name, data }` (data as [`file_bytes`] takes it), as the host's
/// `load-data` message and the JS API's `analyze` receive files; unnamed files are
/// `file1.csv` …. The error names the entry and what it needed.
pub fn named_files(files: &JsValue, what: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    if !js_sys::Array::is_array(files) {
        return Err(format!("{what} must be an array of {{ name, data }}"));
    }
    let out = js_sys::Array::from(files)
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = js_sys::Reflect::get(&f, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_else(|| format!("file{}.csv", i + 1));
            let data = js_sys::Reflect::get(&f, &"data".into()).unwrap_or_default();
            let bytes = file_bytes(&data).ok_or_else(|| {
                format!("{what}[{i}] ({name}): data must be text, an ArrayBuffer or a Uint8Array")
            })?;
            Ok((name, bytes))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if out.is_empty() {
        return Err(format!("{what} is empty"));
    }
    Ok(out)
}

/// Keep the page for offline use: `sw.js` caches the app's files (never any data). Calls
/// `ready` once the page is kept.
pub fn register_offline(ready: impl FnOnce() + 'static) {
    let Some(w) = web_sys::window() else { return };
    let container = w.navigator().service_worker();
    if js_sys::Reflect::get(&w.navigator(), &"serviceWorker".into())
        .map(|v| v.is_undefined())
        .unwrap_or(true)
    {
        return;
    }
    let promise = container.register("sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_err() {
            return;
        }
        if let Ok(p) = container.ready() {
            if wasm_bindgen_futures::JsFuture::from(p).await.is_ok() {
                ready();
            }
        }
    });
}
