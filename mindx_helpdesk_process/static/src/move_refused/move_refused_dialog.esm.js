/** @odoo-module **/
/* Copyright 2026 MindX
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {RedirectWarningDialog} from "@web/core/errors/error_dialogs";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

/**
 * A refused stage move (ProcessMoveRefused, exceptions.py) keeps its text
 * naming what is missing and offers the way forward as a button: the next
 * step's dialog or composer, or the move dialog. Without one, the plain
 * warning's Close only.
 */
export class MoveRefusedDialog extends RedirectWarningDialog {
    static template = "mindx_helpdesk_process.MoveRefusedDialog";

    setup() {
        super.setup();
        const remedy = this.props.data.context || {};
        this.title = _t("Cannot move the ticket yet");
        this.actionId = remedy.remedy_action;
        this.buttonText = remedy.remedy_label;
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.mindx_helpdesk_process.exceptions.ProcessMoveRefused", MoveRefusedDialog);
