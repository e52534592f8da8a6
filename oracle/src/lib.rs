//! jitdiff's oracle side: an independent reference interpreter, the program
//! generator, configurations, the differential runner and the fuzz campaign.

pub mod generator;
pub mod reference;
