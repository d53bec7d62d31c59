//! Links into a public-inbox web archive such as lore.kernel.org.

/// The URL of a message in the archive at `base`: `BASE/<message-id>/`, the
/// id escaped as public-inbox escapes it (RFC 3986 path characters stay,
/// everything else, `/` and `%` included, is percent-encoded as UTF-8).
pub fn message_url(base: &str, message_id: &str) -> String {
    let mut url = String::with_capacity(base.len() + message_id.len() + 2);
    url.push_str(base.trim_end_matches('/'));
    url.push('/');
    for byte in message_id.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
        if keep {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url.push('/');
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_stay_readable() {
        assert_eq!(
            message_url(
                "https://lore.kernel.org/kvm",
                "20250516205312.1-seanjc@google.com"
            ),
            "https://lore.kernel.org/kvm/20250516205312.1-seanjc@google.com/"
        );
        assert_eq!(
            message_url("https://lore.kernel.org/kvm/", "a@b"),
            "https://lore.kernel.org/kvm/a@b/"
        );
    }

    #[test]
    fn path_and_query_characters_are_escaped() {
        assert_eq!(
            message_url("B", "a/b%c?d#e f\"g<h>"),
            "B/a%2Fb%25c%3Fd%23e%20f%22g%3Ch%3E/"
        );
        assert_eq!(message_url("B", "zoë@x"), "B/zo%C3%AB@x/");
        assert_eq!(
            message_url("B", "x+y=z;!$&'()*,:~@h"),
            "B/x+y=z;!$&'()*,:~@h/"
        );
    }
}
