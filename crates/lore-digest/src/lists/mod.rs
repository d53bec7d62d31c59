//! Following lists: lists by name from the configuration file, and the
//! state `update` keeps between runs.

mod config;
mod state;

pub(crate) use config::xdg_dir;
pub use config::{
    Config, Group, GroupSettings, LORE, List, ListSettings, default_cache_dir, default_config_path,
};
pub use state::{
    EpochMark, GroupState, REMEMBERED_FOR, Reported, State, default_group_state_path,
    default_state_path, marks_of, remembered,
};
pub(crate) use state::{load_json, save_json};
