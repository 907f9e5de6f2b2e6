"""The seed ticket (#00003 of the seed report) as the addon's demo data has it,
made on a benchmark database (installed without demo data): its values and step
logs read from the demo file, its team, agent and customer the benchmark's."""

from lxml import etree

from .harness import REPO_DIR

DEMO = REPO_DIR / "mindx_helpdesk_process" / "demo" / "helpdesk_demo.xml"
TICKET_XMLID = "ticket_seed_00003_demo"
# the demo's references, as the benchmark's own records (harness.ctxs[key])
REFS = {"team_id": "team", "user_id": "agent"}


def _values(record):
    """A demo <record>'s literal values (text and eval'd booleans), its
    references by field name."""
    values, refs = {}, {}
    for field in record.iter("field"):
        name = field.get("name")
        if field.get("ref"):
            refs[name] = field.get("ref")
        elif field.get("eval") in ("True", "False"):
            values[name] = field.get("eval") == "True"
        elif field.get("type") == "html":
            values[name] = "".join(
                etree.tostring(child, encoding="unicode") for child in field
            )
        else:
            values[name] = (field.text or "").strip()
    return values, refs


def seed_records():
    """The seed ticket's values and its step logs' (ticket reference dropped)."""
    tree = etree.parse(str(DEMO))
    ticket = tree.find(f".//record[@id='{TICKET_XMLID}']")
    steps = tree.xpath(
        f".//record[@model='helpdesk.ticket.step']"
        f"[field[@name='ticket_id'][@ref='{TICKET_XMLID}']]"
    )
    ticket_values, ticket_refs = _values(ticket)
    step_values = []
    for step in steps:
        values, _refs = _values(step)
        step_values.append(values)
    return ticket_values, ticket_refs, step_values


def create_seed_ticket(env, ctx):
    """The seed ticket on `env`'s database with the fields its model has (the
    process's on ours, helpdesk_mgmt's on helpdesk_mgmt alone), its step logs
    where they exist; created as superuser, Done, as the demo data loads it."""
    values, refs, steps = seed_records()
    model = env["helpdesk.ticket"]
    values = {
        name: int(value) if model._fields[name].type == "integer" else value
        for name, value in values.items()
        if name in model._fields
    }
    for field, ctx_key in REFS.items():
        values[field] = ctx[ctx_key]
    values["partner_id"] = ctx["customers"][0]
    values["stage_id"] = env.ref(refs["stage_id"]).id
    ticket = model.create(values)
    if "helpdesk.ticket.step" in env:
        env["helpdesk.ticket.step"].create(
            [dict(step, ticket_id=ticket.id, user_id=ctx["agent"]) for step in steps]
        )
    return ticket
