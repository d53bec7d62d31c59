"""A mail server for the delivery tests: aiosmtpd on a loopback port.

Usage: smtp_server.py PORT DIR [CERT KEY]

With CERT and KEY (PEM files) it speaks TLS from the first byte (smtps).

Each message it takes is parsed back with Python's email package and
written as DIR/received/NNN.json (envelope, threading headers, and each
part decoded); a message refused at DATA goes to DIR/refused/ instead. The
file DIR/mode, read at every command, makes it refuse a step:
`sender` (MAIL FROM), `recipient` (RCPT TO of an address starting with
b), `data` (the message, after reading it) or `login` (AUTH). A login is
accepted for user `bot` with password `s3cret`, and recorded in DIR/logins.
It runs until its standard input closes.
"""

import email
import email.policy
import json
import os
import logging
import sys

# aiosmtpd 1.4 logs a warning about its own use of a deprecated attribute.
logging.getLogger("mail.log").setLevel(logging.ERROR)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PORT = int(sys.argv[1])
OUT = sys.argv[2]
TLS = None
if len(sys.argv) > 4:
    import ssl

    TLS = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    TLS.load_cert_chain(sys.argv[3], sys.argv[4])


def mode():
    try:
        with open(os.path.join(OUT, "mode")) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def record(kind, rec):
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    n = len(os.listdir(d))
    tmp = os.path.join(d, f".{n:03}.tmp")
    with open(tmp, "w") as f:
        json.dump(rec, f)
    os.rename(tmp, os.path.join(d, f"{n:03}.json"))


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        mode() != "login"
        and isinstance(auth_data, LoginPassword)
        and auth_data.login == b"bot"
        and auth_data.password == b"s3cret"
    )
    with open(os.path.join(OUT, "logins"), "a") as f:
        f.write(f"{mechanism} {auth_data.login.decode()} {'ok' if ok else 'refused'}\n")
    return AuthResult(success=ok, auth_data=auth_data)


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if mode() == "sender":
            return "550 5.7.1 sender refused by the test"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if mode() == "recipient" and address.startswith("b"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        parts = []
        if m.is_multipart():
            for p in m.iter_parts():
                parts.append(
                    {
                        "type": p.get_content_type(),
                        "charset": p.get_content_charset(),
                        "encoding": p["Content-Transfer-Encoding"],
                        "text": p.get_content(),
                    }
                )
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(m["From"]),
            "to": str(m["To"]),
            "subject": str(m["Subject"]),
            "message_id": m["Message-ID"],
            "in_reply_to": m["In-Reply-To"],
            "references": m["References"],
            "date": m["Date"],
            "mime_version": m["MIME-Version"],
            "auto_submitted": m["Auto-Submitted"],
            "content_type": m.get_content_type(),
            "parts": parts,
            "defects": [str(d) for d in m.defects],
        }
        if mode() == "data":
            record("refused", rec)
            return "554 5.6.0 message refused by the test"
        record("received", rec)
        return "250 2.0.0 OK queued"


controller = Controller(
    Handler(),
    hostname="127.0.0.1",
    port=PORT,
    authenticator=authenticator,
    auth_require_tls=False,
    auth_required=False,
    ssl_context=TLS,
)
controller.start()
with open(os.path.join(OUT, "ready"), "w") as f:
    f.write("ready\n")
sys.stdin.read()
controller.stop()
