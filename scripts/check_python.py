"""Exit 1 when this interpreter writes a decoded CR LF into a mail header (CVE-2024-6923).

CPython before 3.11.10 / 3.12.5 folded an RFC 2047 encoded word holding a line break into a
raw line break. Tekenklaar cleans every header value itself (app/mail/compose.py), but the
set-up still refuses an interpreter without the fix. Run by scripts/setup.sh.
"""

import sys
from email import policy
from email.message import EmailMessage

message = EmailMessage()
message["Subject"] = "=?utf-8?q?=0D=0AReply-To:_a@b.example?= " + "x" * 80
message["To"] = "c@d.example"
message.set_content("x")
head = message.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0]
sys.exit(1 if b"\r\nReply-To:" in head else 0)
