//! Identifiers. UUIDv7 keeps them roughly time-ordered, which suits listing and indexes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An applicant's account.
    AccountId
);
id_type!(
    /// A verification application.
    ApplicationId
);
id_type!(
    /// One submitted attempt of an application.
    AttemptId
);
id_type!(
    /// An uploaded file.
    FileId
);
id_type!(
    /// An operator API key.
    ApiKeyId
);
id_type!(
    /// An endpoint of the exchange that receives webhook events.
    WebhookEndpointId
);
id_type!(
    /// An event in the outbox; sent as `X-Gatehouse-Event-Id` so receivers can deduplicate.
    EventId
);
id_type!(
    /// The delivery of one event to one endpoint.
    DeliveryId
);
