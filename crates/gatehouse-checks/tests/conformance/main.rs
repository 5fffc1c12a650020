//! Conformance over third-party test data in `../shared/data` (see `support`): MRZ vectors,
//! PRC resident ID numbers, GeoIP databases. Each test prints how many vectors agree.

mod faces;
mod geoip;
mod idnum;
mod jpeg_scan;
mod mrz;
mod mrz_photos;
mod sanctions;
mod support;
