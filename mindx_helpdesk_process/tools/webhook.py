# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Escalations posted to a webhook: the body each kind expects, and a poster that
only talks to the addresses it checked.

The payload builders are plain functions of a dict of the ticket's data
(`number`, `name`, `url`, `class_label`, `users_affected`, `is_blocking`,
`findings`, `request`, `workaround`, `links`, `reports` (a major incident's
linked reports, one a line), and `labels`: the headings in the
reader's language). What the agent typed is text for every kind: escaped where a
kind parses markup, and cut to lengths the vendors accept.

The poster is a server-side request that a helpdesk manager points anywhere:
unchecked, it would let a URL reach the server's own network (a database, a cloud
metadata service). It resolves the host itself, checks every address, connects to
the checked one (the certificate still checked against the host name), and
follows redirects itself, checking each hop the same way.
"""

import ipaddress
import json
import socket
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
)

KINDS = [
    ("teams", "Microsoft Teams (Workflows)"),
    ("slack", "Slack (incoming webhook)"),
    ("generic", "Generic JSON"),
]
SCHEMES = ("http", "https")
# generic body: the version of its documented shape (README: "Generic JSON")
GENERIC_SCHEMA_VERSION = 1
GENERIC_EVENT = "helpdesk.escalation"

# What the payloads keep of each text (characters). Microsoft Teams refuses a
# message over 28 KB; Slack a section's text over 3,000 characters, a header's
# over 150, a button's over 75 (after escaping, counted in the text sent).
TEXT_LIMIT = 1500
TITLE_LIMIT = 140
LINK_ACTIONS = 3  # link buttons under the card, the ticket's excepted
SLACK_SECTION_LIMIT = 3000
SLACK_HEADER_LIMIT = 150
SLACK_BUTTON_LIMIT = 75
GENERIC_TEXT_LIMIT = 10000
ELLIPSIS = "…"

# redirects followed by re-posting the body (a GET would lose the message);
# 303 asks for a GET, so it is an answer, not a way to the webhook
REPOST_STATUSES = (301, 302, 307, 308)
MAX_REDIRECTS = 3
RESPONSE_EXCERPT = 300

DEFAULT_LABELS = {
    "escalation": "Escalation",
    "ticket": "Ticket",
    "class": "Class of Service",
    "users": "Users affected",
    "blocking": "blocking work",
    "findings": "Investigation findings",
    "request": "Request to the Dev Team",
    "workaround": "Workaround given to the customer",
    "links": "Links",
    "reports": "Linked reports (major incident)",
    "open": "Open the ticket",
}


class WebhookError(Exception):
    """A post that did not deliver. `retryable`: the same post may succeed later
    (a timeout, a server error); otherwise only a change of the URL or of the
    endpoint helps (a refused address, 404, an invalid payload)."""

    def __init__(self, message, retryable=True):
        super().__init__(message)
        self.retryable = retryable


# -- text ---------------------------------------------------------------------------


def shorten(text, limit):
    """`text` (stripped) at most `limit` characters, an ellipsis marking a cut."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def link_lines(text):
    """The http(s) URLs among the lines of the links text, in order."""
    urls = []
    for line in (text or "").splitlines():
        line = line.strip()
        parts = urlsplit(line) if line and not any(c.isspace() for c in line) else None
        if parts and parts.scheme in SCHEMES and parts.netloc:
            urls.append(line)
    return urls


def url_display(url):
    """What agents see of a webhook URL: its scheme and host. The path and the
    query of Slack's, Teams' and most webhooks' URLs are their secret."""
    try:
        parts = urlsplit(url or "")
        host = parts.hostname
    except ValueError:
        return ""
    if not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def check_url(url):
    """An error message when `url` cannot be a webhook (scheme, host), else None."""
    try:
        parts = urlsplit(url or "")
        if parts.port == 0:  # reading the port raises ValueError out of range
            return "port 0"
    except ValueError:
        return "not a URL"
    if parts.scheme not in SCHEMES:
        return "not an http or https URL"
    if not parts.hostname:
        return "no host"
    if any(c.isspace() for c in url):
        return "spaces in the URL"
    return None


def _labels(data):
    return dict(DEFAULT_LABELS, **(data.get("labels") or {}))


def _users_value(data, labels):
    value = str(data.get("users_affected") or 0)
    if data.get("is_blocking"):
        value = f"{value}, {labels['blocking']}"
    return value


def _title(data, labels):
    return shorten(
        f"{labels['escalation']} {data.get('number') or ''}: {data.get('name') or ''}",
        TITLE_LIMIT,
    )


def _sections(data, labels):
    """(heading, text) of the agent's texts that are filled in, in reading order."""
    return [
        (labels[key], data.get(key))
        for key in ("findings", "request", "workaround", "links", "reports")
        if (data.get(key) or "").strip()
    ]


# -- Microsoft Teams: an Adaptive Card for a Workflows webhook trigger ---------------


def _teams_text(text, **style):
    """A RichTextBlock: Teams shows its TextRun as typed (no Markdown parsed)."""
    return {
        "type": "RichTextBlock",
        "inlines": [{"type": "TextRun", "text": text, **style}],
    }


def teams_payload(data):
    """The message a Workflows "When a Teams webhook request is received" trigger
    takes: one attachment holding an Adaptive Card (1.4, which Teams renders on
    desktop and mobile), posted by the workflow's "Post card in a chat or
    channel" action from attachments[0].content.

    One literal, element by element, so that it reads like the Adaptive Card
    schema it follows: hence its length."""
    labels = _labels(data)
    body = [
        _teams_text(_title(data, labels), weight="Bolder", size="Large"),
        {
            "type": "FactSet",
            "facts": [
                {"title": labels["ticket"], "value": data.get("number") or ""},
                {"title": labels["class"], "value": data.get("class_label") or ""},
                {"title": labels["users"], "value": _users_value(data, labels)},
            ],
        },
    ]
    for heading, text in _sections(data, labels):
        body.append(
            {
                "type": "TextBlock",
                "text": heading,
                "weight": "Bolder",
                "wrap": True,
                "spacing": "Medium",
            }
        )
        body.append(_teams_text(shorten(text, TEXT_LIMIT)))
    actions = [{"type": "Action.OpenUrl", "title": labels["open"], "url": data["url"]}]
    for url in link_lines(data.get("links"))[:LINK_ACTIONS]:
        title = shorten(urlsplit(url).hostname or url, 40)
        actions.append({"type": "Action.OpenUrl", "title": title, "url": url})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": actions,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


# -- Slack: Block Kit for an incoming webhook -----------------------------------------

_SLACK_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def slack_escape(text, limit):
    """`text` with Slack's three control characters escaped, at most `limit`
    characters once escaped (an entity is never cut in half): what the agent
    typed can neither mention @channel nor forge a link."""
    out, size = [], 0
    for char in text or "":
        piece = _SLACK_ESCAPES.get(char, char)
        if size + len(piece) > limit - len(ELLIPSIS):
            out.append(ELLIPSIS)
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def _slack_link(url):
    """A URL as a Slack link: its control characters percent-encoded."""
    safe = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{safe.replace('&', '&amp;')}>"


def _slack_section(heading, text, budget=SLACK_SECTION_LIMIT):
    head = f"*{slack_escape(heading, 200)}*\n"
    return {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": head + slack_escape(shorten(text, TEXT_LIMIT), budget - len(head)),
        },
    }


def slack_payload(data):
    """An incoming webhook's message: Block Kit blocks, and `text`, the short
    version Slack shows in notifications.

    One literal, block by block, so that it reads like Slack's documented JSON
    (and is checked against it): hence its length."""
    labels = _labels(data)
    title = _title(data, labels)
    fields = [
        ("class", data.get("class_label") or ""),
        ("users", _users_value(data, labels)),
    ]
    blocks = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": shorten(title, SLACK_HEADER_LIMIT),
                "emoji": False,
            },
        },
        {
            "type": "section",
            "fields": [
                {
                    "type": "mrkdwn",
                    "text": f"*{slack_escape(labels[key], 200)}*\n"
                    f"{slack_escape(value, 1000)}",
                }
                for key, value in fields
            ],
        },
    ]
    for heading, text in _sections(data, labels):
        if text is data.get("links"):
            urls = link_lines(text)
            others = [
                line.strip()
                for line in text.splitlines()
                if line.strip() and line.strip() not in urls
            ]
            head = f"*{slack_escape(heading, 200)}*\n"
            lines = [_slack_link(url) for url in urls]
            lines += [slack_escape(line, 500) for line in others]
            body = shorten("\n".join(lines), SLACK_SECTION_LIMIT - len(head))
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": head + body}}
            )
        else:
            blocks.append(_slack_section(heading, text))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {
                        "type": "plain_text",
                        "text": shorten(labels["open"], SLACK_BUTTON_LIMIT),
                    },
                    "url": data["url"],
                    "style": "primary",
                }
            ],
        }
    )
    summary = f"{title} ({data.get('class_label') or ''}, {_users_value(data, labels)})"
    return {"text": slack_escape(summary, 300), "blocks": blocks}


# -- generic: a documented JSON body ---------------------------------------------------


def generic_payload(data):
    """The generic body (README, "Escalation webhooks"): the ticket's data as
    values, nothing formatted, for a receiver of one's own."""
    return {
        "event": GENERIC_EVENT,
        "schema_version": GENERIC_SCHEMA_VERSION,
        "test": bool(data.get("test")),
        "ticket": {
            "id": data.get("id"),
            "number": data.get("number") or "",
            "name": data.get("name") or "",
            "url": data["url"],
            "class_of_service": data.get("class_of_service") or "",
            "class_label": data.get("class_label") or "",
            "users_affected": data.get("users_affected") or 0,
            "is_blocking": bool(data.get("is_blocking")),
            "team": data.get("team") or "",
            "company": data.get("company") or "",
        },
        "findings": shorten(data.get("findings"), GENERIC_TEXT_LIMIT),
        "request": shorten(data.get("request"), GENERIC_TEXT_LIMIT),
        "workaround": shorten(data.get("workaround"), GENERIC_TEXT_LIMIT),
        "links": link_lines(data.get("links")),
        "links_text": shorten(data.get("links"), GENERIC_TEXT_LIMIT),
        "reports_text": shorten(data.get("reports"), GENERIC_TEXT_LIMIT),
        "escalated_by": data.get("escalated_by") or "",
        "escalated_at": data.get("escalated_at") or "",
    }


BUILDERS = {
    "teams": teams_payload,
    "slack": slack_payload,
    "generic": generic_payload,
}


def build_payload(kind, data):
    return BUILDERS[kind](data)


# -- the poster ------------------------------------------------------------------------


def is_forbidden_address(address):
    """True for an address a webhook may not reach by default: the server itself
    and its networks (loopback, private, link-local, shared, reserved, multicast,
    unspecified), an IPv4 one written as IPv6 included."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host, port):
    """The addresses `host` resolves to (a literal address as itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise WebhookError(f"cannot resolve {host}: {error}") from error
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def _checked_addresses(host, port, allow_private):
    addresses = resolve(host, port)
    if not allow_private:
        refused = [a for a in addresses if is_forbidden_address(a)]
        if refused:
            raise WebhookError(
                f"{host} resolves to {', '.join(refused)}: a private, loopback or "
                "link-local address, refused (system parameter "
                "mindx_helpdesk_process.webhook_allow_private)",
                retryable=False,
            )
    return addresses


def _pool(scheme, address, port, host, timeout):
    """A connection pool to `address` itself, speaking TLS for `host` (SNI and
    the certificate's name are the host's, not the address's)."""
    options = {"timeout": timeout, "retries": False, "maxsize": 1}
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            **options,
        )
    return urllib3.HTTPConnectionPool(address, port, **options)


def _reason(error):
    """An error of urllib3 in words, without the request's path: some carry the
    URL, whose path and query are the webhook's secret."""
    reason = getattr(error, "reason", None) or error
    message = str(reason.args[-1] if reason.args else reason)
    if message.startswith("<") and ">: " in message:  # "<connection object>: ..."
        message = message.split(">: ", 1)[1]
    return message


def _excerpt(response):
    try:
        data = response.read(RESPONSE_EXCERPT, decode_content=True)
    except ReadTimeoutError:
        raise
    except HTTPError:
        data = b""
    finally:
        response.release_conn()
    return data.decode("utf-8", "replace").strip()


def _post_once(url, data, headers, timeout, allow_private):
    """POST `data` to `url` on an address checked first: (status, location,
    excerpt of the response)."""
    problem = check_url(url)
    if problem:
        raise WebhookError(
            f"{url_display(url) or 'the URL'}: {problem}", retryable=False
        )
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header += f":{parts.port}"
    headers = dict(headers, Host=host_header)
    error = None
    for address in _checked_addresses(host, port, allow_private):
        pool = _pool(parts.scheme, address, port, host, timeout)
        try:
            response = pool.urlopen(
                "POST",
                target,
                body=data,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            # the answer's first bytes only: an endpoint decides how much it sends
            excerpt = _excerpt(response)
        except (NewConnectionError, ConnectTimeoutError) as exc:
            error = exc  # the host's next address, if any
            continue
        except ReadTimeoutError as exc:
            raise WebhookError(f"{host}: no answer in time ({_reason(exc)})") from exc
        except HTTPError as exc:
            raise WebhookError(f"{host}: {_reason(exc)}") from exc
        finally:
            pool.close()
        return response.status, response.headers.get("Location"), excerpt
    raise WebhookError(f"{host}: cannot connect ({_reason(error)})")


def post_json(url, body, *, timeout, allow_private=False, headers=None):
    """POST `body` as JSON to `url`, redirects followed (each hop checked).

    Returns the final HTTP status (2xx). Raises WebhookError otherwise: retryable
    for what may pass later (no connection, a timeout, 5xx, 408, 425, 429), not
    for what will not (a refused address, another 4xx, too many redirects).
    """
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = dict(
        headers or {},
        **{
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Odoo mindx_helpdesk_process",
        },
    )
    timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
    for _hop in range(MAX_REDIRECTS + 1):
        status, location, text = _post_once(url, data, headers, timeout, allow_private)
        if status in REPOST_STATUSES and location:
            url = urljoin(url, location)
            continue
        break
    else:
        raise WebhookError(f"more than {MAX_REDIRECTS} redirects", retryable=False)
    if 200 <= status < 300:
        return status
    message = f"HTTP {status}" + (f": {text}" if text else "")
    raise WebhookError(message, retryable=status >= 500 or status in (408, 425, 429))
