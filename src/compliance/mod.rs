//! Completeness checking against the disclosure schemes a district health office is assessed
//! on: the ministry's MOIT, the NACC's ITA (OIT), the Official Information Act ss.7 and 9 and
//! the Government Website Standard. Pure logic: checklists as data, fiscal-year periods, and
//! the green/amber/red judgement; no HTTP and no SQL.

pub mod builtin;
pub mod checklist;
pub mod checks;
pub mod period;
pub mod status;
pub mod suggest;
