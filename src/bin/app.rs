//! The page binary (Trunk `data-type="main"`).

fn main() {
    yew::Renderer::<crm_kpi::web::app::App>::new().render();
}
