/** @odoo-module **/
/* Copyright 2026 MindX
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component, onWillUnmount, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {formatDateTime} from "@web/core/l10n/dates";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

const {DateTime} = luxon;
// how often the countdown is read again (it counts minutes)
const REFRESH_MS = 30000;

/**
 * "ACK due in 6 min", "Update overdue by 12 min": the ticket's next SLA
 * deadline (sla_next_deadline) as a countdown in words, coloured by the SLA
 * status, refreshed every half minute without reloading the view.
 */
export class SlaCountdownField extends Component {
    static template = "mindx_helpdesk_process.SlaCountdownField";
    static props = {...standardFieldProps};

    setup() {
        this.state = useState({now: DateTime.now()});
        const timer = browser.setInterval(() => {
            this.state.now = DateTime.now();
        }, REFRESH_MS);
        onWillUnmount(() => browser.clearInterval(timer));
    }

    get deadline() {
        return this.props.record.data[this.props.name];
    }

    get deadlineText() {
        return formatDateTime(this.deadline);
    }

    get kindLabel() {
        const labels = {
            ack: _t("ACK"),
            update: _t("Update"),
            escalation: _t("Escalation"),
            resolve: _t("Resolution"),
        };
        return labels[this.props.record.data.sla_next_kind] || _t("Next deadline");
    }

    get minutesLeft() {
        return Math.round(this.deadline.diff(this.state.now, "minutes").minutes);
    }

    static span(minutes) {
        if (minutes < 60) {
            return _t("%(minutes)s min", {minutes});
        }
        if (minutes < 48 * 60) {
            const hours = Math.floor(minutes / 60);
            const rest = minutes % 60;
            return rest
                ? _t("%(hours)s h %(minutes)s min", {hours, minutes: rest})
                : _t("%(hours)s h", {hours});
        }
        return _t("%(days)s days", {days: Math.floor(minutes / (24 * 60))});
    }

    get text() {
        if (!this.deadline) {
            return "";
        }
        const left = this.minutesLeft;
        const span = SlaCountdownField.span(Math.abs(left));
        if (left < 0) {
            return _t("%(kind)s overdue by %(span)s", {kind: this.kindLabel, span});
        }
        return _t("%(kind)s due in %(span)s", {kind: this.kindLabel, span});
    }

    get colorClass() {
        const status = this.props.record.data.sla_status;
        if (status === "breached" || (this.deadline && this.minutesLeft < 0)) {
            return "text-danger";
        }
        return status === "at_risk" ? "text-warning" : "text-muted";
    }
}

export const slaCountdownField = {
    component: SlaCountdownField,
    displayName: _t("SLA countdown"),
    supportedTypes: ["datetime"],
    // "Update overdue by 2 h 15 min" reads whole in a list column
    listViewWidth: [190, 240],
    fieldDependencies: [
        {name: "sla_next_kind", type: "selection"},
        {name: "sla_status", type: "selection"},
    ],
};

registry.category("fields").add("sla_countdown", slaCountdownField);
