//! The admin API's reading side and small resources against moto: Run Test Import,
//! Recent Imports, leads, territories and API keys.

mod import_log;
mod resources;
mod test_import;
