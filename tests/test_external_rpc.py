"""An external client against a real server: what agents' scripts may send.

Integrations and agents' scripts do not go through the form: over JSON-RPC and
XML-RPC they send any type, any number, any id, and call any public method. The
server here is started the way scripts/run.sh starts it (odoo-bin with the run's
config, on a database with the addon installed), on a free port.

Every bad input must come back as a fault that names the problem, raised as one of
Odoo's exceptions (the web client's warning dialog; XML-RPC fault code 2, 3 or 4)
and not as an internal error whose only text is a traceback; the server log gets
no ERROR line. Every test reads the record back after the fault: nothing is
half-written.
"""

import pytest

from ._system import OdooServer, RpcClient, addon_database, log_step, send_step_email

PASSWORD_SUFFIX = "-Secret-2026"  # see shell/setup_addon_database.py
SCRIPT_NAME = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


class Client(RpcClient):
    """A user of the cast over JSON-RPC or XML-RPC (its password: PASSWORD_SUFFIX
    after its login)."""

    def __init__(self, server, db, login, protocol="json"):
        super().__init__(server.url, db, login, login + PASSWORD_SUFFIX, protocol)


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    db, cast = addon_database(request)
    odoo_server = OdooServer(db, str(tmp_path_factory.mktemp("rpc"))).start()
    yield odoo_server, db, cast
    odoo_server.stop()


@pytest.fixture(autouse=True)
def no_internal_error(server):
    """Whatever a test sends, the server logs no ERROR (an unhandled exception)."""
    odoo_server = server[0]
    seen = len(odoo_server.log())
    yield
    new_lines = odoo_server.log()[seen:]
    assert " ERROR " not in new_lines, new_lines


@pytest.fixture(scope="module")
def agents(server):
    """The support agent, logged in once per protocol (hashing is slow on purpose)."""
    odoo_server, db, cast = server
    clients = {}
    for protocol in ("json", "xml"):
        clients[protocol] = Client(odoo_server, db, "sys_agent", protocol=protocol)
        clients[protocol].cast = cast
    return clients


@pytest.fixture(params=["json", "xml"])
def agent(request, agents):
    return agents[request.param]


@pytest.fixture
def ticket(agent):
    """A New ticket of the agent's team, made by the agent over RPC."""
    return agent(
        "helpdesk.ticket",
        "create",
        {
            "name": "LMS is slow",
            "description": "<p>Students cannot submit assignments.</p>",
            "team_id": agent.cast["team"],
            "partner_id": agent.cast["customer"],
        },
    )


def _read(client, ticket_id, *fnames):
    return client("helpdesk.ticket", "read", [ticket_id], list(fnames))[0]


def _send_step_email(client, ticket_id, step):
    """Send a customer step's email with the composer the step's button opens.

    The mail is queued rather than sent at commit: the test server has no SMTP
    server, and the step counts when the message is posted, not delivered.
    """
    send_step_email(client, ticket_id, step, mail_notify_force_send=False)


# -- wrong types, numbers out of range, unknown values -----------------------------

BAD_VALUES = [
    # (values written, words the fault must contain)
    ({"users_affected": "many"}, ["'Users affected'", "'many'"]),
    ({"users_affected": [15]}, ["'Users affected'", "[15]"]),
    ({"users_affected": -5}, ["'Users affected'", "-5"]),
    ({"users_affected": 0}, ["'Users affected'", "not 0"]),
    ({"users_affected": 2_147_483_647}, ["'Users affected'", "2147483647"]),
    ({"cos_override": "bogus", "cos_override_reason": "x"}, ["'Class override'"]),
    ({"cos_override": "expedite"}, ["needs a reason"]),
    ({"class_of_service": "bogus"}, ["recorded by the support process"]),
    ({"stage_id": "abc"}, ["stage", "'abc'"]),
    ({"stage_id": False}, ["stage", "False"]),
    ({"stage_id": 999_999_999}, ["does not exist"]),
]


@pytest.mark.parametrize("values,words", BAD_VALUES, ids=lambda v: str(v)[:40])
def test_bad_value_refused_in_words_and_nothing_written(agent, ticket, values, words):
    before = _read(agent, ticket, *values)
    fault = agent.fault("helpdesk.ticket", "write", [ticket], values)
    assert fault.clean, fault
    for word in words:
        assert word in fault.message, fault
    assert _read(agent, ticket, *values) == before


def test_huge_number_beyond_json_integers_refused(agents):
    """10**12 fits JSON (not XML-RPC) but not PostgreSQL's integer: the ORM would
    reach the database with it on create, before any constraint, and fail there."""
    client, cast = agents["json"], agents["json"].cast
    name = "Huge users affected"
    fault = client.fault(
        "helpdesk.ticket",
        "create",
        {
            "name": name,
            "description": "x",
            "team_id": cast["team"],
            "users_affected": 10**12,
        },
    )
    assert fault.clean and "'Users affected'" in fault.message, fault
    assert client("helpdesk.ticket", "search_count", [("name", "=", name)]) == 0


def test_step_dates_and_class_are_the_process_s_to_set(agent, ticket):
    """Writing the dates the gates test would pass a gate without the step; writing
    the class would change the SLA without the override's reason."""
    faults = [
        agent.fault("helpdesk.ticket", "write", [ticket], values)
        for values in (
            {"ack_date": "2026-11-28 22:44", "assessment_date": "2026-11-28 22:42"},
            {"class_of_service": "expedite"},
        )
    ]
    first_fault = faults[0]
    for fault in faults:
        assert fault.clean and "recorded by the support process" in fault.message, fault
    assert "ACK sent on, Assessed on" in first_fault.message, first_fault
    record = _read(agent, ticket, "ack_date", "assessment_date", "class_of_service")
    assert (record["ack_date"], record["assessment_date"]) == (False, False)
    assert record["class_of_service"] == "standard"
    # ... so the gate still holds
    in_progress = agent.cast["stages"]["in_progress"]
    fault = agent.fault("helpdesk.ticket", "write", [ticket], {"stage_id": in_progress})
    assert fault.clean and "acknowledgement (ACK)" in fault.message, fault
    # nor can a ticket be born with them
    name = "Born acknowledged"
    fault = agent.fault(
        "helpdesk.ticket",
        "create",
        {
            "name": name,
            "description": "x",
            "team_id": agent.cast["team"],
            "ack_date": "2026-11-28",
        },
    )
    assert fault.clean and "ACK sent on" in fault.message, fault
    assert agent("helpdesk.ticket", "search_count", [("name", "=", name)]) == 0


def test_stage_of_another_team_refused(agent, ticket):
    """The form offers the team's stages only; an id of another team's stage of
    the same role would pass the process gate (same role, no step needed)."""
    log_step(agent, ticket, "assess", users_affected=3, assessment_note="Slow LMS")
    _send_step_email(agent, ticket, "ack")
    stage = _read(agent, ticket, "stage_id")["stage_id"]
    assert stage[0] == agent.cast["stages"]["in_progress"], "moved on by the ACK"
    assert agent.cast["other_stage_role"] == "in_progress"
    fault = agent.fault(
        "helpdesk.ticket", "write", [ticket], {"stage_id": agent.cast["other_stage"]}
    )
    assert fault.clean, fault
    assert "Sales triage" in fault.message and "Sales desk" in fault.message, fault
    assert _read(agent, ticket, "stage_id")["stage_id"] == stage


# -- step actions out of order, twice; private methods -----------------------------


def test_steps_out_of_order_open_no_gate(agent, ticket):
    """A step that does not fit the stage is refused in words (the final summary
    of a new ticket); one that fits, logged out of order (the fix before the
    ACK), is recorded but moves nothing: each gate still names every step it
    lacks."""
    fault = agent.fault(
        "helpdesk.ticket.step.wizard",
        "create",
        {"ticket_id": ticket, "step": "summary", "lessons_learned": "Index first"},
    )
    assert fault.clean and "is not a step of ticket" in fault.message, fault
    log_step(
        agent, ticket, "dev_response", root_cause="Index", resolution_summary="Fixed"
    )
    record = _read(agent, ticket, "summary_date", "dev_response_date", "process_role")
    assert not record["summary_date"] and record["dev_response_date"]
    assert record["process_role"] == "new"
    closed = agent.cast["stages"]["closed"]
    fault = agent.fault("helpdesk.ticket", "write", [ticket], {"stage_id": closed})
    assert fault.clean, fault
    for missing in ("classification and initial assessment", "(ACK)", "resolution"):
        assert missing in fault.message, fault
    assert _read(agent, ticket, "process_role")["process_role"] == "new"


def test_step_done_twice_keeps_its_first_time(agent, ticket):
    log_step(agent, ticket, "assess", users_affected=3, assessment_note="Slow LMS")
    _send_step_email(agent, ticket, "ack")
    first = _read(agent, ticket, "ack_date", "last_update_date")
    _send_step_email(agent, ticket, "ack")
    again = _read(agent, ticket, "ack_date", "last_update_date", "process_role")
    assert again["ack_date"] == first["ack_date"]
    assert again["last_update_date"] >= first["last_update_date"]
    assert again["process_role"] == "in_progress", "moved once, not further"
    logged = agent(
        "helpdesk.ticket.step",
        "search_read",
        [("ticket_id", "=", ticket), ("step", "=", "ack")],
        ["date"],
    )
    assert len(logged) == 2, "each email sent is logged"


def test_missing_fields_of_a_step_named(agent, ticket):
    wizard = agent(
        "helpdesk.ticket.step.wizard",
        "create",
        {"ticket_id": ticket, "step": "investigate", "investigation_findings": " "},
    )
    fault = agent.fault("helpdesk.ticket.step.wizard", "action_confirm", [wizard])
    assert fault.clean and "Findings" in fault.message, fault
    assert "Decision" in fault.message, fault
    assert _read(agent, ticket, "investigation_date")["investigation_date"] is False


def test_customer_step_without_customer_email_refused(agent):
    ticket = agent(
        "helpdesk.ticket",
        "create",
        {"name": "No contact", "description": "x", "team_id": agent.cast["team"]},
    )
    fault = agent.fault("helpdesk.ticket", "action_process_ack", [ticket])
    assert fault.clean and "no customer email address" in fault.message, fault


@pytest.mark.parametrize(
    "method,args",
    [
        ("_cron_flag_sla_breaches", []),
        ("_process_record_step", ["ack"]),
        ("_sla_refresh_status", []),
        ("_process_auto_advance", []),
    ],
)
def test_private_methods_refused(agent, ticket, method, args):
    fault = agent.fault("helpdesk.ticket", method, [ticket], *args)
    assert fault.clean and "Private methods" in fault.message, fault
    assert method in fault.message, fault
    assert _read(agent, ticket, "ack_date")["ack_date"] is False
    assert (
        agent("helpdesk.ticket.step", "search_count", [("ticket_id", "=", ticket)]) == 0
    )


def test_manager_actions_refused_to_agents(agent, ticket):
    fault = agent.fault("helpdesk.ticket", "action_sla_flag_now", [ticket])
    assert fault.clean and "Only helpdesk managers" in fault.message, fault
    fault = agent.fault(
        "helpdesk.ticket",
        "write",
        [ticket],
        {"stage_id": agent.cast["stages"]["closed"]},
        context={"mindx_force_move": True, "mindx_move_reason": "because"},
    )
    assert fault.clean and "Only helpdesk managers can force" in fault.message, fault
    assert _read(agent, ticket, "process_role")["process_role"] == "new"


# -- markup in what agents type ----------------------------------------------------


def test_script_in_names_and_notes_stays_text(agent):
    """Stored as typed, shown as text: the chatter note of a step and the
    computed HTML escape it."""
    ticket = agent(
        "helpdesk.ticket",
        "create",
        {
            "name": SCRIPT_NAME,
            "description": SCRIPT_NAME,
            "team_id": agent.cast["team"],
            "partner_id": agent.cast["customer"],
        },
    )
    log_step(agent, ticket, "assess", users_affected=3, assessment_note=SCRIPT_NAME)
    record = _read(
        agent, ticket, "name", "display_name", "process_checklist_html", "cos_rationale"
    )
    assert record["name"] == SCRIPT_NAME
    assert "<script" not in record["process_checklist_html"]
    messages = agent(
        "mail.message",
        "search_read",
        [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket)],
        ["body"],
    )
    notes = [m["body"] for m in messages if "Classify" in m["body"]]
    assert notes, messages
    assert "&lt;script&gt;" in notes[0] and "<script" not in notes[0], notes[0]
    # a refusal quotes the name as plain text
    fault = agent.fault(
        "helpdesk.ticket",
        "write",
        [ticket],
        {"stage_id": agent.cast["stages"]["closed"]},
    )
    assert fault.clean and SCRIPT_NAME in fault.message, fault
