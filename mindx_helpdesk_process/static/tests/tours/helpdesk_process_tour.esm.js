/** @odoo-module */
/* Copyright 2026 MindX
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * Browser tours of the support process, run by tests/test_tour.py.
 *
 * - mindx_helpdesk_process_agent_tour: an agent creates a ticket, sees its class,
 *   is refused a move to Awaiting on the kanban and takes the refusal's button to
 *   the first step, then does the other steps from the header buttons (dialogs and
 *   mail composers) until the ticket is Done.
 * - mindx_helpdesk_process_manager_tour: a manager forces a New ticket to Awaiting
 *   with a reason, then opens Reporting > Process compliance.
 *
 * The Python test asserts in the database what the tours did.
 */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

export const AGENT_TICKET = "Tour: LMS quiz page times out";
export const MANAGER_TICKET = "Tour: forced move by a manager";

const CHECKLIST = ".o_field_widget[name=process_checklist_html] .o_mindx_process_checklist";
const STEP_LIST = ".o_field_widget[name=process_step_ids]";
const NO_DIALOG = "body:not(:has(.modal))";

/** Click the ticket form's header button `label` (the step's primary button). */
function headerButton(label, content) {
    return {
        content: content || `Click the header button "${label}"`,
        trigger: `.o_form_view .o_statusbar_buttons button.btn-primary:contains("${label}")`,
        run: "click",
    };
}

/** The ticket's stage in the form's status bar. */
function stageIs(stage) {
    return {
        content: `The ticket is in stage "${stage}"`,
        trigger: `.o_form_view .o_statusbar_status .o_arrow_button_current:contains("${stage}")`,
    };
}

/** Exactly `count` of the checklist's 7 rows are done (rows are done in order). */
function checklistDone(count) {
    const row = (number) => `tr:nth-child(${number})`;
    let trigger = CHECKLIST;
    if (count > 0) {
        trigger += `:has(${row(count)} .fa-check-circle)`;
    }
    if (count < 7) {
        trigger += `:has(${row(count + 1)} i.fa:not(.fa-check-circle))`;
    }
    return {
        content: `The Process tab's checklist shows ${count} step(s) of 7 done`,
        trigger,
    };
}

/**
 * The Process tab's timeline dialog lists `count` steps, one being `label`, and
 * shows what the steps recorded ({field: text it contains}).
 */
function timelineHas(count, label, recorded = {}) {
    return [
        {
            content: "Open the timeline from the Process tab",
            trigger: ".o_form_view button[name=action_view_process_timeline]",
            run: "click",
        },
        {
            content: `The timeline shows ${count} step(s)`,
            trigger: `.modal ${STEP_LIST} .o_data_row:eq(${count - 1})`,
        },
        {
            content: `... and no more than ${count}`,
            trigger: `.modal ${STEP_LIST}:not(:has(.o_data_row:eq(${count})))`,
        },
        {
            content: `The timeline shows "${label}"`,
            trigger: `.modal ${STEP_LIST} .o_data_row td:contains("${label}")`,
        },
        ...Object.entries(recorded).map(([field, text]) => ({
            content: `The dialog shows the recorded "${field}"`,
            trigger: `.modal .o_field_widget[name=${field}]:contains("${text}")`,
        })),
        {
            content: "Close the timeline",
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {content: "The timeline is closed", trigger: NO_DIALOG},
    ];
}

/** Fill a text field of the open dialog. */
function dialogText(field, text) {
    return {
        content: `Dialog: fill "${field}"`,
        trigger: `.modal .o_field_widget[name=${field}] textarea`,
        run: `edit ${text}`,
    };
}

/**
 * Open an internal step's dialog, check what it shows (`checks`: selectors inside
 * the dialog), fill it, confirm it, wait for it to close.
 */
function internalStep(button, title, values, checks = {}) {
    return [headerButton(button), ...stepDialog(title, values, checks)];
}

/**
 * An internal step's dialog, once opened (by its header button, or by the
 * refused move's dialog): check it, fill it, confirm it.
 */
function stepDialog(title, values, checks = {}) {
    return [
        {
            content: `The "${title}" dialog opens on the step wizard`,
            trigger: `.modal .modal-title:contains("${title}")`,
        },
        {
            content: "It says the customer does not receive it",
            trigger: ".modal .alert-info:contains(the customer does not receive it)",
        },
        ...Object.entries(checks).map(([content, selector]) => ({
            content: `Dialog: ${content}`,
            trigger: `.modal ${selector}`,
        })),
        ...Object.entries(values).map(([field, text]) => dialogText(field, text)),
        {
            content: `Confirm "${title}"`,
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        { content: `"${title}" dialog closed`, trigger: NO_DIALOG },
    ];
}

/** Open a customer step's composer, check the template is in it, send it. */
function customerStep(button, title, subject, bodyText) {
    return [
        headerButton(button),
        {
            content: `The mail composer opens for "${title}"`,
            trigger: `.modal .modal-title:contains("${title}")`,
        },
        {
            content: "The composer is addressed to the customer",
            trigger: ".modal .o_field_widget[name=partner_ids]:contains(Nguyen Thi Ha)",
        },
        {
            content: `The composer's subject comes from the template: "${subject}"`,
            trigger: `.modal .o_field_widget[name=subject] input:value("${subject}")`,
        },
        {
            content: `The composer's body comes from the template: "${bodyText}"`,
            trigger: `.modal .o_field_widget[name=body]:contains("${bodyText}")`,
        },
        {
            content: `Send "${title}"`,
            trigger: '.modal .modal-footer button.o_mail_send:contains("Send")',
            run: "click",
        },
        { content: `"${title}" composer closed`, trigger: NO_DIALOG, timeout: 20000 },
    ];
}

registry.category("web_tour.tours").add("mindx_helpdesk_process_agent_tour", {
    steps: () => [
        // -- create the ticket ------------------------------------------------
        {
            content: "Create a ticket from the ticket list",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Ticket title",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: `edit ${AGENT_TICKET}`,
        },
        {
            content: "Team: type the test team",
            trigger: ".o_form_view .o_field_widget[name=team_id] input",
            run: "edit LMS Support (tests)",
        },
        {
            content: "Team: pick it",
            trigger:
                '.o_field_widget[name=team_id] .ui-autocomplete a:contains("LMS Support (tests)")',
            run: "click",
        },
        {
            content: "Customer: type the coordinator's name",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Nguyen Thi Ha",
        },
        {
            content: "Customer: pick her",
            trigger:
                '.o_field_widget[name=partner_id] .ui-autocomplete a:contains("Nguyen Thi Ha")',
            run: "click",
        },
        {
            content: "Customer's email filled from the contact",
            trigger:
                ".o_form_view .o_field_widget[name=partner_email] input:value(ha.nguyen@customer.example.com)",
        },
        {
            content: "Users affected: 16",
            trigger: ".o_form_view .o_field_widget[name=users_affected] input",
            run: "edit 16",
        },
        {
            content: "Blocking work",
            trigger: ".o_form_view .o_field_widget[name=is_blocking] input:not(:checked)",
            run: "click",
        },
        {
            content: "The class badge says Priority",
            trigger:
                '.o_form_view .o_field_widget[name=class_of_service] .badge:contains("Priority")',
        },
        {
            content: "The rationale explains the class",
            trigger:
                '.o_form_view .o_field_widget[name=cos_rationale]:contains("16 users affected (Priority: 5–25), blocking work")',
        },
        {
            content: "The Blocking work badge shows in the title",
            trigger: '.o_form_view [name=cos_header] .badge:contains("Blocking work")',
        },
        {
            content: "Open the Description tab",
            trigger: '.o_form_view .o_notebook .nav-link:contains("Description")',
            run: "click",
        },
        {
            content: "Describe the problem (a required field)",
            trigger:
                ".o_form_view .o_field_html[name=description] .odoo-editor-editable :is(p, div.o-paragraph)",
            run: "editor Coordinators cannot open the quiz page: it times out.",
        },
        ...stepUtils.saveForm(),
        stageIs("New"),
        {
            content: "The next step is highlighted: Classify & assess",
            trigger: '.o_statusbar_buttons button.btn-primary:contains("Classify & assess")',
        },
        // -- a refused move on the kanban ----------------------------------------
        {
            content: "Back to the tickets",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Switch to the kanban view",
            trigger: ".o_control_panel .o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The kanban view is loaded, grouped by stage",
            trigger: '.o_kanban_view .o_kanban_group .o_column_title:contains("Awaiting")',
        },
        {
            content: "Search the new ticket",
            trigger: ".o_control_panel .o_searchview_input",
            run: `edit ${AGENT_TICKET}`,
        },
        {
            content: "Search it in Ticket (number or title)",
            trigger: '.o_searchview_autocomplete .o_menu_item:contains("Search Ticket for")',
            run: "click",
        },
        {
            content: "The search is applied",
            trigger: `.o_control_panel .o_searchview_facet:contains("${AGENT_TICKET}")`,
        },
        {
            content: "The ticket's card is in the New column, with its class",
            trigger: `.o_kanban_group:has(.o_column_title:contains("New")) .o_kanban_record:contains("${AGENT_TICKET}"):has(.badge:contains("Priority"))`,
        },
        {
            content: "Drag the ticket to the Awaiting column",
            trigger: `.o_kanban_record:contains("${AGENT_TICKET}")`,
            run: `drag_and_drop(.o_kanban_group:has(.o_column_title:contains("Awaiting")))`,
        },
        {
            content: "The move is refused: the dialog names the missing steps",
            trigger:
                '.modal .o_error_dialog:contains("classification and initial assessment are not logged")',
        },
        {
            content: "... every missing step, the ACK too",
            trigger:
                '.modal .o_error_dialog:contains("the customer has not been sent the acknowledgement (ACK)")',
        },
        {
            content: "The refusal offers the way forward: the next step",
            trigger:
                '.modal .o_mindx_move_refused .modal-footer .o_mindx_move_remedy:contains("Classify & assess")',
            run: "click",
        },
        // -- the 10 steps, the first from the refused move's dialog ---------------
        ...stepDialog(
            "Classify & assess",
            {
                assessment_note: "16 coordinators blocked: quiz page times out. Check the DB pool.",
            },
            {
                "users affected prefilled from the ticket":
                    ".o_field_widget[name=users_affected] input:value(16)",
                "blocking work prefilled": ".o_field_widget[name=is_blocking] input:checked",
                "the class's rationale shown":
                    '.o_field_widget[name=cos_rationale]:contains("16 users affected")',
            }
        ),
        {
            content: "The ticket stayed in New (the ACK is still missing)",
            trigger: `.o_kanban_group:has(.o_column_title:contains("New")) .o_kanban_record:contains("${AGENT_TICKET}")`,
        },
        {
            content: "Open the ticket",
            trigger: `.o_kanban_record:contains("${AGENT_TICKET}")`,
            run: "click",
        },
        stageIs("New"),
        {
            content: "Open the Process tab",
            trigger: '.o_form_view .o_notebook .nav-link:contains("Process")',
            run: "click",
        },
        checklistDone(2),
        ...timelineHas(1, "Classify & assess"),
        ...customerStep(
            "Send ACK",
            "Send ACK",
            "We have received your request",
            "Thank you for reporting this"
        ),
        stageIs("In Progress"),
        checklistDone(3),
        ...timelineHas(2, "Send ACK"),
        ...internalStep("Log investigation", "Log investigation", {
            investigation_findings: "DB connection pool 95% full during the quiz peak.",
            investigation_decision:
                "Escalate to the Dev Team: database issue beyond support scope.",
        }),
        checklistDone(4),
        ...internalStep(
            "Escalate to Dev Team",
            "Escalate to Dev Team",
            {
                escalation_request: "Raise the pool size now, permanent fix in the next release.",
            },
            {
                "the investigation's findings prefilled":
                    ".o_field_widget[name=investigation_findings] textarea:value(DB connection pool 95% full)",
            }
        ),
        checklistDone(4),
        ...timelineHas(4, "Escalate to Dev Team"),
        ...customerStep("Send update", "Send update", "Update on your request", "What we found"),
        stageIs("Awaiting"),
        checklistDone(5),
        ...internalStep("Log fix", "Log fix", {
            root_cause: "Connection pool too small for the quiz peak.",
            resolution_summary: "Pool raised from 20 to 60 connections, quiz page verified.",
        }),
        stageIs("Resolved"),
        ...customerStep("Send resolution", "Send resolution", "Resolved:", "Hello"),
        checklistDone(6),
        ...internalStep("Log confirmation", "Log confirmation", {
            customer_confirmation: "Ha: the quiz page works again, thank you.",
        }),
        ...customerStep("Send closure", "Send closure", "Closed:", "Hello"),
        ...internalStep("Log final summary", "Log final summary", {
            lessons_learned: "Watch the pool usage before exam weeks.",
        }),
        stageIs("Done"),
        checklistDone(7),
        ...timelineHas(10, "Log final summary", {
            assessment_note: "16 coordinators blocked",
            root_cause: "Connection pool too small",
            lessons_learned: "Watch the pool usage before exam weeks.",
        }),
        {
            content: "No step button left",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button.btn-primary))",
        },
    ],
});

registry.category("web_tour.tours").add("mindx_helpdesk_process_manager_tour", {
    steps: () => [
        {
            content: "The ticket the test created is open, in New",
            trigger: `.o_form_view .o_field_widget[name=name]:contains("${MANAGER_TICKET}"), .o_form_view .o_field_widget[name=name] input:value("${MANAGER_TICKET}")`,
        },
        stageIs("New"),
        {
            content: "Move with a reason (one dialog for moves and forced moves)",
            trigger: '.o_form_view .o_statusbar_buttons button:contains("Move with a reason")',
            run: "click",
        },
        {
            content: "The manager ticks Force",
            trigger: ".modal .o_field_widget[name=force] input:not(:checked)",
            run: "click",
        },
        {
            content: "Move to: type Awaiting",
            trigger: ".modal .o_field_widget[name=stage_id] input",
            run: "edit Awaiting",
        },
        {
            content: "Move to: pick Awaiting",
            trigger:
                '.modal .o_field_widget[name=stage_id] .ui-autocomplete a:contains("Awaiting")',
            run: "click",
        },
        {
            content: "The reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Dev Team already on it from the customer's call (tour).",
        },
        {
            content: "Move",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        { content: "Move dialog closed", trigger: NO_DIALOG },
        stageIs("Awaiting"),
        {
            content: "The forced move is in the chatter, with its reason",
            trigger:
                '.o-mail-Chatter .o-mail-Message:contains("Forced move from New to Awaiting"):contains("from the customer\'s call (tour)")',
        },
        // -- Reporting > Process compliance ------------------------------------------
        {
            content: "Open the Reporting menu",
            trigger:
                '.o_main_navbar button[data-menu-xmlid="helpdesk_mgmt.helpdesk_ticket_reporting_menu"]',
            run: "click",
        },
        {
            content: "Open Process compliance",
            trigger:
                '.o-dropdown--menu a[data-menu-xmlid="mindx_helpdesk_process.helpdesk_process_analysis_menu"]',
            run: "click",
        },
        {
            content: "The pivot view opens",
            trigger: '.o_action_manager .o_pivot_view .o_breadcrumb:contains("Process compliance")',
        },
        {
            content: "It measures % ACK on time",
            trigger: '.o_pivot_view .o_pivot thead th:contains("% ACK on time")',
        },
        {
            content: "Rows by team",
            trigger: '.o_pivot_view .o_pivot tbody th:contains("LMS Support (tests)")',
        },
    ],
});

/**
 * mindx_sla_countdown_tour: the countdown on the kanban cards, in words, the
 * overdue one red, and it keeps counting without a reload (the test set the
 * tickets' deadlines; tests/test_tour.py).
 */
registry.category("web_tour.tours").add("mindx_sla_countdown_tour", {
    steps: () => [
        {
            content: "The ticket due soon counts down to its ACK",
            trigger: `.o_kanban_record:contains("Tour: countdown due") .o_mindx_sla_countdown.text-muted:contains("ACK due in")`,
        },
        {
            content: "The ticket past its deadline says by how much, in red",
            trigger: `.o_kanban_record:contains("Tour: countdown overdue") .o_mindx_sla_countdown.text-danger:contains("ACK overdue by")`,
        },
        {
            content: "Within its stage, the overdue ticket comes first",
            trigger: `.o_kanban_group:has(.o_kanban_record:contains("Tour: countdown due")) .o_kanban_record:contains("Tour: countdown overdue") ~ .o_kanban_record:contains("Tour: countdown due")`,
        },
    ],
});

/**
 * mindx_major_incident_tour: an agent selects three tickets of one incident in
 * the list, links them to one of them with "Link to major incident", opens the
 * main ticket and sends one update, which reaches every report's customer
 * (tests/test_tour.py checks the reports).
 */
export const INCIDENT_MAIN = "Tour MI: LMS slow for block A";
export const INCIDENT_REPORTS = ["Tour MI: quizzes time out", "Tour MI: lớp 5A không nộp bài"];

function selectRow(name) {
    return {
        content: `Select "${name}" in the list`,
        trigger: `.o_list_renderer .o_data_row:contains("${name}") td.o_list_record_selector input[type=checkbox]`,
        run: "click",
    };
}

registry.category("web_tour.tours").add("mindx_major_incident_tour", {
    steps: () => [
        ...[INCIDENT_MAIN, ...INCIDENT_REPORTS].map(selectRow),
        {
            content: "Open the Actions menu of the selection",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Link to major incident",
            trigger: '.o-dropdown--menu .o_menu_item:contains("Link to major incident")',
            run: "click",
        },
        {
            content: "The dialog lists the three selected tickets",
            trigger: `.modal .o_field_widget[name=ticket_ids]:contains("${INCIDENT_REPORTS[1]}")`,
        },
        {
            content: "Main ticket: type the first ticket",
            trigger: ".modal .o_field_widget[name=main_ticket_id] input",
            run: `edit ${INCIDENT_MAIN}`,
        },
        {
            content: "Main ticket: pick it",
            trigger: `.modal .o_field_widget[name=main_ticket_id] .ui-autocomplete a:contains("${INCIDENT_MAIN}")`,
            run: "click",
        },
        {
            content: "Link",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        { content: "Link dialog closed", trigger: NO_DIALOG },
        {
            content: "Open the main ticket",
            trigger: `.o_list_renderer .o_data_row td[name=name]:contains("${INCIDENT_MAIN}")`,
            run: "click",
        },
        {
            content: "Its class counts every report's users",
            trigger: '.o_form_view .o_field_widget[name=cos_rationale]:contains("across 3 reports")',
        },
        {
            content: "The Major incident tab lists the reports",
            trigger: '.o_form_view .o_notebook a.nav-link:contains("Major incident")',
            run: "click",
        },
        {
            content: "... with their customers",
            trigger: `.o_form_view .o_field_widget[name=major_incident_ticket_ids] .o_data_row:contains("${INCIDENT_REPORTS[1]}")`,
        },
        {
            content: "Send update from the header",
            trigger: '.o_form_view .o_statusbar_buttons button:contains("Send update")',
            run: "click",
        },
        {
            content: "The composer opens with the update template",
            trigger: '.modal .o_field_widget[name=body]:contains("Here is an update on your request")',
        },
        {
            content: "Send the update",
            trigger: '.modal .modal-footer button.o_mail_send:contains("Send")',
            run: "click",
        },
        { content: "Composer closed", trigger: NO_DIALOG, timeout: 20000 },
        {
            content: "The update is in the main ticket's chatter",
            trigger: '.o-mail-Chatter .o-mail-Message:contains("Here is an update on your request")',
        },
    ],
});
