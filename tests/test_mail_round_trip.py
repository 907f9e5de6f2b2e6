"""A real mail round trip: the addon served by odoo-bin, customers' emails in
through Odoo's own gateway entry, the agent's emails out to an SMTP server.

The server runs on a database of this module's own, with the addon and its demo
data (the LMS Support team and its alias, the agent, the Vietnamese course
coordinator), configured as an admin would over RPC: an alias domain (so that the
team's alias is a full address) and an outgoing mail server, the local SMTP
server of tests/_mail.py. Emails in are raw RFC 822 text (tests/mail/) piped into
Odoo's odoo-mailgate.py; the agent works over JSON-RPC as the web client does
(the steps' buttons, dialogs and composer); the mail queue is sent on demand
(mail.mail.process_email_queue, the queue cron's method) after each step, and
what the SMTP server received is read back as a mail client reads it.

- a Gmail request from the Vietnamese coordinator: the ticket, the ACK and the
  resolution in Vietnamese to her only, the escalation to the Dev Team only;
  her out-of-office reply is stored and does nothing; her Gmail reply (built
  from the resolution email received: In-Reply-To, References, quoted history)
  threads on the ticket and suggests the confirmation with her new words only;
- an Outlook request (Q-encoded subject, Thread-Index) from a new contact: the
  ticket, the ACK in the contact's language; the bounce of that ACK;
- an email in a charset nobody knows: a ticket all the same.
"""

import email
from datetime import datetime
from email.header import decode_header, make_header

import pytest

from ._mail import (
    VIETNAM,
    Outbox,
    addresses,
    gmail_reply,
    mailgate,
    raw_email,
    wait_until,
)
from ._system import (
    ADDON,
    OdooServer,
    RpcClient,
    drop_database,
    log_step,
    new_db_name,
    odoo_bin,
    send_step_email,
)

# what an admin sets in Settings > General Settings > Alias Domain
ALIAS_DOMAIN = "mindx.example.com"
TEAM = "LMS Support"
# the demo's users (demo/helpdesk_demo.xml and base's admin), password = login
ADMIN, AGENT = "admin", "agent"
COORDINATOR = "ha.nguyen@coordinator.example.com"  # the demo's, writes Vietnamese
DEV_TEAM = "dev-team@mindx.example.com"  # the demo team's escalation address
OUTLOOK_SENDER = "nam.pham@thcs-vidu.example.edu.vn"
# the subjects of tests/mail/gmail_new_request.eml and outlook_new_request.eml
GMAIL_SUBJECT = (
    "Lớp WEB101-HN-2024 không nộp được bài tập trên LMS, trang tải rất chậm từ "
    "chiều nay"
)
OUTLOOK_SUBJECT = (
    "Không đăng nhập được vào LMS bằng tài khoản giáo viên, báo lỗi phiên làm "
    "việc hết hạn"
)
# the customer emails' subjects and a phrase of their bodies, by language
# (mail_template_data.xml, i18n/vi.po)
ACK = {
    "en_US": ("[{number}] We have received your request: {name}", "Thank you for "),
    "vi_VN": (
        "[{number}] Chúng tôi đã tiếp nhận yêu cầu của Anh/Chị: {name}",
        "Cảm ơn Anh/Chị đã báo cho chúng tôi",
    ),
}
RESOLUTION = {
    "vi_VN": (
        "[{number}] Đã khắc phục: {name}",
        "Tin vui: sự cố Anh/Chị báo trong yêu cầu",
    ),
}
# what only the agents may read: never in an email to the customer
FINDINGS = "Connection pool of the LMS database 85% full since 14:00"
REPLY_WORDS = (
    "Chị đã kiểm tra lại: học viên nộp được bài, trang tải nhanh trở lại. "
    "Cảm ơn team!"
)
# mail.mail's states of an email not sent: still queued, or failed
UNSENT_STATES = ["outgoing", "exception"]


class Stack:
    """The server, its SMTP server, and the admin and agent over JSON-RPC."""

    def __init__(self, db, server, outbox):
        self.db, self.server, self.outbox = db, server, outbox
        self.admin = RpcClient(server.url, db, ADMIN, ADMIN)
        self.agent = RpcClient(server.url, db, AGENT, AGENT)
        (agent,) = self.admin("res.users", "read", [self.agent.uid], ["email", "lang"])
        self.agent_email, self.agent_lang = agent["email"], agent["lang"]
        self.admin("mail.alias.domain", "create", {"name": ALIAS_DOMAIN})
        self.admin(
            "ir.mail_server",
            "create",
            {
                "name": "Local SMTP server (tests)",
                "smtp_host": "127.0.0.1",
                "smtp_port": outbox.port,
                "smtp_encryption": "none",
            },
        )
        teams = self.admin(
            "helpdesk.ticket.team",
            "search_read",
            [("name", "=", TEAM)],
            ["alias_email"],
        )
        assert len(teams) == 1, f"the demo data's {TEAM} team: {teams}"
        self.team, self.alias = teams[0]["id"], teams[0]["alias_email"]
        assert self.alias == f"lms-support@{ALIAS_DOMAIN}", teams
        # the demo's own emails, which its install could not send (no SMTP server
        # then): not this module's to check
        installed = self.admin("mail.mail", "search", [], order="id desc", limit=1)
        self.installed_mails = installed[0] if installed else 0

    def deliver(self, raw):
        """Pipe a raw email into odoo-mailgate.py (as the admin user), then send
        what it queued."""
        mailgate(self.server, self.db, self.admin.uid, ADMIN, raw)
        self.send_queue()

    def send_queue(self):
        """Send the mail queue now, as its cron would; nothing is left unsent."""
        self.admin("mail.mail", "process_email_queue")
        left = self.admin(
            "mail.mail",
            "search_read",
            [("state", "in", UNSENT_STATES), ("id", ">", self.installed_mails)],
            ["subject", "state", "failure_reason"],
        )
        assert not left, left

    def read(self, ticket_id, *fnames):
        return self.admin("helpdesk.ticket", "read", [ticket_id], list(fnames))[0]

    def ticket_count(self):
        return self.admin("helpdesk.ticket", "search_count", [])

    def new_ticket(self, name, sender):
        """The one ticket opened by `sender`'s email named `name`."""
        tickets = self.admin(
            "helpdesk.ticket",
            "search_read",
            [("name", "=", name), ("partner_id.email", "=", sender)],
            ["number", "name", "team_id", "partner_id", "description", "stage_id"],
        )
        assert len(tickets) == 1, tickets
        return tickets[0]

    def step_email(self, ticket_id, step, since, customer):
        """The email of the ticket's `step` to `customer` as the SMTP server
        received it (from its `since`-th email on): the one to them among those
        whose Message-Id is the step's message's (Odoo sends one email a group
        of recipients)."""
        logs = self.admin(
            "helpdesk.ticket.step",
            "search_read",
            [("ticket_id", "=", ticket_id), ("step", "=", step)],
            ["message_id"],
        )
        assert len(logs) == 1 and logs[0]["message_id"], logs
        message = self.admin(
            "mail.message", "read", [logs[0]["message_id"][0]], ["message_id"]
        )[0]
        (received,) = wait_until(
            lambda: [
                received
                for received in self.outbox.received(since)
                if received["Message-Id"] == message["message_id"]
                and customer in addresses(received, "To")
            ],
            timeout=30,
            what=f"the {step} email of ticket {ticket_id} to {customer}",
        )
        return received

    def stored(self, message_id):
        """The messages the database holds for an email's Message-ID."""
        return self.admin(
            "mail.message",
            "search_read",
            [("message_id", "=", message_id)],
            ["model", "res_id", "message_type", "author_id", "body"],
        )

    def activities(self, ticket_id):
        return self.admin(
            "mail.activity",
            "search_count",
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket_id)],
        )


@pytest.fixture(scope="module")
def stack(request, tmp_path_factory):
    """A database with the addon and its demo data, its server and SMTP server."""
    db = new_db_name("mail")
    request.addfinalizer(lambda: drop_database(db))
    odoo_bin(db, "-i", ADDON, "--stop-after-init")  # demo data: the run's config
    outbox = Outbox()
    request.addfinalizer(outbox.stop)
    server = OdooServer(db, str(tmp_path_factory.mktemp("mail"))).start()
    request.addfinalizer(server.stop)
    return Stack(db, server, outbox)


@pytest.fixture(autouse=True)
def no_internal_error(stack):
    """Whatever arrives, the server logs no ERROR (an email lost, a failed send)."""
    seen = len(stack.server.log())
    yield
    new_lines = stack.server.log()[seen:]
    assert " ERROR " not in new_lines, new_lines


def _decoded_subject(message):
    """The Subject as a plain RFC 2047 decoder reads it (not the policy's parser):
    its raw value as received, unfolded (RFC 5322: line breaks removed), then
    its encoded words decoded."""
    (raw,) = (value for name, value in message.raw_items() if name == "Subject")
    return str(make_header(decode_header(raw.replace("\r\n", "").replace("\n", ""))))


def _check_customer_email(stack, message, customer, subject):
    """An agent's email to the customer: to them alone, replies to the team's
    alias, the subject exact with every space, not marked as automatic."""
    assert addresses(message, "To", "Cc", "Bcc") == [customer], message["To"]
    assert addresses(message, "Reply-To") == [stack.alias], message["Reply-To"]
    assert str(message["Subject"]) == subject
    assert _decoded_subject(message) == subject
    assert message["Auto-Submitted"] is None, message["Auto-Submitted"]


def _html(message):
    return message.get_body(("html",)).get_content()


# -- the Vietnamese coordinator's request from Gmail, to its resolution -------------


@pytest.fixture(scope="module")
def gmail_ticket(stack):
    """Her request, and the agent's steps up to the resolution email: the ticket
    and every email the SMTP server received meanwhile."""
    since = len(stack.outbox)
    request = raw_email("gmail_new_request", to=stack.alias)
    stack.deliver(request)
    ticket = stack.new_ticket(GMAIL_SUBJECT, COORDINATOR)
    agent, ticket_id = stack.agent, ticket["id"]
    agent("helpdesk.ticket", "write", [ticket_id], {"user_id": agent.uid})
    log_step(
        agent,
        ticket_id,
        "assess",
        users_affected=2,
        assessment_note="One class cannot submit assignments; no workaround yet.",
    )
    send_step_email(agent, ticket_id, "ack")
    stack.send_queue()
    roles = {"ack": stack.read(ticket_id, "process_role")["process_role"]}
    log_step(
        agent,
        ticket_id,
        "investigate",
        investigation_findings=FINDINGS,
        investigation_decision="Escalate to the Dev Team.",
    )
    log_step(
        agent,
        ticket_id,
        "escalate",
        investigation_findings=FINDINGS,
        escalation_request="Find the slow query before the class ends.",
    )
    log_step(
        agent,
        ticket_id,
        "dev_response",
        root_cause="A missing index on the submissions table.",
        resolution_summary="Index added; pages load in under 3 seconds again.",
    )
    roles["dev_response"] = stack.read(ticket_id, "process_role")["process_role"]
    send_step_email(agent, ticket_id, "resolve")
    stack.send_queue()
    return {
        "request": _message_id(request),
        "ticket": ticket,
        "roles": roles,
        "ack": stack.step_email(ticket_id, "ack", since, COORDINATOR),
        "resolution": stack.step_email(ticket_id, "resolve", since, COORDINATOR),
        "sent": stack.outbox.received(since),
    }


def test_gmail_request_opens_a_ticket(stack, gmail_ticket):
    ticket = gmail_ticket["ticket"]
    assert ticket["name"] == GMAIL_SUBJECT
    assert ticket["team_id"][0] == stack.team
    coordinator = stack.admin(
        "res.partner", "search_read", [("email", "=", COORDINATOR)], ["name"]
    )
    assert ticket["partner_id"] == [coordinator[0]["id"], coordinator[0]["name"]]
    assert "không nộp được bài tập, mỗi trang mất hơn 30 giây" in ticket["description"]
    assert gmail_ticket["roles"] == {"ack": "in_progress", "dev_response": "resolved"}


def test_ack_and_resolution_reach_her_in_vietnamese(stack, gmail_ticket):
    ticket = gmail_ticket["ticket"]
    for message, (subject, phrase) in (
        (gmail_ticket["ack"], ACK["vi_VN"]),
        (gmail_ticket["resolution"], RESOLUTION["vi_VN"]),
    ):
        subject = subject.format(number=ticket["number"], name=GMAIL_SUBJECT)
        _check_customer_email(stack, message, COORDINATOR, subject)
        assert phrase in _html(message)
        # her mail client files them under her request
        assert message["References"].split()[0] == gmail_ticket["request"]


def test_internal_steps_never_reach_the_customer(gmail_ticket):
    """Of everything sent, she gets the ACK and the resolution; the escalation
    goes to the Dev Team alone, and the agents' findings to no customer."""
    to_her = [m for m in gmail_ticket["sent"] if COORDINATOR in addresses(m, "To")]
    assert [m["Message-Id"] for m in to_her] == [
        gmail_ticket["ack"]["Message-Id"],
        gmail_ticket["resolution"]["Message-Id"],
    ]
    escalations = [m for m in gmail_ticket["sent"] if "[ESCALATION]" in m["Subject"]]
    assert [addresses(m, "To", "Cc", "Bcc") for m in escalations] == [[DEV_TEAM]]
    assert FINDINGS in _html(escalations[0])
    assert escalations[0]["Auto-Submitted"] is None, "the agent wrote it"
    for message in to_her:
        assert FINDINGS not in _html(message)


@pytest.fixture(scope="module")
def auto_reply_sent(stack, gmail_ticket):
    """Her out-of-office answer to the resolution email, before her real reply:
    the raw email, and the ticket as it was before and after."""
    ticket_id, resolution = gmail_ticket["ticket"]["id"], gmail_ticket["resolution"]
    fnames = ("last_customer_message_date", "stage_id", "confirmation_suggestion")
    before = stack.read(ticket_id, *fnames)
    before.update(tickets=stack.ticket_count(), activities=stack.activities(ticket_id))
    sent = len(stack.outbox)
    raw = raw_email(
        "auto_reply",
        to=stack.alias,
        subject=make_header([(f"Re: {resolution['Subject']}", "utf-8")]).encode(),
        in_reply_to=resolution["Message-Id"],
        references=resolution["Message-Id"],
    )
    stack.deliver(raw)
    after = stack.read(ticket_id, *fnames)
    after.update(tickets=stack.ticket_count(), activities=stack.activities(ticket_id))
    return {
        "raw": raw,
        "before": before,
        "after": after,
        "sent": stack.outbox.received(sent),
    }


def test_auto_reply_is_stored_and_changes_nothing(stack, gmail_ticket, auto_reply_sent):
    """Kept on the ticket; no ticket, no confirmation suggested, no task for the
    agent, nothing sent."""
    (stored,) = stack.stored(_message_id(auto_reply_sent["raw"]))
    assert (stored["model"], stored["res_id"]) == (
        "helpdesk.ticket",
        gmail_ticket["ticket"]["id"],
    )
    assert "nghỉ phép đến thứ Hai" in stored["body"]
    before = auto_reply_sent["before"]
    assert before["confirmation_suggestion"] is False, "resolved, nothing suggested"
    assert auto_reply_sent["after"] == before
    assert auto_reply_sent["sent"] == []


@pytest.fixture(scope="module")
def gmail_reply_sent(stack, gmail_ticket, auto_reply_sent):
    """Her Gmail reply to the resolution email she received (after her
    out-of-office answer): the raw email, how many tickets there were before,
    and what the SMTP server received since."""
    tickets, sent = stack.ticket_count(), len(stack.outbox)
    raw = gmail_reply(
        gmail_ticket["resolution"],
        '"Nguyễn Thị Hà" <ha.nguyen@coordinator.example.com>',
        REPLY_WORDS,
        datetime.now(VIETNAM),
    )
    stack.deliver(raw)
    return {"raw": raw, "tickets": tickets, "sent": stack.outbox.received(sent)}


def test_gmail_reply_threads_and_suggests_her_new_words(
    stack, gmail_ticket, gmail_reply_sent
):
    """On the ticket, and the confirmation it suggests holds her new words, not
    the history her reply quotes; the agent is asked to confirm, by email."""
    ticket_id = gmail_ticket["ticket"]["id"]
    (stored,) = stack.stored(_message_id(gmail_reply_sent["raw"]))
    assert (stored["model"], stored["res_id"]) == ("helpdesk.ticket", ticket_id)
    assert stack.ticket_count() == gmail_reply_sent["tickets"]
    record = stack.read(ticket_id, "confirmation_suggestion", "process_role")
    assert record["confirmation_suggestion"] == REPLY_WORDS
    assert record["process_role"] == "resolved", "the agent confirms"
    assert stack.activities(ticket_id), "the agent is asked to confirm"
    assert _to_do_notice(stack, gmail_reply_sent)
    for message in gmail_reply_sent["sent"]:
        assert COORDINATOR not in addresses(message, "To", "Cc"), message["Subject"]


def test_to_do_notice_in_the_agent_s_language(stack, gmail_reply_sent):
    """The gateway runs as the customer's portal user (Vietnamese); the agent's
    to-do is announced in the agent's language (found by this test)."""
    notice = _to_do_notice(stack, gmail_reply_sent)
    assert stack.agent_lang == "en_US"
    assert str(notice["Subject"]).endswith('" assigned to you'), notice["Subject"]
    html = _html(notice)
    assert "Activity: To-Do" in html and "Deadline:" in html, html


# -- an Outlook request from a new contact, and a bounce ---------------------------


@pytest.fixture(scope="module")
def outlook_ticket(stack):
    """The request, classified and acknowledged: the ticket, its contact, the
    ACK as received."""
    since = len(stack.outbox)
    stack.deliver(raw_email("outlook_new_request", to=stack.alias))
    ticket = stack.new_ticket(OUTLOOK_SUBJECT, OUTLOOK_SENDER)
    log_step(
        stack.agent,
        ticket["id"],
        "assess",
        users_affected=1,
        assessment_note="One teacher cannot log in.",
    )
    send_step_email(stack.agent, ticket["id"], "ack")
    stack.send_queue()
    contact = stack.admin(
        "res.partner", "read", [ticket["partner_id"][0]], ["name", "email", "lang"]
    )[0]
    return {
        "ticket": ticket,
        "contact": contact,
        "ack": stack.step_email(ticket["id"], "ack", since, OUTLOOK_SENDER),
    }


def test_outlook_request_opens_a_ticket_for_a_new_contact(stack, outlook_ticket):
    ticket, contact = outlook_ticket["ticket"], outlook_ticket["contact"]
    assert ticket["name"] == OUTLOOK_SUBJECT
    assert ticket["team_id"][0] == stack.team
    assert (contact["name"], contact["email"]) == ("Phạm Văn Nam", OUTLOOK_SENDER)
    assert "Phiên làm việc đã hết hạn" in ticket["description"]
    assert "MsoNormal {" not in ticket["description"], "Outlook's style sheet"


def test_outlook_ack_in_the_contact_s_language(stack, outlook_ticket):
    ticket, contact = outlook_ticket["ticket"], outlook_ticket["contact"]
    subject, phrase = ACK[contact["lang"]]
    subject = subject.format(number=ticket["number"], name=OUTLOOK_SUBJECT)
    _check_customer_email(stack, outlook_ticket["ack"], OUTLOOK_SENDER, subject)
    assert phrase in _html(outlook_ticket["ack"])


def test_bounce_of_the_ack_opens_no_ticket(stack, outlook_ticket):
    """The school's mail server bounces the ACK (mailbox full) to its Return-Path:
    Odoo counts the bounce on the contact and marks the ACK's notification; no
    ticket, nothing posted, nothing sent."""
    ack, ticket_id = outlook_ticket["ack"], outlook_ticket["ticket"]["id"]
    (bounce_address,) = addresses(ack, "Return-Path")
    headers = ack.as_bytes().split(b"\r\n\r\n", 1)[0].decode("ascii")
    tickets, sent = stack.ticket_count(), len(stack.outbox)
    posted = _ticket_messages(stack, ticket_id)
    raw = raw_email(
        "bounce",
        to=bounce_address,
        sender=bounce_address,
        final_recipient=OUTLOOK_SENDER,
        original_headers=headers.replace("\r\n", "\n"),
    )
    stack.deliver(raw)
    assert stack.ticket_count() == tickets
    assert _ticket_messages(stack, ticket_id) == posted
    assert len(stack.outbox) == sent, stack.outbox.received(sent)
    contact = outlook_ticket["contact"]
    bounces = stack.admin("res.partner", "read", [contact["id"]], ["message_bounce"])
    assert bounces[0]["message_bounce"] == 1
    ack_message = stack.stored(ack["Message-Id"])[0]["id"]
    notifications = stack.admin(
        "mail.notification",
        "search_read",
        [("mail_message_id", "=", ack_message), ("res_partner_id", "=", contact["id"])],
        ["notification_status"],
    )
    assert [n["notification_status"] for n in notifications] == ["bounce"]


# -- an email in a charset nobody knows ---------------------------------------------


def test_unknown_charset_is_read_as_utf8(stack):
    tickets = stack.ticket_count()
    stack.deliver(raw_email("unknown_charset", to=stack.alias))
    assert stack.ticket_count() == tickets + 1
    ticket = stack.new_ticket(
        "Loi diem danh tren LMS", "binh.tran@truong-cu.example.vn"
    )
    assert "giáo viên không lưu được điểm danh trên LMS" in ticket["description"]


# -- helpers -------------------------------------------------------------------------


def _message_id(raw):
    return email.message_from_bytes(raw)["Message-ID"].strip()


def _to_do_notice(stack, received):
    """The email that tells the agent of the to-do her reply gave them."""
    notices = [
        message
        for message in received["sent"]
        if addresses(message, "To") == [stack.agent_email]
        and "The customer replied to the resolution" in str(message["Subject"])
    ]
    assert len(notices) == 1, [str(m["Subject"]) for m in received["sent"]]
    return notices[0]


def _ticket_messages(stack, ticket_id):
    return stack.admin(
        "mail.message",
        "search_count",
        [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket_id)],
    )
