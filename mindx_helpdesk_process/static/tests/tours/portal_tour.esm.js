/** @odoo-module */
/* Copyright 2026 MindX
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * The customer on their ticket's page (tests/test_tour.py): withdraws an open
 * request with a reason and is told it is done; on a resolved one, confirms the
 * fix and is thanked.
 */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("mindx_portal_withdraw_tour", {
    steps: () => [
        {
            content: "Only the process's buttons: no stage button",
            trigger: "[name=ticket_close_buttons]:not(:has(input[name=stage_id]))",
        },
        {
            content: "Say why",
            trigger: "form[name=mindx_withdraw] textarea[name=reason]",
            run: "edit The LMS works again after the restart (tour).",
        },
        {
            content: "Withdraw the request",
            trigger: 'form[name=mindx_withdraw] button:contains("Withdraw my request")',
            run: "click",
        },
        {
            content: "Told it is withdrawn; the button is gone",
            trigger:
                "body:has(.alert-info:contains(Your request is withdrawn)):not(:has(form[name=mindx_withdraw]))",
        },
    ],
});

registry.category("web_tour.tours").add("mindx_portal_confirm_tour", {
    steps: () => [
        {
            content: "Confirm the fix",
            trigger: 'form[name=mindx_confirm] button:contains("It works: confirm the fix")',
            run: "click",
        },
        {
            content: "Thanked; the confirmation button is gone",
            trigger:
                "body:has(.alert-success:contains(your confirmation is recorded)):not(:has(form[name=mindx_confirm]))",
        },
    ],
});
