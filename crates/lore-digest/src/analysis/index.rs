use foldhash::{HashMap, HashMapExt};

use crate::archive::MailRecord;

/// Message-ID → position of the first mail with that id.
pub type MessageIndex<'a> = HashMap<&'a str, usize>;

/// Indexes mails by Message-ID, once for every analysis that follows
/// `In-Reply-To` and `References`. A mail delivered twice is found at its
/// first copy.
pub fn message_index(mails: &[MailRecord]) -> MessageIndex<'_> {
    let mut index = MessageIndex::with_capacity(mails.len());
    for (i, mail) in mails.iter().enumerate() {
        if let Some(id) = mail.message.message_id.as_deref() {
            index.entry(id).or_insert(i);
        }
    }
    index
}
