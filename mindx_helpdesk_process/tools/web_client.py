# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the web client asks the server for a view: the field specification of
``web_read`` / ``web_search_read``, built from the view's arch as the client's
``getFieldsSpec`` (web/static/src/model/relational_model/utils.js) builds it.

Shared by the query-count locks of the form and the kanban
(tests/test_screen_cost.py) and by the benchmark (scripts/bench), which
measures the same requests against helpdesk_mgmt's views: one model of the
client for both. No ORM model here: plain functions of an environment."""

import ast

from lxml import etree

# fields a widget loads besides its own (the widgets' ``fieldDependencies``)
WIDGET_DEPENDENCIES = {
    "statusbar_duration": ["duration_tracking"],
    "sla_countdown": ["sla_next_kind", "sla_status"],
    "kanban_activity": [
        "activity_exception_decoration",
        "activity_exception_icon",
        "activity_state",
        "activity_summary",
        "activity_type_icon",
        "activity_type_id",
    ],
    "image": ["write_date"],
}
ALWAYS_INVISIBLE = ("True", "1")
X2MANY_LIMIT = 40  # an inline list's default page


def client_context(env, user_id):
    """The context the web client sends with every call of the user: the
    session's user context (language, time zone: res.users.context_get) and
    the company the switcher has selected (their own)."""
    user = env(user=user_id).user
    return {
        **user.context_get(),
        "allowed_company_ids": [user.company_id.id],
    }


def view(env, model, view_type, view_id=False):
    """The arch (parsed) of `model`'s view (its default one without
    `view_id`), as get_views returns it to the client, and the type of every
    field of the models it shows (the widgets' dependencies included)."""
    views = env[model].get_views([(view_id, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    models = {
        name: {"fields": env[name].fields_get(attributes=["type", "relation"])}
        for name in views["models"]
    }
    return arch, models


def fields_spec(arch, models, model):
    """The specification of the <field>s of `arch` (those not inside another
    field's sub-view), their sub-views' for x2many fields."""
    fields = models[model]["fields"]
    depth = len(arch.xpath("ancestor-or-self::field"))
    spec = {}
    for node in arch.xpath(f".//field[count(ancestor::field) = {depth}]"):
        name = node.get("name")
        spec.setdefault(name, {})
        for extra in WIDGET_DEPENDENCIES.get(node.get("widget"), ()):
            if extra in fields:
                # loaded as invisible fields: a many2one's id only
                many2one = fields[extra]["type"] == "many2one"
                spec.setdefault(extra, {"fields": {}} if many2one else {})
        info = fields[name]
        visible = node.get("invisible") not in ALWAYS_INVISIBLE
        if info["type"] in ("many2one", "reference"):
            spec[name].setdefault("fields", {})
            if visible:
                spec[name]["fields"]["display_name"] = {}
        elif info["type"] in ("one2many", "many2many") and visible:
            related = _x2many_spec(node, models, info)
            if related is not None:
                spec[name].update(related)
    return spec


def _x2many_spec(node, models, info):
    """An x2many's part: its inline list's fields, or the tags' display names
    (many2many_tags and its colour), None when the client reads ids only."""
    sublist = node.find("list")
    if sublist is not None:
        return {
            "fields": fields_spec(sublist, models, info["relation"]),
            "limit": int(sublist.get("limit", X2MANY_LIMIT)),
            "context": {},
        }
    if node.get("widget") == "many2many_tags":
        related = {"display_name": {}}
        color = ast.literal_eval(node.get("options") or "{}").get("color_field")
        if color:
            related[color] = {}
        return {"fields": related, "context": {}}
    return None


def form_spec(env, model, view_id=False):
    """The form's specification (the client adds display_name, its title)."""
    arch, models = view(env, model, "form", view_id)
    return {**fields_spec(arch, models, model), "display_name": {}}


def kanban_request(env, model):
    """The kanban's card specification, its order, grouping and progress bar."""
    arch, models = view(env, model, "kanban")
    bar = arch.find("progressbar")
    progress_bar = {
        "field": bar.get("field"),
        "colors": ast.literal_eval(bar.get("colors")),
    }
    return {
        "spec": fields_spec(arch, models, model),
        "order": arch.get("default_order"),
        "group_by": arch.get("default_group_by"),
        "progress_bar": progress_bar,
    }


def list_request(env, model):
    """The list's specification and its order."""
    arch, models = view(env, model, "list")
    return {
        "spec": fields_spec(arch, models, model),
        "order": arch.get("default_order"),
    }


def kanban_load(model, domain, request, limit, count_limit=10_001):
    """The grouped kanban's first load, the three calls the client makes: the
    columns and their counts, their progress bars, the first cards in the
    view's order (with the client's count limit). Returns (columns, cards)."""
    group_by = request["group_by"]
    columns = model.web_read_group(domain, [], [group_by], lazy=True)
    model.read_progress_bar(domain, group_by, request["progress_bar"])
    cards = model.web_search_read(
        domain,
        request["spec"],
        limit=limit,
        order=request["order"],
        count_limit=count_limit,
    )
    return columns, cards
